import type {
  AlarmHistoryItem,
  CompositeAlarm,
  DescribeAlarmHistoryCommandInput,
  DescribeAlarmHistoryCommandOutput,
  DescribeAlarmsCommandInput,
  DescribeAlarmsCommandOutput,
  GetMetricDataCommandInput,
  GetMetricDataCommandOutput,
  MetricAlarm,
  MetricDataResult,
  MetricStat,
  SetAlarmStateCommandInput,
  SetAlarmStateCommandOutput,
} from '@aws-sdk/client-cloudwatch';
import { CloudError } from './errors.js';
import { evaluateExpression } from './expression.js';
import type { ImageProfile } from './profiles.js';
import { noise } from './random.js';

type Out<T> = Omit<T, '$metadata'>;

/** Which ECS service or EKS Deployment a load balancer measures. */
export interface MetricSource {
  servingImage(t: number): { image: string; since: number } | undefined;
  profileOf(image: string): ImageProfile | undefined;
}

export interface SimMetricAlarm {
  kind: 'metric';
  name: string;
  metric: { namespace: string; metricName: string; dimensions: Record<string, string>; stat: string; period: number };
  comparison: '>' | '>=' | '<' | '<=';
  threshold: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
}

/**
 * The alarm the sandbox and the tests give a service: its load balancer's
 * 5xx count over 60 in 2 of 3 minutes (one rule, so every world's alarms
 * behave alike).
 */
export const loadBalancer5xxAlarm = (name: string, loadBalancer: string): SimMetricAlarm => ({
  kind: 'metric',
  name,
  metric: { namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', dimensions: { LoadBalancer: loadBalancer }, stat: 'Sum', period: 60 },
  comparison: '>',
  threshold: 60,
  evaluationPeriods: 3,
  datapointsToAlarm: 2,
});

export interface SimCompositeAlarm {
  kind: 'composite';
  name: string;
  /** ALARM when any of these is in ALARM (the common `ALARM(a) OR ALARM(b)` rule). */
  anyOf: string[];
}

/** One metric of a query: namespace, name, dimensions (exact) and statistic. */
export interface MetricQuery {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  stat: string;
}

/**
 * Generates metrics other than the ALB ones from `sources` (kube-traffic.ts:
 * EKS Services and their revisions). Answers `{ value }` for a metric it owns
 * (undefined: no datapoint), or undefined for one it does not.
 */
export type MetricProvider = (metric: MetricQuery, t: number, periodSeconds: number) => { value: number | undefined } | undefined;

/** CloudWatch ingests a datapoint about this long after its period ends. */
const INGESTION_MS = 30_000;

/**
 * CloudWatch: ALB-style metrics generated from how the image that serves the
 * traffic behaves, metric math over them, and alarms evaluated on them.
 */
export class CloudWatchModel {
  readonly alarms = new Map<string, SimMetricAlarm | SimCompositeAlarm>();
  /** Keyed by the LoadBalancer dimension value. */
  readonly sources = new Map<string, MetricSource>();
  /**
   * Error bursts that are no release's fault (a dependency down for a while):
   * behind this load balancer, this share of requests (in percent) fails from
   * `from` until `to`, whatever image serves. Alarms go to ALARM and back.
   */
  readonly outages: { loadBalancer: string; from: number; to: number; errorRate: number }[] = [];
  /** Asked first, in order, for every metric. */
  readonly providers: MetricProvider[] = [];
  /** States set by SetAlarmState, each until the alarm's next evaluation. */
  private readonly overrides = new Map<string, { state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'; reason: string; since: number; until: number }>();

  constructor(
    readonly account: string,
    readonly region: string,
    private readonly now: () => number,
    private readonly seed: number,
  ) {}

  /** The value of one metric over one period starting at t, or undefined (no datapoint). */
  value(metric: MetricQuery, t: number, periodSeconds: number): number | undefined {
    if (t + periodSeconds * 1000 + INGESTION_MS > this.now()) return undefined;
    for (const provider of this.providers) {
      const answer = provider(metric, t, periodSeconds);
      if (answer) return answer.value;
    }
    const lb = metric.dimensions.LoadBalancer;
    const source = lb ? this.sources.get(lb) : undefined;
    if (!source || metric.namespace !== 'AWS/ApplicationELB') return undefined;
    const serving = source.servingImage(t);
    const profile = serving ? source.profileOf(serving.image) : undefined;
    const behaviour = profile ?? { requestsPerMinute: 1200, errorRate: 0.3 };
    const minutes = periodSeconds / 60;
    const requests = Math.max(0, Math.round(behaviour.requestsPerMinute * minutes * (1 + 0.1 * noise(this.seed, `${lb}:req`, t))));
    const latent = profile?.latent && serving && t >= serving.since + profile.latent.afterMinutes * 60_000 ? profile.latent.errorRate : undefined;
    const outage = this.outages.find((o) => o.loadBalancer === lb && t >= o.from && t < o.to)?.errorRate;
    const rate = (outage ?? latent ?? behaviour.errorRate) * (1 + 0.2 * noise(this.seed, `${lb}:err`, t));
    const counts: Record<string, number> = {
      RequestCount: requests,
      HTTPCode_Target_5XX_Count: Math.round((requests * Math.max(0, rate)) / 100),
    };
    const sum = counts[metric.metricName];
    if (sum === undefined) return undefined;
    if (requests === 0 && metric.metricName !== 'RequestCount') return undefined;
    switch (metric.stat) {
      case 'Sum':
        return sum;
      case 'SampleCount':
        return requests;
      default:
        return sum / Math.max(1, minutes);
    }
  }

  GetMetricData(input: GetMetricDataCommandInput): Out<GetMetricDataCommandOutput> {
    const queries = input.MetricDataQueries ?? [];
    const start = new Date(input.StartTime ?? 0).getTime();
    const end = new Date(input.EndTime ?? 0).getTime();
    const series = new Map<string, Map<number, number | undefined>>();
    const periodOf = (q: (typeof queries)[number]) => q.MetricStat?.Period ?? q.Period ?? 60;
    const stat = (s: MetricStat) => ({
      namespace: s.Metric?.Namespace ?? '',
      metricName: s.Metric?.MetricName ?? '',
      dimensions: Object.fromEntries((s.Metric?.Dimensions ?? []).map((d) => [d.Name ?? '', d.Value ?? ''])),
      stat: s.Stat ?? 'Average',
    });
    for (const q of queries.filter((q) => q.MetricStat)) {
      const p = periodOf(q) * 1000;
      const points = new Map<number, number | undefined>();
      for (let t = Math.ceil(start / p) * p; t + p <= end; t += p) points.set(t, this.value(stat(q.MetricStat!), t, p / 1000));
      series.set(q.Id!, points);
    }
    for (const q of queries.filter((q) => q.Expression)) {
      const p = periodOf(q) * 1000;
      const points = new Map<number, number | undefined>();
      for (let t = Math.ceil(start / p) * p; t + p <= end; t += p) {
        const vars = Object.fromEntries([...series.entries()].map(([id, s]) => [id, s.get(t)]));
        points.set(t, evaluateExpression(q.Expression!, vars));
      }
      series.set(q.Id!, points);
    }
    const results: MetricDataResult[] = queries
      .filter((q) => q.ReturnData !== false)
      .map((q) => {
        const present = [...(series.get(q.Id!) ?? new Map()).entries()].filter(([, v]) => v !== undefined) as [number, number][];
        if (input.ScanBy !== 'TimestampAscending') present.reverse();
        return { Id: q.Id, Label: q.Label ?? q.Id, Timestamps: present.map(([t]) => new Date(t)), Values: present.map(([, v]) => v), StatusCode: 'Complete' };
      });
    return { MetricDataResults: results, Messages: [] };
  }

  /**
   * SetAlarmState: the alarm takes that state until its next evaluation (here
   * one period and the ingestion delay later, so the sandbox's once-a-minute
   * EventBridge sees it), then returns to what its metric says, as in
   * CloudWatch; the transition is delivered like any other.
   */
  SetAlarmState(input: SetAlarmStateCommandInput): Out<SetAlarmStateCommandOutput> {
    const alarm = this.alarms.get(input.AlarmName ?? '');
    if (!alarm) throw new CloudError('ResourceNotFound', `Alarm ${input.AlarmName} does not exist`, 404);
    if (!['OK', 'ALARM', 'INSUFFICIENT_DATA'].includes(String(input.StateValue)))
      throw new CloudError('InvalidParameterValue', `Invalid state value: ${input.StateValue}`);
    const at = this.now();
    const period = alarm.kind === 'metric' ? alarm.metric.period * 1000 : 60_000;
    this.overrides.set(alarm.name, {
      state: input.StateValue as 'OK' | 'ALARM' | 'INSUFFICIENT_DATA',
      reason: input.StateReason ?? '',
      since: at,
      until: at + period + INGESTION_MS,
    });
    return {};
  }

  /** State of an alarm now, and since when it has been in that state. */
  alarmState(name: string, at = this.now()): { state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'; since: number; reason: string } {
    const alarm = this.alarms.get(name);
    if (!alarm) throw new CloudError('ResourceNotFound', `alarm ${name} does not exist`);
    const set = this.overrides.get(name);
    if (set && at >= set.since && at < set.until) return { state: set.state, since: set.since, reason: set.reason };
    if (alarm.kind === 'composite') {
      const firing = alarm.anyOf.filter((a) => this.alarmState(a, at).state === 'ALARM');
      return firing.length > 0
        ? { state: 'ALARM', since: Math.max(...firing.map((a) => this.alarmState(a, at).since)), reason: `${firing.join(', ')} in ALARM` }
        : { state: 'OK', since: at, reason: 'no alarm of the rule is in ALARM' };
    }
    const p = alarm.metric.period * 1000;
    const judge = (until: number) => {
      const lastEnd = Math.floor((until - INGESTION_MS) / p) * p;
      const values: number[] = [];
      for (let k = 1; k <= alarm.evaluationPeriods; k++) {
        const v = this.value(alarm.metric, lastEnd - k * p, alarm.metric.period);
        if (v !== undefined) values.push(v);
      }
      const cmp = alarm.comparison;
      const breaching = values.filter((v) =>
        cmp === '>' ? v > alarm.threshold : cmp === '>=' ? v >= alarm.threshold : cmp === '<' ? v < alarm.threshold : v <= alarm.threshold,
      );
      if (values.length === 0) return { state: 'INSUFFICIENT_DATA' as const, breaching, values };
      return { state: breaching.length >= alarm.datapointsToAlarm ? ('ALARM' as const) : ('OK' as const), breaching, values };
    };
    const current = judge(at);
    let since = at;
    for (let k = 1; k <= 120; k++) {
      if (judge(at - k * p).state !== current.state) break;
      since = Math.floor((at - k * p - INGESTION_MS) / p) * p + p + INGESTION_MS;
    }
    const reason =
      current.state === 'ALARM'
        ? `Threshold Crossed: ${current.breaching.length} out of the last ${alarm.evaluationPeriods} datapoints [${current.values.map((v) => v.toFixed(1)).join(', ')}] were ${alarm.comparison} the threshold (${alarm.threshold}).`
        : current.state === 'OK'
          ? `Threshold not crossed: ${current.breaching.length} of ${alarm.evaluationPeriods} datapoints breaching.`
          : 'Insufficient Data: no datapoints were received.';
    return { state: current.state, since, reason };
  }

  DescribeAlarms(input: DescribeAlarmsCommandInput): Out<DescribeAlarmsCommandOutput> {
    const names = input.AlarmNames ?? [...this.alarms.keys()];
    const types = input.AlarmTypes ?? ['MetricAlarm'];
    const metricAlarms: MetricAlarm[] = [];
    const compositeAlarms: CompositeAlarm[] = [];
    for (const name of names) {
      const alarm = this.alarms.get(name);
      if (!alarm) continue;
      const s = this.alarmState(name);
      const common = {
        AlarmName: name,
        AlarmArn: `arn:aws:cloudwatch:${this.region}:${this.account}:alarm:${name}`,
        StateValue: s.state,
        StateReason: s.reason,
        StateUpdatedTimestamp: new Date(s.since),
      };
      if (alarm.kind === 'composite' && types.includes('CompositeAlarm')) {
        compositeAlarms.push({ ...common, AlarmRule: alarm.anyOf.map((a) => `ALARM("${a}")`).join(' OR ') });
      }
      if (alarm.kind === 'metric' && types.includes('MetricAlarm')) {
        metricAlarms.push({
          ...common,
          Namespace: alarm.metric.namespace,
          MetricName: alarm.metric.metricName,
          Dimensions: Object.entries(alarm.metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
          Statistic: alarm.metric.stat as MetricAlarm['Statistic'],
          Period: alarm.metric.period,
          EvaluationPeriods: alarm.evaluationPeriods,
          DatapointsToAlarm: alarm.datapointsToAlarm,
          Threshold: alarm.threshold,
          ComparisonOperator: (
            { '>': 'GreaterThanThreshold', '>=': 'GreaterThanOrEqualToThreshold', '<': 'LessThanThreshold', '<=': 'LessThanOrEqualToThreshold' } as const
          )[alarm.comparison],
        });
      }
    }
    return { MetricAlarms: metricAlarms, CompositeAlarms: compositeAlarms };
  }

  /**
   * DescribeAlarmHistory's state updates, as CloudWatch keeps them: each
   * transition within [StartDate, EndDate] with its old and new state
   * (HistoryData is a JSON string). Found by judging the alarm at each of its
   * evaluations; a state set by SetAlarmState shows until the evaluation
   * after it (only the latest one is remembered). Configuration and action
   * items are not modelled: none are returned.
   */
  DescribeAlarmHistory(input: DescribeAlarmHistoryCommandInput): Out<DescribeAlarmHistoryCommandOutput> {
    if (input.HistoryItemType && input.HistoryItemType !== 'StateUpdate') return { AlarmHistoryItems: [] };
    const now = this.now();
    const end = Math.min(input.EndDate ? new Date(input.EndDate).getTime() : now, now);
    // CloudWatch keeps two weeks; a day is plenty for the sandbox and keeps the sampling short.
    const start = Math.max(input.StartDate ? new Date(input.StartDate).getTime() : end - 86_400_000, end - 86_400_000);
    const names = input.AlarmName ? [input.AlarmName] : [...this.alarms.keys()];
    const items: AlarmHistoryItem[] = [];
    for (const name of names) {
      const alarm = this.alarms.get(name);
      if (!alarm) continue;
      const step = alarm.kind === 'metric' ? alarm.metric.period * 1000 : 60_000;
      // An alarm is evaluated once its period's datapoint is in: at each period end plus the ingestion delay.
      const instants = new Set<number>();
      for (let t = Math.floor((start - INGESTION_MS) / step) * step + step + INGESTION_MS; t <= end; t += step) instants.add(t);
      const set = this.overrides.get(name);
      if (set) for (const t of [set.since, set.until]) if (t > start && t <= end) instants.add(t);
      let before = this.alarmState(name, start);
      for (const t of [...instants].sort((a, b) => a - b)) {
        const after = this.alarmState(name, t);
        if (after.state === before.state) continue;
        items.push({
          AlarmName: name,
          AlarmType: alarm.kind === 'metric' ? 'MetricAlarm' : 'CompositeAlarm',
          Timestamp: new Date(t),
          HistoryItemType: 'StateUpdate',
          HistorySummary: `Alarm updated from ${before.state} to ${after.state}`,
          HistoryData: JSON.stringify({
            version: '1.0',
            oldState: { stateValue: before.state, stateReason: before.reason },
            newState: { stateValue: after.state, stateReason: after.reason },
          }),
        });
        before = after;
      }
    }
    items.sort((a, b) => (input.ScanBy === 'TimestampAscending' ? 1 : -1) * (a.Timestamp!.getTime() - b.Timestamp!.getTime()));
    return { AlarmHistoryItems: items.slice(0, input.MaxRecords ?? 100) };
  }
}
