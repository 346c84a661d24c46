/**
 * The q-quantile (0..1) by linear interpolation between the closest ranks
 * (Hyndman & Fan type 7, numpy's and Excel PERCENTILE.INC's default): the
 * median of [1, 2, 3, 4] is 2.5, the p90 of 1..10 is 9.1. Undefined for none.
 */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export interface Spread {
  count: number;
  /** Seconds. */
  median?: number;
  p90?: number;
}

export const spread = (seconds: readonly number[]): Spread => {
  const median = quantile(seconds, 0.5);
  const p90 = quantile(seconds, 0.9);
  return { count: seconds.length, ...(median !== undefined ? { median } : {}), ...(p90 !== undefined ? { p90 } : {}) };
};

/** 95 → "1m35s", 7260 → "2h01m", 2 days → "2d00h". */
export function duration(seconds: number | undefined): string {
  if (seconds === undefined) return '-';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d${String(Math.floor((s % 86_400) / 3600)).padStart(2, '0')}h`;
}
