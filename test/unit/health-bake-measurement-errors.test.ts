import { CloudWatchServiceException, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { beforeEach, describe, expect, it } from 'vitest';
import { MeasurementFailed, Superseded, Unhealthy } from '../../shared/errors.js';
import { bakeCheck } from '../../shared/health/bake.js';
import type { DeployTarget } from '../../shared/targets/target.js';
import { alarmState, at, BAKE_STARTED, bakeService, cloudwatch, cloudwatchMock, deployment, fakeTarget, metricValues, serviceWith } from '../support/health.js';

// shared/health/bake.ts when health cannot be measured: failed measurements
// counted up to consecutiveErrorLimit, never judged as unhealthy, and
// throttling left to the state machine's retrier.

beforeEach(() => {
  cloudwatchMock.reset();
});

describe('bakeCheck: measurement errors', () => {
  /** What the SDK throws after its own retries: a service exception carrying `$metadata`. */
  // Access denied: a failure another try soon will not fix (throttling goes to the Transient retrier; see below).
  const throttled = () =>
    new CloudWatchServiceException({
      name: 'AccessDeniedException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, attempts: 1 },
      message: 'not authorized to perform: cloudwatch:DescribeAlarms',
    });
  const reallyThrottled = () =>
    new CloudWatchServiceException({
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, attempts: 3 },
      message: 'Rate exceeded',
    });
  const LOOKED_AT = '2025-02-21T12:03:00.000Z';
  const look = (target: DeployTarget, previous: { measurementErrors?: number }, health = bakeService.health, now = LOOKED_AT) =>
    bakeCheck({ cloudwatch: cloudwatch(), target }, health, deployment, BAKE_STARTED, at(now), previous);

  it("leaves throttling to the state machine's Transient retrier: rethrown, not counted", async () => {
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
    expect(result).toMatchObject({
      done: false,
      measurementErrors: 2,
      detail: 'could not measure health (2 of 4 in a row): AccessDeniedException: not authorized to perform: cloudwatch:DescribeAlarms',
    });
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
      message:
        'health could not be measured: 4 failed measurements in a row, consecutiveErrorLimit 4; last: AccessDeniedException: not authorized to perform: cloudwatch:DescribeAlarms',
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
    expect(first).toMatchObject({
      done: false,
      measurementErrors: 1,
      detail: 'could not measure health (1 of 2 in a row): AccessDeniedException: not authorized to perform: cloudwatch:DescribeAlarms',
    });
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
    await expect(act).rejects.toThrow(
      'health could not be measured: 1 failed measurements in a row, consecutiveErrorLimit 1; last: AccessDeniedException: not authorized to perform: cloudwatch:DescribeAlarms',
    );
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
