import { describe, expect, it } from 'vitest';

// The workflow's own retries must be enough on their own: every AWS call is
// tried once by the SDK (AWS_MAX_ATTEMPTS=1), so each injected fault reaches
// the handler, and the state machine's Retry and the handlers' idempotence
// alone must bring every push to its expected outcome. Set before any client
// exists (this file runs in a module graph of its own).
process.env.AWS_MAX_ATTEMPTS = '1';
const { runSandbox } = await import('../../sandbox/sandbox.js');
const { SCENARIOS } = await import('../../sandbox/scenarios.js');

describe('reliability with the SDK retries off', () => {
  for (const { rate, seed } of [
    { rate: 0.05, seed: 7 },
    { rate: 0.05, seed: 3 },
  ]) {
    it(`every push ends as expected with ${rate * 100}% of calls failing and one SDK attempt per call (seed ${seed})`, async () => {
      const lines: string[] = [];

      const { rows, injected } = await runSandbox({ speed: Infinity, seed: 1, faults: { rate, seed }, print: (l) => lines.push(l) });

      const total = Object.values(injected).reduce((a, b) => a + b, 0);
      expect(total).toBeGreaterThan(20);
      const wrong = rows.filter((r) => !r.ok).map((r) => `${r.scenario} ${r.image}: ${r.outcome} (expected ${r.expected}) ${r.reason}`);
      expect(wrong, lines.join('\n').slice(-8000)).toEqual([]);
      expect(rows.map((r) => [r.scenario, r.outcome])).toEqual(SCENARIOS.flatMap((s) => s.expect.map((o) => [s.name, o])));
    }, 300_000);
  }
});
