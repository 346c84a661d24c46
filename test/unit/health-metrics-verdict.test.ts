import { describe, expect, it } from 'vitest';
import { metricVerdict } from '../../shared/health/metrics.js';
import { isFailing } from '../../shared/health/verdict.js';
import { FIVE_PERIODS, fiveXx, latency, successRate, valuesOf } from '../support/health.js';

// shared/health/metrics.ts, metricVerdict: a check judged on its periods'
// values, with the arithmetic in the message (Argo-style failure and
// inconclusive limits; no data is not healthy).

describe('metricVerdict', () => {
  it('fails with the arithmetic when breaches exceed the failure limit', () => {
    // Prepare
    const values = valuesOf(FIVE_PERIODS, [1.0, 7.2, 3.1, 0.4, 2.5]);

    // Act
    const verdict = metricVerdict(fiveXx, FIVE_PERIODS, values, false);

    // Assess
    expect(verdict).toStrictEqual({
      check: '5xx rate',
      kind: 'metric',
      phase: 'Failed',
      message: '5xx rate 7.2% > 2% in 3 of 5 periods, failure limit 2',
      breaches: 3,
      missing: 0,
      periods: 5,
    });
  });

  it('passes at exactly the failure limit and fails one above it', () => {
    // Prepare
    const atLimit = valuesOf(FIVE_PERIODS, [1.0, 7.2, 3.1, 0.4, 1.9]);
    const overLimit = valuesOf(FIVE_PERIODS, [1.0, 7.2, 3.1, 0.4, 2.01]);

    // Act
    const passing = metricVerdict(fiveXx, FIVE_PERIODS, atLimit, true);
    const failing = metricVerdict(fiveXx, FIVE_PERIODS, overLimit, true);

    // Assess
    expect(passing.phase).toBe('Successful');
    expect(passing.message).toBe('5xx rate worst 7.2%, > 2% in 2 of 5 periods, failure limit 2');
    expect(failing.phase).toBe('Failed');
    expect(failing.message).toBe('5xx rate 7.2% > 2% in 3 of 5 periods, failure limit 2');
  });

  it('is Running, not Successful, before the last look', () => {
    // Prepare
    const values = valuesOf(FIVE_PERIODS, [0.1, 0.2, 0.3, 0.2, 0.1]);

    // Act
    const verdict = metricVerdict(fiveXx, FIVE_PERIODS, values, false);

    // Assess
    expect(verdict.phase).toBe('Running');
    expect(verdict.message).toBe('5xx rate worst 0.3%, > 2% in 0 of 5 periods, failure limit 2');
    expect(isFailing(verdict)).toBe(false);
  });

  it('does not count a value equal to the threshold as a breach of ">"', () => {
    // Prepare
    const values = valuesOf(FIVE_PERIODS, [2, 2, 2, 2, 2]);

    // Act
    const verdict = metricVerdict(fiveXx, FIVE_PERIODS, values, true);

    // Assess
    expect(verdict).toMatchObject({ phase: 'Successful', breaches: 0 });
  });

  it('is Inconclusive when missing periods exceed the inconclusive limit', () => {
    // Prepare: inconclusiveLimit 1, two periods without a datapoint
    const values = valuesOf(FIVE_PERIODS, [0.1, undefined, 0.3, undefined, 0.1]);

    // Act
    const verdict = metricVerdict(fiveXx, FIVE_PERIODS, values, false);

    // Assess
    expect(verdict).toStrictEqual({
      check: '5xx rate',
      kind: 'metric',
      phase: 'Inconclusive',
      message: '5xx rate: no data in 2 of 5 periods, inconclusive limit 1',
      breaches: 0,
      missing: 2,
      periods: 5,
    });
    expect(isFailing(verdict)).toBe(true);
  });

  it('tolerates missing periods up to the inconclusive limit', () => {
    // Prepare
    const values = valuesOf(FIVE_PERIODS, [0.1, undefined, 0.3, 0.2, 0.1]);

    // Act
    const verdict = metricVerdict(fiveXx, FIVE_PERIODS, values, true);

    // Assess
    expect(verdict).toMatchObject({ phase: 'Successful', missing: 1, periods: 5 });
  });

  it('is never Successful with no data on the last look', () => {
    // Prepare
    const onePeriod = FIVE_PERIODS.slice(0, 1);

    // Act
    const noPeriods = metricVerdict(fiveXx, [], new Map(), true);
    const noDatapoint = metricVerdict(fiveXx, onePeriod, new Map(), true);

    // Assess
    expect(noPeriods.phase).toBe('Inconclusive');
    expect(noPeriods.message).toBe('5xx rate: no data in 0 of 0 periods, inconclusive limit 1');
    expect(noDatapoint.phase).toBe('Inconclusive');
    expect(noDatapoint.message).toBe('5xx rate: no data in 1 of 1 periods, inconclusive limit 1');
  });

  it('is Running with no complete period before the last look', () => {
    // Prepare / Act
    const verdict = metricVerdict(fiveXx, [], new Map(), false);

    // Assess
    expect(verdict.phase).toBe('Running');
    expect(verdict).toMatchObject({ breaches: 0, missing: 0, periods: 0 });
    expect(verdict.message).toMatch(/^5xx rate:? no complete period yet/);
    expect(isFailing(verdict)).toBe(false);
  });

  it('reports Failed ahead of Inconclusive when both apply', () => {
    // Prepare
    const values = valuesOf(FIVE_PERIODS, [9, undefined, 8, undefined, 7]);

    // Act
    const verdict = metricVerdict(fiveXx, FIVE_PERIODS, values, false);

    // Assess
    expect(verdict.phase).toBe('Failed');
    expect(verdict.message).toBe('5xx rate 9% > 2% in 3 of 5 periods, failure limit 2');
  });

  it('judges "<" checks by their lowest value', () => {
    // Prepare: success rate < 99%, failureLimit 1
    const periods = FIVE_PERIODS.slice(0, 4);
    const values = valuesOf(periods, [99.5, 98.25, 97, 99.9]);

    // Act
    const verdict = metricVerdict(successRate, periods, values, false);

    // Assess
    expect(verdict.phase).toBe('Failed');
    expect(verdict.message).toBe('success rate 97% < 99% in 2 of 4 periods, failure limit 1');
  });

  it('passes a "<" check whose one breach is within the limit, showing the lowest value', () => {
    // Prepare
    const periods = FIVE_PERIODS.slice(0, 4);
    const values = valuesOf(periods, [99.5, 98.25, 99.2, 99.9]);

    // Act
    const verdict = metricVerdict(successRate, periods, values, true);

    // Assess
    expect(verdict.phase).toBe('Successful');
    expect(verdict.message).toBe('success rate worst 98.3%, < 99% in 1 of 4 periods, failure limit 1');
  });

  it('does not count a value equal to the threshold as a breach of "<"', () => {
    // Prepare
    const periods = FIVE_PERIODS.slice(0, 4);
    const values = valuesOf(periods, [99, 99, 99, 99]);

    // Act
    const verdict = metricVerdict(successRate, periods, values, true);

    // Assess
    expect(verdict).toMatchObject({ phase: 'Successful', breaches: 0, message: 'success rate worst 99%, < 99% in 0 of 4 periods, failure limit 1' });
  });

  it('uses the default failure limit of 1 and the unit as written', () => {
    // Prepare
    const values = valuesOf(FIVE_PERIODS, [0.2, 0.61, 0.3, 0.7, 0.4]);

    // Act
    const verdict = metricVerdict(latency, FIVE_PERIODS, values, false);

    // Assess
    expect(verdict.message).toBe('p99 latency 0.7 s > 0.5 s in 2 of 5 periods, failure limit 1');
    expect(verdict.phase).toBe('Failed');
  });
});
