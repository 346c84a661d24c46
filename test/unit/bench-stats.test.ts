import { describe, expect, it } from 'vitest';
import { formatSummary, quantile, seededRandom, shuffle, summary } from '../../bench/stats.js';

// The cold-start benchmark's figures: medians and interquartile ranges of
// per-round differences, over rounds in a replayable shuffled order.

describe('bench statistics', () => {
  it('interpolates quantiles between order statistics (R type 7)', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(quantile([10], 0.75)).toBe(10);
    expect(() => quantile([], 0.5)).toThrow('quantile of no values');
  });

  it('summarises as median [first quartile–third quartile], unmoved by one slow round', () => {
    const rounds = [20, 21, 22, 23, 400];
    expect(summary(rounds)).toEqual({ median: 22, q1: 21, q3: 23 });
    expect(formatSummary(rounds)).toBe('22.0 [21.0–23.0]');
  });

  it('shuffles the same way for the same seed, and every variant stays in the round', () => {
    const variants = ['empty', 'bare', 'a', 'b', 'c', 'd'];
    const first = shuffle(variants, seededRandom(14));
    expect(shuffle(variants, seededRandom(14))).toEqual(first);
    expect([...first].sort()).toEqual([...variants].sort());
    expect(shuffle(variants, seededRandom(15))).not.toEqual(first);
  });
});
