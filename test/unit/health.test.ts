import {
  CloudWatchClient,
  CloudWatchServiceException,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type CompositeAlarm,
  type DescribeAlarmsCommandOutput,
  type GetMetricDataCommandOutput,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseConfigText } from '../../shared/config/load.js';
import type { MetricCheck, ServiceConfig } from '../../shared/config/schema.js';
import { DEFAULTS } from '../../shared/config/defaults.js';
import { MeasurementFailed, RollbackFailed, RolloutFailed, Superseded, TargetMisconfigured, Unhealthy } from '../../shared/errors.js';
import { alarmVerdict, readAlarms } from '../../shared/health/alarms.js';
import { bakeCheck } from '../../shared/health/bake.js';
import { metricQueries, metricVerdict, periodsOf, readMetric, RESULT_ID } from '../../shared/health/metrics.js';
import { preflight } from '../../shared/health/preflight.js';
import { isFailing, summarize } from '../../shared/health/verdict.js';
import type { Deployment, RolloutStatus } from '../../shared/targets/rollout.js';
import type { DeployTarget, Watch } from '../../shared/targets/target.js';
import { watchRollout } from '../../shared/targets/watch.js';
import { alarmKey, ecsServiceKey } from '../../shared/waits/keys.js';
import { fixture } from '../support/fixtures.js';

/** The parts of the published composite-alarm state change read here. */
type CompositeAlarmEvent = { detail: { alarmName: string; configuration: { alarmRule: string }; state: { reason: string } } };

const MINUTE = 60_000;
const at = (iso: string) => new Date(iso);
const ms = (iso: string) => Date.parse(iso);

/** One service, `health` block given inline; parsed by the real schema so defaults apply. */
function serviceWith(health: string): ServiceConfig {
  const text = `
services:
  - name: web
    image:
      repository: web
    target:
      ecs:
        cluster: prod
        service: web
        container: app
    health:
${health
  .split('\n')
  .map((line) => `      ${line}`)
  .join('\n')}
`;
  return parseConfigText(text, 'inline.yml').services[0]!;
}

const FIVE_XX = `
- name: 5xx rate
  expression: "100 * errors / requests"
  metrics:
    errors: { namespace: AWS/ApplicationELB, metricName: HTTPCode_Target_5XX_Count, dimensions: { LoadBalancer: app/web/123 }, stat: Sum }
    requests: { namespace: AWS/ApplicationELB, metricName: RequestCount, dimensions: { LoadBalancer: app/web/123 }, stat: Sum }
  period: 60
  comparison: GreaterThanThreshold
  threshold: 2
  unit: "%"
  failureLimit: 2
  inconclusiveLimit: 1`;

const service = serviceWith(`
alarms: [web-5xx-alarm, myalarm]
bakeMinutes: 5
pollSeconds: 30
metrics:
${FIVE_XX.split('\n').map((l) => `  ${l}`).join('\n')}
  - name: p99 latency
    metric: { namespace: AWS/ApplicationELB, metricName: TargetResponseTime, dimensions: { LoadBalancer: app/web/123, TargetGroup: targetgroup/web/456 }, stat: p99 }
    period: 60
    comparison: ">"
    threshold: 0.5
    unit: " s"
  - name: success rate
    metric: { namespace: Shipwatch/Web, metricName: SuccessRate }
    period: 60
    comparison: LessThanThreshold
    threshold: 99
    unit: "%"
    failureLimit: 1
`);
const [fiveXx, latency, successRate] = service.health.metrics as [MetricCheck, MetricCheck, MetricCheck];

/** Five complete one-minute periods from 12:00. */
const FIVE_PERIODS = [0, 1, 2, 3, 4].map((i) => ms('2025-02-21T12:00:00Z') + i * MINUTE);
const valuesOf = (periods: number[], values: Array<number | undefined>) =>
  new Map(periods.flatMap((p, i) => (values[i] === undefined ? [] : [[p, values[i]] as [number, number]])));

const cloudwatchMock = mockClient(CloudWatchClient);
const cloudwatch = () => new CloudWatchClient({});

beforeEach(() => {
  cloudwatchMock.reset();
});

describe('periodsOf', () => {
  it('starts at the first period boundary at or after the window start', () => {
    // Prepare
    const window = { from: at('2025-02-21T12:00:30Z'), now: at('2025-02-21T12:05:00Z') };

    // Act
    const periods = periodsOf(window, 60);

    // Assess
    expect(periods.map((p) => new Date(p).toISOString())).toEqual([
      '2025-02-21T12:01:00.000Z',
      '2025-02-21T12:02:00.000Z',
      '2025-02-21T12:03:00.000Z',
    ]);
  });

  it('includes the period that starts exactly at the window start', () => {
    // Prepare
    const window = { from: at('2025-02-21T12:00:00Z'), now: at('2025-02-21T12:05:00Z') };

    // Act
    const periods = periodsOf(window, 60);

    // Assess
    expect(periods).toEqual([0, 1, 2, 3].map((i) => ms('2025-02-21T12:00:00Z') + i * MINUTE));
  });

  it('leaves out a period until 60 s after it ended, for CloudWatch to ingest it', () => {
    // Prepare
    const from = at('2025-02-21T12:00:00Z');

    // Act
    const justBefore = periodsOf({ from, now: at('2025-02-21T12:03:59.999Z') }, 60);
    const justAfter = periodsOf({ from, now: at('2025-02-21T12:04:00Z') }, 60);

    // Assess
    expect(justBefore).toEqual([ms('2025-02-21T12:00:00Z'), ms('2025-02-21T12:01:00Z')]);
    expect(justAfter).toEqual([ms('2025-02-21T12:00:00Z'), ms('2025-02-21T12:01:00Z'), ms('2025-02-21T12:02:00Z')]);
  });

  it('takes another grace when given one', () => {
    // Prepare
    const window = { from: at('2025-02-21T12:00:00Z'), now: at('2025-02-21T12:03:00Z') };

    // Act
    // The parameter is typed as the literal default (60), so another grace needs a cast.
    const periods = periodsOf(window, 60, 0 as unknown as 60);

    // Assess
    expect(periods).toEqual([0, 1, 2].map((i) => ms('2025-02-21T12:00:00Z') + i * MINUTE));
  });

  it('aligns longer periods to their own boundaries', () => {
    // Prepare
    const from = at('2025-02-21T12:01:00Z');

    // Act
    const one = periodsOf({ from, now: at('2025-02-21T12:15:59Z') }, 300);
    const two = periodsOf({ from, now: at('2025-02-21T12:16:00Z') }, 300);

    // Assess
    expect(one).toEqual([ms('2025-02-21T12:05:00Z')]);
    expect(two).toEqual([ms('2025-02-21T12:05:00Z'), ms('2025-02-21T12:10:00Z')]);
  });

  it('is empty before the first period is complete and ingested', () => {
    // Prepare
    const window = { from: at('2025-02-21T12:00:30Z'), now: at('2025-02-21T12:02:30Z') };

    // Act
    const periods = periodsOf(window, 60);

    // Assess
    expect(periods).toEqual([]);
  });
});

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

describe('metricQueries', () => {
  it('asks for a single metric under the result id', () => {
    // Prepare / Act
    const queries = metricQueries(latency);

    // Assess
    expect(queries).toStrictEqual([
      {
        Id: RESULT_ID,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/ApplicationELB',
            MetricName: 'TargetResponseTime',
            Dimensions: [
              { Name: 'LoadBalancer', Value: 'app/web/123' },
              { Name: 'TargetGroup', Value: 'targetgroup/web/456' },
            ],
          },
          Period: 60,
          Stat: 'p99',
        },
        ReturnData: true,
      },
    ]);
    expect(RESULT_ID).toBe('shipwatch');
  });

  it('asks for the inputs of an expression without returning them, and returns only the expression', () => {
    // Prepare / Act
    const queries = metricQueries(fiveXx);

    // Assess
    const metric = (MetricName: string) => ({
      Metric: { Namespace: 'AWS/ApplicationELB', MetricName, Dimensions: [{ Name: 'LoadBalancer', Value: 'app/web/123' }] },
      Period: 60,
      Stat: 'Sum',
    });
    expect(queries).toStrictEqual([
      { Id: 'errors', MetricStat: metric('HTTPCode_Target_5XX_Count'), ReturnData: false },
      { Id: 'requests', MetricStat: metric('RequestCount'), ReturnData: false },
      { Id: 'shipwatch', Expression: '100 * errors / requests', Period: 60, ReturnData: true },
    ]);
  });

  it('defaults a metric to no dimensions and the Average statistic', () => {
    // Prepare / Act
    const [query] = metricQueries(successRate);

    // Assess
    expect(query!.MetricStat).toStrictEqual({ Metric: { Namespace: 'Shipwatch/Web', MetricName: 'SuccessRate', Dimensions: [] }, Period: 60, Stat: 'Average' });
  });
});

describe('readMetric', () => {
  it('asks GetMetricData for exactly the judged periods, oldest first', async () => {
    // Prepare
    const periods = FIVE_PERIODS.slice(1, 4);
    cloudwatchMock.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        {
          Id: 'shipwatch',
          Label: '5xx rate',
          Timestamps: periods.map((p) => new Date(p)),
          Values: [0.4, 7.2, 1.1],
          StatusCode: 'Complete',
        },
      ],
      Messages: [],
    });

    // Act
    const values = await readMetric(cloudwatch(), fiveXx, periods);

    // Assess
    const calls = cloudwatchMock.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      MetricDataQueries: metricQueries(fiveXx),
      StartTime: at('2025-02-21T12:01:00Z'),
      EndTime: at('2025-02-21T12:04:00Z'),
      ScanBy: 'TimestampAscending',
    });
    expect([...values]).toEqual([
      [ms('2025-02-21T12:01:00Z'), 0.4],
      [ms('2025-02-21T12:02:00Z'), 7.2],
      [ms('2025-02-21T12:03:00Z'), 1.1],
    ]);
  });

  it('keeps only the result id, drops non-finite values and reads timestamps as sent (the published math response shape)', async () => {
    // Prepare
    const published = fixture<GetMetricDataCommandOutput & { MetricDataResults: MetricDataResult[] }>('cloudwatch-get-metric-data-response-math');
    const period = ms('2024-09-29T22:10:00Z');
    cloudwatchMock.on(GetMetricDataCommand).resolves({
      ...published,
      MetricDataResults: [
        { ...published.MetricDataResults[0], Id: 'errors', Values: [123] },
        { ...published.MetricDataResults[0], Id: 'shipwatch', Timestamps: [new Date(period), new Date(period + MINUTE)], Values: [96.85, Number.NaN] },
      ],
    });

    // Act
    const values = await readMetric(cloudwatch(), fiveXx, [period, period + MINUTE]);

    // Assess
    expect([...values]).toEqual([[period, 96.85]]);
  });

  it('follows NextToken and merges the pages', async () => {
    // Prepare
    const periods = FIVE_PERIODS.slice(0, 2);
    cloudwatchMock
      .on(GetMetricDataCommand)
      .resolvesOnce({ MetricDataResults: [{ Id: 'shipwatch', Timestamps: [new Date(periods[0]!)], Values: [1.5] }], NextToken: 'page-2' })
      .resolvesOnce({ MetricDataResults: [{ Id: 'shipwatch', Timestamps: [new Date(periods[1]!)], Values: [2.5] }] });

    // Act
    const values = await readMetric(cloudwatch(), fiveXx, periods);

    // Assess
    const calls = cloudwatchMock.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.args[0].input.NextToken).toBe('page-2');
    expect([...values]).toEqual([
      [periods[0], 1.5],
      [periods[1], 2.5],
    ]);
  });

  it('makes no call when there is no complete period', async () => {
    // Prepare / Act
    const values = await readMetric(cloudwatch(), fiveXx, []);

    // Assess
    expect(values.size).toBe(0);
    expect(cloudwatchMock.calls()).toHaveLength(0);
  });
});

describe('readAlarms and alarmVerdict', () => {
  it('asks DescribeAlarms for the named metric and composite alarms (the published metric alarm)', async () => {
    // Prepare
    cloudwatchMock.on(DescribeAlarmsCommand).resolves(fixture('cloudwatch-describe-alarms-response-metric-alarm'));

    // Act
    const alarms = await readAlarms(cloudwatch(), ['myalarm']);

    // Assess
    const calls = cloudwatchMock.commandCalls(DescribeAlarmsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({ AlarmNames: ['myalarm'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] });
    expect(alarms).toStrictEqual([
      {
        name: 'myalarm',
        state: 'OK',
        reason: 'Threshold Crossed: 2 datapoints were not greater than the threshold (70.0). The most recent datapoints: [38.958, 40.292].',
        since: '2014-04-09T18:59:06.442Z',
      },
    ]);
    expect(alarmVerdict(alarms[0]!)).toStrictEqual({ check: 'myalarm', kind: 'alarm', phase: 'Successful', message: 'alarm myalarm is OK' });
  });

  it('fails a composite alarm in ALARM, with when and why', async () => {
    // Prepare
    const event = fixture<CompositeAlarmEvent>('eventbridge-cloudwatch-alarm-state-change-composite-ok-to-alarm-suppressed').detail;
    const composite: CompositeAlarm = {
      AlarmName: event.alarmName,
      AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServiceAggregatedAlarm',
      AlarmRule: event.configuration.alarmRule,
      StateValue: 'ALARM',
      StateReason: event.state.reason,
      StateUpdatedTimestamp: new Date('2022-07-22T15:57:45.394Z'),
    };
    cloudwatchMock.on(DescribeAlarmsCommand).resolves({ CompositeAlarms: [composite], MetricAlarms: [] });

    // Act
    const [alarm] = await readAlarms(cloudwatch(), ['ServiceAggregatedAlarm']);
    const verdict = alarmVerdict(alarm!);

    // Assess
    expect(verdict).toStrictEqual({
      check: 'ServiceAggregatedAlarm',
      kind: 'alarm',
      phase: 'Failed',
      message:
        'alarm ServiceAggregatedAlarm is ALARM since 2022-07-22T15:57:45.394Z: arn:aws:cloudwatch:us-east-1:123456789012:alarm:SuppressionDemo.EventBridge.FirstChild transitioned to ALARM at Friday 22 July, 2022 15:57:45 UTC',
    });
  });

  it('fails an alarm that does not exist', async () => {
    // Prepare
    cloudwatchMock.on(DescribeAlarmsCommand).resolves(fixture('cloudwatch-describe-alarms-response-metric-alarm'));

    // Act
    const alarms = await readAlarms(cloudwatch(), ['web-5xx-alarm', 'myalarm']);

    // Assess
    expect(alarms.map((a) => [a.name, a.state])).toEqual([
      ['web-5xx-alarm', 'MISSING'],
      ['myalarm', 'OK'],
    ]);
    expect(alarmVerdict(alarms[0]!)).toStrictEqual({ check: 'web-5xx-alarm', kind: 'alarm', phase: 'Failed', message: 'alarm web-5xx-alarm does not exist' });
  });

  it('treats INSUFFICIENT_DATA as not failing', () => {
    // Prepare / Act
    const verdict = alarmVerdict({ name: 'myalarm', state: 'INSUFFICIENT_DATA' });

    // Assess
    expect(verdict).toStrictEqual({ check: 'myalarm', kind: 'alarm', phase: 'Successful', message: 'alarm myalarm is INSUFFICIENT_DATA' });
  });

  it('follows NextToken', async () => {
    // Prepare
    const published = fixture<DescribeAlarmsCommandOutput>('cloudwatch-describe-alarms-response-metric-alarm').MetricAlarms![0]!;
    cloudwatchMock
      .on(DescribeAlarmsCommand)
      .resolvesOnce({ MetricAlarms: [published], NextToken: 'next' })
      .resolvesOnce({ MetricAlarms: [{ ...published, AlarmName: 'web-5xx-alarm', StateValue: 'ALARM' }] });

    // Act
    const alarms = await readAlarms(cloudwatch(), ['web-5xx-alarm', 'myalarm']);

    // Assess
    const calls = cloudwatchMock.commandCalls(DescribeAlarmsCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([
      { AlarmNames: ['web-5xx-alarm', 'myalarm'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] },
      { AlarmNames: ['web-5xx-alarm', 'myalarm'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], NextToken: 'next' },
    ]);
    expect(alarms.map((a) => [a.name, a.state])).toEqual([
      ['web-5xx-alarm', 'ALARM'],
      ['myalarm', 'OK'],
    ]);
  });

  it('makes no call when no alarms are configured', async () => {
    // Prepare / Act
    const alarms = await readAlarms(cloudwatch(), []);

    // Assess
    expect(alarms).toEqual([]);
    expect(cloudwatchMock.calls()).toHaveLength(0);
  });
});

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

// ---------------------------------------------------------------------------

const bakeService = serviceWith(`
alarms: [web-5xx-alarm]
bakeMinutes: 5
pollSeconds: 30
metrics:
${FIVE_XX.split('\n').map((l) => `  ${l}`).join('\n')}
`);

const deployment: Deployment = {
  platform: 'ecs',
  previousRevision: 'arn:aws:ecs:us-west-2:123456789012:task-definition/web:8',
  revision: 'arn:aws:ecs:us-west-2:123456789012:task-definition/web:9',
  deploymentId: 'ecs-svc/7419115625193919142',
  startedAt: '2025-02-21T11:55:00.000Z',
  alreadyRunning: false,
};
const BAKE_STARTED = '2025-02-21T12:00:00.000Z';

/** The event key of the ECS service prod/web, as ecsTarget names it. */
const ECS_KEY = 'ecs:prod/web';

/**
 * A DeployTarget that answers status() with `status` and must not deploy or
 * roll back. Woken like ECS by default; `wakeKeys: []` is a target without
 * deployment events (EKS).
 */
function fakeTarget(status: RolloutStatus, wakeKeys: string[] = [ECS_KEY]) {
  return {
    label: 'ECS service prod/web',
    wakeKeys,
    status: vi.fn(async (_watch: Watch) => status),
    deploy: vi.fn(async () => {
      throw new Error('deploy must not be called');
    }),
    rollback: vi.fn(async () => {
      throw new Error('rollback must not be called');
    }),
  } satisfies DeployTarget;
}

function alarmState(StateValue: 'OK' | 'ALARM', StateReason: string): DescribeAlarmsCommandOutput {
  const published = fixture<DescribeAlarmsCommandOutput>('cloudwatch-describe-alarms-response-metric-alarm').MetricAlarms![0];
  return {
    $metadata: {},
    MetricAlarms: [{ ...published, AlarmName: 'web-5xx-alarm', StateValue, StateReason, StateUpdatedTimestamp: new Date('2025-02-21T12:02:10.000Z') }],
  };
}

/** The 5xx expression's values for consecutive minutes from 12:00. */
function metricValues(values: number[]) {
  cloudwatchMock.on(GetMetricDataCommand).resolves({
    MetricDataResults: [{ Id: 'shipwatch', Timestamps: values.map((_, i) => new Date(ms(BAKE_STARTED) + i * MINUTE)), Values: values, StatusCode: 'Complete' }],
  });
}

describe('bakeCheck', () => {
  it('throws Unhealthy naming the alarm in ALARM', async () => {
    // Prepare
    const target = fakeTarget({ state: 'completed', detail: 'done' });
    cloudwatchMock.on(DescribeAlarmsCommand).resolves(alarmState('ALARM', 'Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0).'));
    metricValues([0.1, 0.2, 0.1]);

    // Act
    const act = bakeCheck({ cloudwatch: cloudwatch(), target }, bakeService.health, deployment, BAKE_STARTED, at('2025-02-21T12:04:00Z'));

    // Assess
    await expect(act).rejects.toThrow(Unhealthy);
    await expect(act).rejects.toThrow(
      'alarm web-5xx-alarm is ALARM since 2025-02-21T12:02:10.000Z: Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0).',
    );
  });

  it('throws Unhealthy with the arithmetic when the metric breaches beyond its limit', async () => {
    // Prepare
    const target = fakeTarget({ state: 'completed', detail: 'done' });
    cloudwatchMock.on(DescribeAlarmsCommand).resolves(alarmState('OK', 'ok'));
    metricValues([1.0, 7.2, 3.1, 0.4, 2.5]);

    // Act
    const act = bakeCheck({ cloudwatch: cloudwatch(), target }, bakeService.health, deployment, BAKE_STARTED, at('2025-02-21T12:06:00Z'));

    // Assess
    await expect(act).rejects.toThrow(Unhealthy);
    await expect(act).rejects.toThrow('5xx rate 7.2% > 2% in 3 of 5 periods, failure limit 2');
    const [call] = cloudwatchMock.commandCalls(GetMetricDataCommand);
    expect(call!.args[0].input).toMatchObject({ StartTime: at('2025-02-21T12:00:00Z'), EndTime: at('2025-02-21T12:05:00Z') });
  });

  it('is pending with the live verdict while the bake is not over, woken by its alarm and the ECS service', async () => {
    // Prepare
    const target = fakeTarget({ state: 'completed', detail: 'done' });
    cloudwatchMock.on(DescribeAlarmsCommand).resolves(alarmState('OK', 'ok'));
    metricValues([0.5, 0.7]);

    // Act
    const look = await bakeCheck({ cloudwatch: cloudwatch(), target }, bakeService.health, deployment, BAKE_STARTED, at('2025-02-21T12:03:00Z'));

    // Assess: 120 s of the bake left; the next look is one metric period (60 s, longer than pollSeconds 30) away.
    expect(look).toStrictEqual({
      done: false,
      detail: 'baking, 3.0 of 5 minutes: alarm web-5xx-alarm is OK; 5xx rate worst 0.7%, > 2% in 0 of 2 periods, failure limit 2',
      lookAgainSeconds: 60,
      lookedAt: '2025-02-21T12:03:00.000Z',
      wake: ['alarm:web-5xx-alarm', 'ecs:prod/web'],
      awaitEvent: true,
    });
  });

  it('returns the verdicts once the bake is over and healthy', async () => {
    // Prepare
    const target = fakeTarget({ state: 'completed', detail: 'done' });
    cloudwatchMock.on(DescribeAlarmsCommand).resolves(alarmState('OK', 'ok'));
    metricValues([0.5, 0.7, 2.5, 0.2, 0.1]);

    // Act
    const result = await bakeCheck({ cloudwatch: cloudwatch(), target }, bakeService.health, deployment, BAKE_STARTED, at('2025-02-21T12:06:00Z'));

    // Assess
    expect(target.status).toHaveBeenCalledWith({ deploymentId: 'ecs-svc/7419115625193919142', revision: deployment.revision, revertRevision: 'arn:aws:ecs:us-west-2:123456789012:task-definition/web:8', since: new Date('2025-02-21T11:55:00.000Z') });
    expect(result).toStrictEqual({
      done: true,
      healthy: true,
      startedAt: BAKE_STARTED,
      finishedAt: '2025-02-21T12:06:00.000Z',
      verdicts: [
        { check: 'web-5xx-alarm', kind: 'alarm', phase: 'Successful', message: 'alarm web-5xx-alarm is OK' },
        {
          check: '5xx rate',
          kind: 'metric',
          phase: 'Successful',
          message: '5xx rate worst 2.5%, > 2% in 1 of 5 periods, failure limit 2',
          breaches: 1,
          missing: 0,
          periods: 5,
        },
      ],
      summary: 'alarm web-5xx-alarm is OK; 5xx rate worst 2.5%, > 2% in 1 of 5 periods, failure limit 2',
    });
  });

  it('fails the last look when the metric never reported', async () => {
    // Prepare
    const target = fakeTarget({ state: 'completed', detail: 'done' });
    cloudwatchMock.on(DescribeAlarmsCommand).resolves(alarmState('OK', 'ok'));
    cloudwatchMock.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'shipwatch', Timestamps: [], Values: [], StatusCode: 'Complete' }] });

    // Act
    const act = bakeCheck({ cloudwatch: cloudwatch(), target }, bakeService.health, deployment, BAKE_STARTED, at('2025-02-21T12:06:00Z'));

    // Assess
    await expect(act).rejects.toThrow(Unhealthy);
    await expect(act).rejects.toThrow('5xx rate: no data in 5 of 5 periods, inconclusive limit 1');
  });

  it('throws Superseded without reading health when someone else deployed', async () => {
    // Prepare
    const target = fakeTarget({ state: 'superseded', by: 'ecs-svc/999 (arn:aws:ecs:us-west-2:123456789012:task-definition/web:10)' });

    // Act
    const act = bakeCheck({ cloudwatch: cloudwatch(), target }, bakeService.health, deployment, BAKE_STARTED, at('2025-02-21T12:06:00Z'));

    // Assess
    await expect(act).rejects.toThrow(Superseded);
    await expect(act).rejects.toThrow('ECS service prod/web now runs ecs-svc/999 (arn:aws:ecs:us-west-2:123456789012:task-definition/web:10)');
    expect(cloudwatchMock.calls()).toHaveLength(0);
  });

  it('throws RolloutFailed when the platform failed the deployment during the bake', async () => {
    // Prepare
    const target = fakeTarget({ state: 'failed', reason: 'ECS deployment circuit breaker: task failed to start.', rollingBackId: 'ecs-svc/1' });

    // Act
    const act = bakeCheck({ cloudwatch: cloudwatch(), target }, bakeService.health, deployment, BAKE_STARTED, at('2025-02-21T12:06:00Z'));

    // Assess
    await expect(act).rejects.toThrow(RolloutFailed);
    await expect(act).rejects.toThrow('ECS deployment circuit breaker: task failed to start.');
  });
});

describe('bakeCheck: when to look again', () => {
  const OK = () => cloudwatchMock.on(DescribeAlarmsCommand).resolves(alarmState('OK', 'ok'));

  it('with alarms only, looks every bakeLookMinutes (30 min) and is woken by the alarm event', async () => {
    // Prepare
    const alarmsOnly = serviceWith(`
alarms: [web-5xx-alarm]
bakeMinutes: 60`);
    const target = fakeTarget({ state: 'completed', detail: 'done' });
    OK();

    // Act
    const look = await bakeCheck({ cloudwatch: cloudwatch(), target }, alarmsOnly.health, deployment, BAKE_STARTED, at('2025-02-21T12:10:00Z'));

    // Assess
    expect(DEFAULTS.health.bakeLookMinutes).toBe(30);
    expect(look).toStrictEqual({
      done: false,
      detail: 'baking, 10.0 of 60 minutes: alarm web-5xx-alarm is OK',
      lookAgainSeconds: 1800,
      lookedAt: '2025-02-21T12:10:00.000Z',
      wake: [alarmKey('web-5xx-alarm'), ecsServiceKey('prod', 'web')],
      awaitEvent: true,
    });
    expect(cloudwatchMock.commandCalls(GetMetricDataCommand)).toHaveLength(0);
  });

  it('with alarms only, looks at the end of the bake when that comes sooner', async () => {
    // Prepare
    const alarmsOnly = serviceWith(`
alarms: [web-5xx-alarm]
bakeMinutes: 60`);
    const target = fakeTarget({ state: 'completed', detail: 'done' });
    OK();

    // Act
    const look = await bakeCheck({ cloudwatch: cloudwatch(), target }, alarmsOnly.health, deployment, BAKE_STARTED, at('2025-02-21T12:45:00.250Z'));

    // Assess: 899.75 s left, rounded up.
    expect(look).toMatchObject({ done: false, lookAgainSeconds: 900, wake: ['alarm:web-5xx-alarm', 'ecs:prod/web'] });
  });

  it('with metric checks, looks every pollSeconds when that is longer than the shortest period', async () => {
    // Prepare
    const slowPoll = serviceWith(`
alarms: [web-5xx-alarm]
bakeMinutes: 30
pollSeconds: 600
metrics:
${FIVE_XX.split('\n').map((l) => `  ${l}`).join('\n')}`);
    const target = fakeTarget({ state: 'completed', detail: 'done' });
    OK();
    metricValues([0.5, 0.7]);

    // Act
    const look = await bakeCheck({ cloudwatch: cloudwatch(), target }, slowPoll.health, deployment, BAKE_STARTED, at('2025-02-21T12:03:00Z'));

    // Assess
    expect(look).toMatchObject({ done: false, lookAgainSeconds: 600, wake: ['alarm:web-5xx-alarm', 'ecs:prod/web'], awaitEvent: true });
  });

  it('with metric checks, looks once per shortest period, never sooner than pollSeconds', async () => {
    // Prepare: periods 300 and 120, pollSeconds 30 → every 120 s.
    const slowPeriods = serviceWith(`
bakeMinutes: 30
pollSeconds: 30
metrics:
  - name: cpu
    metric: { namespace: AWS/ECS, metricName: CPUUtilization, dimensions: { ClusterName: prod, ServiceName: web } }
    period: 300
    comparison: ">"
    threshold: 80
  - name: memory
    metric: { namespace: AWS/ECS, metricName: MemoryUtilization, dimensions: { ClusterName: prod, ServiceName: web } }
    period: 120
    comparison: ">"
    threshold: 90`);
    const target = fakeTarget({ state: 'completed', detail: 'done' });

    // Act: no period is complete yet, so nothing is read.
    const look = await bakeCheck({ cloudwatch: cloudwatch(), target }, slowPeriods.health, deployment, BAKE_STARTED, at('2025-02-21T12:01:00Z'));

    // Assess
    expect(look).toMatchObject({ done: false, lookAgainSeconds: 120, wake: ['ecs:prod/web'], awaitEvent: true });
  });

  it('with metric checks, looks at the end of the bake when that comes before the next period', async () => {
    // Prepare
    const target = fakeTarget({ state: 'completed', detail: 'done' });
    OK();
    metricValues([0.5, 0.7, 0.2, 0.1]);

    // Act: 5-minute bake, 20 s left.
    const look = await bakeCheck({ cloudwatch: cloudwatch(), target }, bakeService.health, deployment, BAKE_STARTED, at('2025-02-21T12:04:40Z'));

    // Assess
    expect(look).toMatchObject({ done: false, lookAgainSeconds: 20 });
  });

  it('on a target without events and no alarms, is a plain wait (nothing to wake it)', async () => {
    // Prepare
    const metricsOnly = serviceWith(`
bakeMinutes: 5
pollSeconds: 30
metrics:
${FIVE_XX.split('\n').map((l) => `  ${l}`).join('\n')}`);
    const target = fakeTarget({ state: 'completed', detail: 'done' }, []);
    metricValues([0.5, 0.7]);

    // Act
    const look = await bakeCheck({ cloudwatch: cloudwatch(), target }, metricsOnly.health, deployment, BAKE_STARTED, at('2025-02-21T12:03:00Z'));

    // Assess
    expect(look).toStrictEqual({
      done: false,
      detail: 'baking, 3.0 of 5 minutes: 5xx rate worst 0.7%, > 2% in 0 of 2 periods, failure limit 2',
      lookAgainSeconds: 60,
      lookedAt: '2025-02-21T12:03:00.000Z',
      wake: [],
      awaitEvent: false,
    });
    expect(cloudwatchMock.commandCalls(DescribeAlarmsCommand)).toHaveLength(0);
  });
});

describe('bakeCheck: measurement errors', () => {
  /** What the SDK throws after its own retries: a service exception carrying `$metadata`. */
  // Access denied: a failure another try soon will not fix (throttling goes to the Transient retrier; see below).
  const throttled = () =>
    new CloudWatchServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 400, attempts: 1 }, message: 'not authorized to perform: cloudwatch:DescribeAlarms' });
  const reallyThrottled = () =>
    new CloudWatchServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400, attempts: 3 }, message: 'Rate exceeded' });
  const LOOKED_AT = '2025-02-21T12:03:00.000Z';
  const look = (target: DeployTarget, previous: { measurementErrors?: number }, health = bakeService.health, now = LOOKED_AT) =>
    bakeCheck({ cloudwatch: cloudwatch(), target }, health, deployment, BAKE_STARTED, at(now), previous);

  it('leaves throttling to the state machine\'s Transient retrier: rethrown, not counted', async () => {
    // Prepare
    const target = fakeTarget({ state: 'completed', detail: 'done' });
    const error = reallyThrottled();
    cloudwatchMock.on(DescribeAlarmsCommand).rejects(error);
    metricValues([0.5, 0.7]);

    // Act
    const act = look(target, { measurementErrors: 2 });

    // Assess
    await expect(act).rejects.toBe(error);
  });

  it('holds the documented default limit of 4 failed measurements in a row', () => {
    // Prepare / Act / Assess
    expect(bakeService.health.consecutiveErrorLimit).toBe(4);
  });

  it.each([
    [{}, 1],
    [{ measurementErrors: 1 }, 2],
    [{ measurementErrors: 2 }, 3],
  ])('after %o, a DescribeAlarms that fails is pending with measurementErrors %i, looking again after pollSeconds', async (previous, errors) => {
    // Prepare
    const target = fakeTarget({ state: 'completed', detail: 'done' });
    cloudwatchMock.on(DescribeAlarmsCommand).rejects(throttled());
    metricValues([0.5, 0.7]);

    // Act
    const result = await look(target, previous);

    // Assess
    expect(result).toStrictEqual({
      done: false,
      detail: `could not measure health (${errors} of 4 in a row): AccessDeniedException: not authorized to perform: cloudwatch:DescribeAlarms`,
      lookAgainSeconds: 30,
      lookedAt: LOOKED_AT,
      wake: ['alarm:web-5xx-alarm', 'ecs:prod/web'],
      awaitEvent: true,
      measurementErrors: errors,
    });
  });

  it('counts a GetMetricData that fails as a failed measurement too', async () => {
    // Prepare
    const target = fakeTarget({ state: 'completed', detail: 'done' });
    cloudwatchMock.on(DescribeAlarmsCommand).resolves(alarmState('OK', 'ok'));
    cloudwatchMock.on(GetMetricDataCommand).rejects(throttled());

    // Act
    const result = await look(target, { measurementErrors: 1 });

    // Assess
    expect(result).toMatchObject({ done: false, measurementErrors: 2, detail: 'could not measure health (2 of 4 in a row): AccessDeniedException: not authorized to perform: cloudwatch:DescribeAlarms' });
  });

  it('throws MeasurementFailed at the 4th failed measurement in a row, keeping the SDK error as the cause', async () => {
    // Prepare
    const target = fakeTarget({ state: 'completed', detail: 'done' });
    const error = throttled();
    cloudwatchMock.on(DescribeAlarmsCommand).rejects(error);

    // Act
    const act = look(target, { measurementErrors: 3 });

    // Assess
    await expect(act).rejects.toThrow(MeasurementFailed);
    await expect(act).rejects.toMatchObject({
      name: 'MeasurementFailed',
      message: 'health could not be measured: 4 failed measurements in a row, consecutiveErrorLimit 4; last: AccessDeniedException: not authorized to perform: cloudwatch:DescribeAlarms',
      cause: error,
    });
  });

  it('follows the configured consecutiveErrorLimit', async () => {
    // Prepare
    const strict = serviceWith(`
alarms: [web-5xx-alarm]
bakeMinutes: 5
consecutiveErrorLimit: 2`);
    const target = fakeTarget({ state: 'completed', detail: 'done' });
    cloudwatchMock.on(DescribeAlarmsCommand).rejects(throttled());

    // Act
    const first = await look(target, {}, strict.health);
    const second = look(target, { measurementErrors: 1 }, strict.health);

    // Assess
    expect(first).toMatchObject({ done: false, measurementErrors: 1, detail: 'could not measure health (1 of 2 in a row): AccessDeniedException: not authorized to perform: cloudwatch:DescribeAlarms' });
    await expect(second).rejects.toThrow(MeasurementFailed);
    await expect(second).rejects.toThrow(/^health could not be measured: 2 failed measurements in a row, consecutiveErrorLimit 2;/);
  });

  it('with consecutiveErrorLimit 1, the first failed measurement ends the bake', async () => {
    // Prepare
    const strict = serviceWith(`
alarms: [web-5xx-alarm]
bakeMinutes: 5
consecutiveErrorLimit: 1`);
    const target = fakeTarget({ state: 'completed', detail: 'done' });
    cloudwatchMock.on(DescribeAlarmsCommand).rejects(throttled());

    // Act
    const act = look(target, {}, strict.health);

    // Assess
    await expect(act).rejects.toThrow(MeasurementFailed);
    await expect(act).rejects.toThrow('health could not be measured: 1 failed measurements in a row, consecutiveErrorLimit 1; last: AccessDeniedException: not authorized to perform: cloudwatch:DescribeAlarms');
  });

  it('lets an error that is not an AWS call failing (no $metadata) propagate unchanged', async () => {
    // Prepare
    const target = fakeTarget({ state: 'completed', detail: 'done' });
    const bug = new TypeError('Cannot read properties of undefined');
    cloudwatchMock.on(DescribeAlarmsCommand).rejects(bug);

    // Act
    const act = look(target, { measurementErrors: 3 });

    // Assess
    await expect(act).rejects.toBe(bug);
  });

  it('still throws Unhealthy for an unhealthy verdict after failed measurements', async () => {
    // Prepare
    const target = fakeTarget({ state: 'completed', detail: 'done' });
    cloudwatchMock.on(DescribeAlarmsCommand).resolves(alarmState('ALARM', 'Threshold Crossed'));
    metricValues([0.5, 0.7]);

    // Act
    const act = look(target, { measurementErrors: 3 });

    // Assess
    await expect(act).rejects.toThrow(Unhealthy);
    await expect(act).rejects.toThrow('alarm web-5xx-alarm is ALARM since 2025-02-21T12:02:10.000Z: Threshold Crossed');
  });

  it('forgets earlier failed measurements once one succeeds: a plain pending look, no measurementErrors', async () => {
    // Prepare
    const target = fakeTarget({ state: 'completed', detail: 'done' });
    cloudwatchMock.on(DescribeAlarmsCommand).resolves(alarmState('OK', 'ok'));
    metricValues([0.5, 0.7]);

    // Act
    const result = await look(target, { measurementErrors: 3 });

    // Assess
    expect(result).toStrictEqual({
      done: false,
      detail: 'baking, 3.0 of 5 minutes: alarm web-5xx-alarm is OK; 5xx rate worst 0.7%, > 2% in 0 of 2 periods, failure limit 2',
      lookAgainSeconds: 60,
      lookedAt: LOOKED_AT,
      wake: ['alarm:web-5xx-alarm', 'ecs:prod/web'],
      awaitEvent: true,
    });
    expect(result).not.toHaveProperty('measurementErrors');
  });

  it('finishes a healthy bake after failed measurements with no trace of them', async () => {
    // Prepare
    const target = fakeTarget({ state: 'completed', detail: 'done' });
    cloudwatchMock.on(DescribeAlarmsCommand).resolves(alarmState('OK', 'ok'));
    metricValues([0.5, 0.7, 0.2, 0.2, 0.1]);

    // Act
    const result = await look(target, { measurementErrors: 2 }, bakeService.health, '2025-02-21T12:06:00.000Z');

    // Assess
    expect(result).toMatchObject({ done: true, healthy: true, finishedAt: '2025-02-21T12:06:00.000Z' });
    expect(result).not.toHaveProperty('measurementErrors');
  });

  it('reads the deployment status before measuring: Superseded wins over a failed measurement', async () => {
    // Prepare
    const target = fakeTarget({ state: 'superseded', by: 'ecs-svc/999 (web:10)' });
    cloudwatchMock.on(DescribeAlarmsCommand).rejects(throttled());

    // Act
    const act = look(target, { measurementErrors: 3 });

    // Assess
    await expect(act).rejects.toThrow(Superseded);
    expect(cloudwatchMock.calls()).toHaveLength(0);
  });
});

describe('preflight', () => {
  it('refuses to deploy when configured alarms do not exist, listing them', async () => {
    // Prepare
    cloudwatchMock.on(DescribeAlarmsCommand).resolves(fixture('cloudwatch-describe-alarms-response-metric-alarm'));
    const withTypos = serviceWith(`
alarms: [web-5xx-alarm, myalarm, web-latency-alarm]`);

    // Act
    const act = preflight(cloudwatch(), withTypos, 'v2');

    // Assess
    await expect(act).rejects.toThrow(TargetMisconfigured);
    await expect(act).rejects.toThrow('web: health.alarms names alarms that do not exist: web-5xx-alarm, web-latency-alarm; nothing was deployed');
    expect(cloudwatchMock.commandCalls(DescribeAlarmsCommand)[0]!.args[0].input).toEqual({
      AlarmNames: ['web-5xx-alarm', 'myalarm', 'web-latency-alarm'],
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
    });
  });

  it('names a single missing alarm', async () => {
    // Prepare
    cloudwatchMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
    const withTypo = serviceWith(`
alarms: [web-5xx-alarm]`);

    // Act
    const act = preflight(cloudwatch(), withTypo, 'v2');

    // Assess
    await expect(act).rejects.toThrow(TargetMisconfigured);
    await expect(act).rejects.toThrow(/alarm that do(es)? not exist: web-5xx-alarm;/);
  });

  it('passes when every alarm exists and none is in ALARM', async () => {
    // Prepare
    cloudwatchMock.on(DescribeAlarmsCommand).resolves(alarmState('OK', 'fine'));
    const ok = serviceWith(`
alarms: [web-5xx-alarm]`);

    // Act
    const act = preflight(cloudwatch(), ok, 'v2');

    // Assess
    await expect(act).resolves.toEqual({ blocked: false, firing: [] });
  });

  it('blocks while an alarm is already in ALARM, saying how to fix forward', async () => {
    // Prepare
    cloudwatchMock.on(DescribeAlarmsCommand).resolves(alarmState('ALARM', 'already alarming'));
    const svc = serviceWith(`
alarms: [web-5xx-alarm]
fixForwardTags: ["hotfix-*"]`);

    // Act
    const result = await preflight(cloudwatch(), svc, 'v2');

    // Assess
    expect(result).toEqual({ blocked: true, alarms: ['web-5xx-alarm'], reason: 'web-5xx-alarm already in ALARM before the deploy; push a tag matching health.fixForwardTags (hotfix-*) to fix forward' });
  });

  it('lets a fix-forward tag through while the alarm fires, and says which alarms fire', async () => {
    // Prepare
    cloudwatchMock.on(DescribeAlarmsCommand).resolves(alarmState('ALARM', 'already alarming'));
    const svc = serviceWith(`
alarms: [web-5xx-alarm]
fixForwardTags: ["hotfix-*"]`);

    // Act
    const result = await preflight(cloudwatch(), svc, 'hotfix-42');

    // Assess
    expect(result).toEqual({ blocked: false, firing: ['web-5xx-alarm'] });
  });

  it('makes no call when no alarms are configured', async () => {
    // Prepare
    const none = serviceWith(`
bakeMinutes: 5`);

    // Act
    await preflight(cloudwatch(), none, 'v2');

    // Assess
    expect(cloudwatchMock.calls()).toHaveLength(0);
  });
});

// ---------------------------------------------------------------------------

describe('watchRollout', () => {
  const watched = { deploymentId: 'ecs-svc/7419115625193919142', startedAt: '2025-02-21T12:00:00.000Z', revision: 'arn:aws:ecs:us-west-2:123456789012:task-definition/web:9', revertRevision: 'arn:aws:ecs:us-west-2:123456789012:task-definition/web:8' };
  const limits = { pollSeconds: 15, fallbackSeconds: 300, timeoutMinutes: 30 };
  const IN_PROGRESS = 'ecs-svc/7419115625193919142 IN_PROGRESS: 1/2 tasks running, 0 failed';

  it('returns when the rollout completed', async () => {
    // Prepare
    const target = fakeTarget({ state: 'completed', detail: 'ecs-svc/7419115625193919142 completed: 2/2 tasks running, 0 failed' });

    // Act
    const result = await watchRollout(target, watched, limits, 'rollout', at('2025-02-21T12:04:00Z'));

    // Assess
    expect(target.status).toHaveBeenCalledWith({ deploymentId: watched.deploymentId, revision: watched.revision, revertRevision: watched.revertRevision, since: new Date(watched.startedAt) });
    expect(result).toStrictEqual({ done: true, completedAt: '2025-02-21T12:04:00.000Z', detail: 'ecs-svc/7419115625193919142 completed: 2/2 tasks running, 0 failed' });
  });

  it('throws RolloutFailed at once when the rollout failed', async () => {
    // Prepare
    const target = fakeTarget({ state: 'failed', reason: 'ECS deployment circuit breaker: task failed to start.' });

    // Act
    const act = watchRollout(target, watched, limits, 'rollout', at('2025-02-21T12:01:00Z'));

    // Assess
    await expect(act).rejects.toThrow(RolloutFailed);
    await expect(act).rejects.toThrow('rollout on ECS service prod/web failed: ECS deployment circuit breaker: task failed to start.');
  });

  it('throws RollbackFailed when our rollback failed', async () => {
    // Prepare
    const target = fakeTarget({ state: 'failed', reason: 'tasks failed to start' });

    // Act
    const act = watchRollout(target, watched, limits, 'rollback', at('2025-02-21T12:01:00Z'));

    // Assess
    await expect(act).rejects.toThrow(RollbackFailed);
    await expect(act).rejects.toMatchObject({ name: 'RollbackFailed', message: 'rollback on ECS service prod/web failed: tasks failed to start' });
  });

  it('throws Superseded when someone else deployed', async () => {
    // Prepare
    const target = fakeTarget({ state: 'superseded', by: 'ecs-svc/999 (web:10)' });

    // Act
    const act = watchRollout(target, watched, limits, 'rollout', at('2025-02-21T12:01:00Z'));

    // Assess
    await expect(act).rejects.toThrow(Superseded);
    await expect(act).rejects.toThrow("ECS service prod/web now runs ecs-svc/999 (web:10); the rollout was replaced by someone else's deployment");
  });

  it('is pending while in progress on ECS: woken by the service event, looking again after the fallback', async () => {
    // Prepare
    const target = fakeTarget({ state: 'in_progress', detail: IN_PROGRESS });

    // Act
    const look = await watchRollout(target, watched, limits, 'rollout', at('2025-02-21T12:04:00Z'));

    // Assess
    expect(look).toStrictEqual({
      done: false,
      detail: 'rollout on ECS service prod/web: ecs-svc/7419115625193919142 IN_PROGRESS: 1/2 tasks running, 0 failed',
      lookAgainSeconds: 300,
      lookedAt: '2025-02-21T12:04:00.000Z',
      wake: ['ecs:prod/web'],
      awaitEvent: true,
    });
  });

  it('is pending while in progress without deployment events (EKS): a plain wait of the configured poll interval', async () => {
    // Prepare
    const target = fakeTarget({ state: 'in_progress', detail: IN_PROGRESS }, []);

    // Act
    const look = await watchRollout(target, watched, limits, 'rollout', at('2025-02-21T12:04:00Z'));

    // Assess
    expect(look).toStrictEqual({
      done: false,
      detail: `rollout on ECS service prod/web: ${IN_PROGRESS}`,
      lookAgainSeconds: 15,
      lookedAt: '2025-02-21T12:04:00.000Z',
      wake: [],
      awaitEvent: false,
    });
  });

  it('looks again no later than the timeout: one second before it, in one second', async () => {
    // Prepare
    const target = fakeTarget({ state: 'in_progress', detail: IN_PROGRESS });

    // Act
    const look = await watchRollout(target, watched, limits, 'rollout', at('2025-02-21T12:29:59Z'));

    // Assess
    expect(look).toStrictEqual({
      done: false,
      detail: `rollout on ECS service prod/web: ${IN_PROGRESS}`,
      lookAgainSeconds: 1,
      lookedAt: '2025-02-21T12:29:59.000Z',
      wake: ['ecs:prod/web'],
      awaitEvent: true,
    });
  });

  it('caps the fallback at the seconds left before the timeout, rounded up to a whole second', async () => {
    // Prepare: 200.5 s left, less than the 300 s fallback.
    const target = fakeTarget({ state: 'in_progress', detail: IN_PROGRESS });

    // Act
    const look = await watchRollout(target, watched, limits, 'rollout', at('2025-02-21T12:26:39.500Z'));

    // Assess
    expect(look).toMatchObject({ done: false, lookAgainSeconds: 201, wake: ['ecs:prod/web'], awaitEvent: true });
  });

  it('caps the poll interval at the seconds left before the timeout on EKS too', async () => {
    // Prepare: 10 s left, less than pollSeconds 15.
    const target = fakeTarget({ state: 'in_progress', detail: IN_PROGRESS }, []);

    // Act
    const look = await watchRollout(target, watched, limits, 'rollout', at('2025-02-21T12:29:50Z'));

    // Assess
    expect(look).toMatchObject({ done: false, lookAgainSeconds: 10, wake: [], awaitEvent: false });
  });

  it('says rollback in the detail of a rollback still in progress', async () => {
    // Prepare
    const target = fakeTarget({ state: 'in_progress', detail: 'rolling back' });

    // Act
    const look = await watchRollout(target, watched, limits, 'rollback', at('2025-02-21T12:10:00Z'));

    // Assess
    expect(look).toStrictEqual({
      done: false,
      detail: 'rollback on ECS service prod/web: rolling back',
      lookAgainSeconds: 300,
      lookedAt: '2025-02-21T12:10:00.000Z',
      wake: ['ecs:prod/web'],
      awaitEvent: true,
    });
  });

  it('throws RolloutFailed when still in progress at the timeout', async () => {
    // Prepare
    const target = fakeTarget({ state: 'in_progress', detail: 'ecs-svc/7419115625193919142 IN_PROGRESS: 1/2 tasks running, 3 failed' });

    // Act
    const act = watchRollout(target, watched, limits, 'rollout', at('2025-02-21T12:30:00Z'));

    // Assess
    await expect(act).rejects.toThrow(RolloutFailed);
    await expect(act).rejects.toThrow(
      'rollout on ECS service prod/web still in progress after 30 minutes (ecs-svc/7419115625193919142 IN_PROGRESS: 1/2 tasks running, 3 failed)',
    );
  });

  it('throws RollbackFailed when the rollback is still in progress at the timeout', async () => {
    // Prepare
    const target = fakeTarget({ state: 'in_progress', detail: 'rolling back' });

    // Act
    const act = watchRollout(target, watched, limits, 'rollback', at('2025-02-21T12:45:00Z'));

    // Assess
    await expect(act).rejects.toThrow(RollbackFailed);
  });
});
