import { describe, expect, it } from 'vitest';
import { runSandbox } from '../../sandbox/sandbox.js';
import { SCENARIOS } from '../../sandbox/scenarios.js';

// Faults are normal: every sandbox scenario again, with a share of every AWS
// call (ECS, ECR, CloudWatch, Step Functions, DynamoDB, SSM, EKS) throttled,
// failed with a 5xx, timed out or disconnected, and as many Lambda
// invocations crashing before or after their work. Each push must still end
// in its expected outcome, and none may be lost.
describe('reliability under injected faults', () => {
  for (const { rate, seed } of [
    { rate: 0.05, seed: 7 },
    { rate: 0.1, seed: 11 },
  ]) {
    it(`every push ends as expected with ${rate * 100}% of calls failing (seed ${seed})`, async () => {
      // Prepare
      const lines: string[] = [];

      // Act
      const { rows, ok, injected } = await runSandbox({ speed: Infinity, seed: 1, faults: { rate, seed }, print: (l) => lines.push(l) });

      // Assess
      const total = Object.values(injected).reduce((a, b) => a + b, 0);
      console.log(
        `faults rate=${rate} seed=${seed} injected=${total} ${JSON.stringify(injected)} pushes=${rows.length} lost=${rows.filter((r) => r.outcome === 'no outcome').length}`,
      );
      expect(total).toBeGreaterThan(20);
      expect(rows.map((r) => [r.scenario, r.outcome])).toEqual(SCENARIOS.flatMap((s) => s.expect.map((o) => [s.name, o])));
      expect(ok).toBe(true);
    }, 900_000);
  }
});
