import { paginateGetMetricData, type CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { MetricCheck, MetricStat } from '../config/schema.js';
import { DEFAULTS } from '../config/defaults.js';
import type { HealthVerdict } from './verdict.js';

export interface Window {
  /** Periods are judged from the first period boundary at or after this instant. */
  from: Date;
  now: Date;
}

/** The complete, ingested periods of a window, as [start, end) epoch-ms pairs. */
export function periodsOf(window: Window, periodSeconds: number, graceSeconds: number = DEFAULTS.health.ingestionGraceSeconds): number[] {
  const p = periodSeconds * 1000;
  const first = Math.ceil(window.from.getTime() / p) * p;
  const last = window.now.getTime() - graceSeconds * 1000;
  const starts: number[] = [];
  for (let t = first; t + p <= last; t += p) starts.push(t);
  return starts;
}

const statQuery = (id: string, m: MetricStat, period: number, returnData: boolean): MetricDataQuery => ({
  Id: id,
  MetricStat: {
    Metric: {
      Namespace: m.namespace,
      MetricName: m.metricName,
      Dimensions: Object.entries(m.dimensions).map(([Name, Value]) => ({ Name, Value })),
    },
    Period: period,
    Stat: m.stat,
  },
  ReturnData: returnData,
});

/** The query id whose values are judged. */
export const RESULT_ID = 'shipwatch';

export function metricQueries(check: MetricCheck): MetricDataQuery[] {
  if (check.metric) return [statQuery(RESULT_ID, check.metric, check.period, true)];
  return [
    ...Object.entries(check.metrics ?? {}).map(([id, m]) => statQuery(id, m, check.period, false)),
    { Id: RESULT_ID, Expression: check.expression, Period: check.period, ReturnData: true },
  ];
}

/** Datapoints keyed by period start (epoch ms). */
export async function readMetric(cloudwatch: CloudWatchClient, check: MetricCheck, periods: number[]): Promise<Map<number, number>> {
  const values = new Map<number, number>();
  if (periods.length === 0) return values;
  const p = check.period * 1000;
  const input = {
    MetricDataQueries: metricQueries(check),
    StartTime: new Date(periods[0]!),
    EndTime: new Date(periods[periods.length - 1]! + p),
    ScanBy: 'TimestampAscending' as const,
  };
  for await (const page of paginateGetMetricData({ client: cloudwatch }, input)) {
    const result = page.MetricDataResults?.find((r) => r.Id === RESULT_ID);
    result?.Timestamps?.forEach((ts, i) => {
      const v = result.Values?.[i];
      if (v !== undefined && Number.isFinite(v)) values.set(new Date(ts).getTime(), v);
    });
  }
  return values;
}

const breaches = (cmp: MetricCheck['comparison'], v: number, t: number) => (cmp === '>' ? v > t : cmp === '>=' ? v >= t : cmp === '<' ? v < t : v <= t);

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3))));

/**
 * Pure: judges every complete period of the window. A period with no
 * datapoint is inconclusive, never healthy, and counts against its own limit.
 * `final` is the last look of the bake: a check that never saw a period is
 * inconclusive then.
 */
export function metricVerdict(check: MetricCheck, periods: number[], values: Map<number, number>, final: boolean): HealthVerdict {
  const u = check.unit;
  const seen = periods.map((start) => values.get(start));
  const present = seen.filter((v): v is number => v !== undefined);
  const bad = present.filter((v) => breaches(check.comparison, v, check.threshold));
  const missing = seen.length - present.length;
  const base = { check: check.name, kind: 'metric' as const, breaches: bad.length, missing, periods: seen.length };
  const limit = `${check.comparison} ${fmt(check.threshold)}${u}`;

  if (bad.length > check.failureLimit) {
    const worst = check.comparison.startsWith('>') ? Math.max(...bad) : Math.min(...bad);
    return {
      ...base,
      phase: 'Failed',
      message: `${check.name} ${fmt(worst)}${u} ${limit} in ${bad.length} of ${seen.length} periods, failure limit ${check.failureLimit}`,
    };
  }
  if (missing > check.inconclusiveLimit || (final && present.length === 0)) {
    return {
      ...base,
      phase: 'Inconclusive',
      message: `${check.name}: no data in ${missing} of ${seen.length} periods, inconclusive limit ${check.inconclusiveLimit}`,
    };
  }
  if (present.length === 0) {
    return { ...base, phase: 'Running', message: `${check.name}: no complete period yet (fails when ${limit})` };
  }
  const worst = check.comparison.startsWith('>') ? Math.max(...present) : Math.min(...present);
  return {
    ...base,
    phase: final ? 'Successful' : 'Running',
    message: `${check.name} worst ${fmt(worst)}${u}, ${limit} in ${bad.length} of ${seen.length} periods, failure limit ${check.failureLimit}`,
  };
}
