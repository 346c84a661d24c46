import { DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../shared/config/defaults.js';
import { RolloutFailed, Superseded, Unhealthy } from '../../shared/errors.js';
import { bakeCheck } from '../../shared/health/bake.js';
import { alarmKey, ecsServiceKey } from '../../shared/waits/keys.js';
import {
  alarmState,
  at,
  BAKE_STARTED,
  bakeService,
  cloudwatch,
  cloudwatchMock,
  deployment,
  fakeTarget,
  FIVE_XX,
  metricValues,
  serviceWith,
} from '../support/health.js';

// shared/health/bake.ts: one look at a baking deployment, its verdicts and
// when to look again (failed measurements: health-bake-measurement-errors.test.ts).

beforeEach(() => {
  cloudwatchMock.reset();
});

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
    expect(target.status).toHaveBeenCalledWith({
      deploymentId: 'ecs-svc/7419115625193919142',
      revision: deployment.revision,
      revertRevision: 'arn:aws:ecs:us-west-2:123456789012:task-definition/web:8',
      since: new Date('2025-02-21T11:55:00.000Z'),
    });
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
${FIVE_XX.split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}`);
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
${FIVE_XX.split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}`);
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
