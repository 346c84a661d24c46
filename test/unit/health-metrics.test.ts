import { GetMetricDataCommand, type GetMetricDataCommandOutput, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { beforeEach, describe, expect, it } from 'vitest';
import { metricQueries, periodsOf, readMetric, RESULT_ID } from '../../shared/health/metrics.js';
import { fixture } from '../support/fixtures.js';
import { at, cloudwatch, cloudwatchMock, FIVE_PERIODS, fiveXx, latency, MINUTE, ms, successRate } from '../support/health.js';

// shared/health/metrics.ts: which periods a bake judges, the GetMetricData
// queries for a check, and reading its values (metricVerdict has its own file).

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
    expect(periods.map((p) => new Date(p).toISOString())).toEqual(['2025-02-21T12:01:00.000Z', '2025-02-21T12:02:00.000Z', '2025-02-21T12:03:00.000Z']);
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
