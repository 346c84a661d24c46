import { describe, expect, it } from 'vitest';
import { summarize } from '../../shared/health/verdict.js';

// shared/health/verdict.ts: the one line a set of verdicts is summed up in
// (isFailing is tested with the verdicts that reach it, in
// health-metrics-verdict.test.ts).

describe('summarize', () => {
  it('lists only the failing verdicts when there are any', () => {
    // Prepare
    const verdicts = [
      { check: 'a', kind: 'alarm' as const, phase: 'Successful' as const, message: 'alarm a is OK' },
      { check: 'b', kind: 'alarm' as const, phase: 'Failed' as const, message: 'alarm b is ALARM' },
      { check: 'm', kind: 'metric' as const, phase: 'Inconclusive' as const, message: 'm: no data' },
    ];

    // Act / Assess
    expect(summarize(verdicts)).toBe('alarm b is ALARM; m: no data');
    expect(summarize(verdicts.slice(0, 1))).toBe('alarm a is OK');
    expect(summarize([])).toBe('no alarms or metrics configured');
  });
});
