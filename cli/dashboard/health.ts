import { DescribeAlarmHistoryCommand, DescribeAlarmsCommand, type AlarmHistoryItem, type CloudWatchClient, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { HealthPolicy, MetricCheck } from '../../shared/config/schema.js';
import { metricVerdict, periodsOf, readMetric } from '../../shared/health/metrics.js';
import type { HealthVerdict } from '../../shared/health/verdict.js';

// The health chart's data: every period the bake judges, read with the
// workflow's own functions (periodsOf, readMetric, metricVerdict), so the
// chart shows the very numbers behind the verdict; and each alarm's states
// over the same window (DescribeAlarmHistory), with its metric against its
// threshold when it is a metric alarm.

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type Comparison = '>' | '>=' | '<' | '<=';

export interface Period {
  /** Epoch ms. */
  start: number;
  /** Undefined: no datapoint, an inconclusive period (a gap in the line). */
  value?: number;
  breaching: boolean;
  /** After the verdict (the bake had ended): shown for what followed, not counted. */
  after?: boolean;
}

export interface Series {
  name: string;
  unit: string;
  comparison: Comparison;
  threshold: number;
  /** Seconds. */
  period: number;
  points: Period[];
  /** A configured metric check: the workflow's verdict over these periods, with its arithmetic. */
  verdict?: HealthVerdict;
  error?: string;
}

export interface Band {
  from: number;
  to: number;
  state: AlarmStateValue;
}

export interface AlarmTrack {
  name: string;
  /** Now, as DescribeAlarms says. */
  state: AlarmStateValue | 'MISSING';
  bands: Band[];
  /** A metric alarm's own metric against its threshold. */
  series?: Series;
  error?: string;
}

export interface HealthChart {
  /** The bake's window in epoch ms: from its start to its end (its verdict), or to now while it runs. */
  from: number;
  to: number;
  /** Data is shown up to here: the end of the execution (the rollback that followed), or now. */
  until: number;
  /** Where the time axis ends: the bake's planned end while it runs, so the chart fills in. */
  axisTo: number;
  live: boolean;
  /** How the bake ended: ran its course healthy, judged unhealthy (a rollback followed), or stopped otherwise (superseded, failed). */
  ended?: 'healthy' | 'unhealthy' | 'stopped';
  metrics: Series[];
  alarms: AlarmTrack[];
}

export const breaches = (comparison: Comparison, value: number, threshold: number): boolean =>
  comparison === '>' ? value > threshold : comparison === '>=' ? value >= threshold : comparison === '<' ? value < threshold : value <= threshold;

const COMPARISON_OF: Record<string, Comparison> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '>=',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '<=',
};

const stateOf = (value: string | undefined): AlarmStateValue => (value === 'ALARM' || value === 'OK' ? value : 'INSUFFICIENT_DATA');

/**
 * Pure: an alarm's states across [from, to] as bands, from its StateUpdate
 * history items (any order) since `from`, and its state now: the state at
 * `from` is the first transition's old state, or (no transition since) the
 * state it has now.
 */
export function alarmBands(items: readonly AlarmHistoryItem[], current: AlarmStateValue, from: number, to: number): Band[] {
  const transitions = items
    .filter((i) => (i.HistoryItemType ?? 'StateUpdate') === 'StateUpdate' && i.Timestamp)
    .map((i) => {
      let data: { oldState?: { stateValue?: string | undefined }; newState?: { stateValue?: string | undefined } } = {};
      try {
        data = JSON.parse(i.HistoryData ?? '{}');
      } catch {
        // a summary without data: read the states from it ("Alarm updated from OK to ALARM")
        const m = /from (\w+) to (\w+)/.exec(i.HistorySummary ?? '');
        if (m) data = { oldState: { stateValue: m[1] }, newState: { stateValue: m[2] } };
      }
      return { at: new Date(i.Timestamp!).getTime(), old: stateOf(data.oldState?.stateValue), next: stateOf(data.newState?.stateValue) };
    })
    .filter((t) => t.at >= from)
    .sort((a, b) => a.at - b.at);
  const bands: Band[] = [];
  let state = transitions[0]?.old ?? current;
  let since = from;
  for (const t of transitions) {
    if (t.at >= to) break;
    if (t.at > since) bands.push({ from: since, to: t.at, state });
    state = t.next;
    since = Math.max(since, t.at);
  }
  if (to > since) bands.push({ from: since, to, state });
  // Neighbours in the same state are one band.
  return bands.reduce<Band[]>((out, b) => {
    const prev = out.at(-1);
    if (prev && prev.state === b.state && prev.to === b.from) prev.to = b.to;
    else out.push({ ...b });
    return out;
  }, []);
}

/** The check a metric alarm makes, as a metric check the bake's functions can read. */
function alarmCheck(alarm: MetricAlarm): MetricCheck | undefined {
  const comparison = COMPARISON_OF[alarm.ComparisonOperator ?? ''];
  if (!comparison || alarm.Threshold === undefined || !alarm.Period) return undefined;
  const common = {
    name: alarm.AlarmName ?? 'alarm',
    period: alarm.Period,
    comparison,
    threshold: alarm.Threshold,
    unit: '',
    failureLimit: 0,
    inconclusiveLimit: Number.MAX_SAFE_INTEGER,
  };
  if (alarm.MetricName && alarm.Namespace) {
    const dimensions = Object.fromEntries((alarm.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? '']));
    return {
      ...common,
      metric: { namespace: alarm.Namespace, metricName: alarm.MetricName, dimensions, stat: alarm.Statistic ?? alarm.ExtendedStatistic ?? 'Average' },
    };
  }
  // Metric math: the returned expression over plain metric queries.
  const queries = alarm.Metrics ?? [];
  const result = queries.find((q) => q.ReturnData !== false && q.Expression);
  if (!result?.Expression || queries.some((q) => q !== result && !q.MetricStat)) return undefined;
  const metrics = Object.fromEntries(
    queries
      .filter((q) => q.MetricStat && q.Id)
      .map((q) => [
        q.Id!,
        {
          namespace: q.MetricStat!.Metric?.Namespace ?? '',
          metricName: q.MetricStat!.Metric?.MetricName ?? '',
          dimensions: Object.fromEntries((q.MetricStat!.Metric?.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? ''])),
          stat: q.MetricStat!.Stat ?? 'Average',
        },
      ]),
  );
  return { ...common, expression: result.Expression, metrics };
}

async function seriesOf(
  cloudwatch: CloudWatchClient,
  check: MetricCheck,
  window: { from: Date; to: Date; until: Date; final: boolean },
  judged: boolean,
): Promise<Series> {
  const base = { name: check.name, unit: check.unit, comparison: check.comparison as Comparison, threshold: check.threshold, period: check.period };
  // The periods the bake judged, then those until the data's end (what followed the verdict).
  const counted = periodsOf({ from: window.from, now: window.to }, check.period);
  const shown = periodsOf({ from: window.from, now: window.until }, check.period);
  try {
    const values = await readMetric(cloudwatch, check, shown);
    // After the verdict: for a check the bake judged, a period it did not count; for an alarm's metric, one that ended after it.
    const after = (start: number, i: number) => (judged ? i >= counted.length : start + check.period * 1000 > window.to.getTime());
    const points = shown.map((start, i) => {
      const value = values.get(start);
      return {
        start,
        ...(value !== undefined ? { value } : {}),
        breaching: value !== undefined && breaches(base.comparison, value, check.threshold),
        ...(after(start, i) ? { after: true } : {}),
      };
    });
    return { ...base, points, ...(judged ? { verdict: metricVerdict(check, counted, values, window.final) } : {}) };
  } catch (error) {
    return { ...base, points: [], error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

/**
 * Reads the chart of one bake: [from, to] is what was judged (to = now while
 * it runs), `until` how far the data is shown (the rollback that followed),
 * axisTo where the axis ends, `final` whether the bake ran to its end (the
 * last look judges a check without data as inconclusive), `live` whether it
 * is still under way.
 */
export async function readHealthChart(
  cloudwatch: CloudWatchClient,
  health: HealthPolicy,
  window: { from: Date; to: Date; until: Date; axisTo: Date; now: Date; final: boolean; live: boolean; ended?: HealthChart['ended'] },
): Promise<HealthChart> {
  const { from, to } = window;
  const until = window.until.getTime() < to.getTime() ? to : window.until;
  const metrics = await Promise.all(health.metrics.map((check) => seriesOf(cloudwatch, check, { ...window, until }, true)));
  const alarms: AlarmTrack[] = [];
  if (health.alarms.length > 0) {
    let described: MetricAlarm[] = [];
    let composite: { AlarmName?: string | undefined; StateValue?: string | undefined }[] = [];
    let error: string | undefined;
    try {
      const out = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [...health.alarms], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }));
      described = out.MetricAlarms ?? [];
      composite = out.CompositeAlarms ?? [];
    } catch (e) {
      error = `${(e as Error).name}: ${(e as Error).message}`;
    }
    for (const name of health.alarms) {
      const metricAlarm = described.find((a) => a.AlarmName === name);
      const alarm = metricAlarm ?? composite.find((a) => a.AlarmName === name);
      if (!alarm) {
        alarms.push({ name, state: 'MISSING', bands: [], ...(error ? { error } : {}) });
        continue;
      }
      const state = stateOf(alarm.StateValue);
      const track: AlarmTrack = { name, state, bands: [] };
      try {
        const items: AlarmHistoryItem[] = [];
        let NextToken: string | undefined;
        do {
          const page = await cloudwatch.send(
            new DescribeAlarmHistoryCommand({
              AlarmName: name,
              HistoryItemType: 'StateUpdate',
              StartDate: from,
              EndDate: window.now,
              ScanBy: 'TimestampAscending',
              MaxRecords: 100,
              NextToken,
            }),
          );
          items.push(...(page.AlarmHistoryItems ?? []));
          NextToken = page.NextToken;
        } while (NextToken);
        track.bands = alarmBands(items, state, from.getTime(), until.getTime());
      } catch (e) {
        track.error = `${(e as Error).name}: ${(e as Error).message}`;
      }
      const check = metricAlarm ? alarmCheck(metricAlarm) : undefined;
      if (check) track.series = await seriesOf(cloudwatch, check, { ...window, until }, false);
      alarms.push(track);
    }
  }
  return {
    from: from.getTime(),
    to: to.getTime(),
    until: until.getTime(),
    axisTo: Math.max(window.axisTo.getTime(), until.getTime()),
    live: window.live,
    ...(window.ended ? { ended: window.ended } : {}),
    metrics,
    alarms,
  };
}
