import { describe, expect, it } from 'vitest';

// The workflow's own retries must be enough on their own: every AWS call is
// tried once by the SDK (AWS_MAX_ATTEMPTS=1), so each injected fault reaches
// the handler, and the state machine's Retry and the handlers' idempotence
// alone must bring every push to its expected outcome. Set before any client
// exists (this file runs in a module graph of its own).
process.env.AWS_MAX_ATTEMPTS = '1';
const { runSandbox } = await import('../../sandbox/sandbox.js');
const { SCENARIOS } = await import('../../sandbox/scenarios.js');
// (the burst allowance below is the only difference from faults.test.ts's expectations)

describe('reliability with the SDK retries off', () => {
  for (const { rate, seed } of [{ rate: 0.05, seed: 7 }]) {
    it(`every push ends as expected with ${rate * 100}% of calls failing and one SDK attempt per call (seed ${seed})`, async () => {
      const lines: string[] = [];

      const { rows, injected } = await runSandbox({ speed: Infinity, seed: 1, faults: { rate, seed }, print: (l) => lines.push(l) });

      const total = Object.values(injected).reduce((a, b) => a + b, 0);
      expect(total).toBeGreaterThan(20);
      // A burst's older pushes may be delivered late here (startDeployments waits out Lambda's
      // async retries after a fault): one admitted while it was the newest deploys, as it
      // should. What must hold: nothing lost, the newest deployed, the others superseded or deployed.
      const burst = (r: (typeof rows)[number]) => r.scenario === 'burst' && r.expected === 'superseded' && ['superseded', 'deployed'].includes(r.outcome);
      const wrong = rows.filter((r) => !r.ok && !burst(r)).map((r) => `${r.scenario} ${r.image}: ${r.outcome} (expected ${r.expected}) ${r.reason}`);
      expect(wrong, lines.join('\n').slice(-8000)).toEqual([]);
      expect(rows).toHaveLength(SCENARIOS.flatMap((s) => s.expect).length);
      expect(rows.filter((r) => r.outcome === 'no outcome')).toEqual([]);
    }, 900_000);
  }
});
