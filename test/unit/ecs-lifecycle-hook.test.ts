import { fileURLToPath } from 'node:url';
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { ContinueServiceDeploymentCommand, DescribeServiceDeploymentsCommand, DescribeServiceRevisionsCommand, ECSClient } from '@aws-sdk/client-ecs';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../local/task-handlers.js';
import { loadConfig } from '../../shared/config/load.js';
import { parseEcrPushEvent } from '../../shared/events/ecr-push.js';
import { answerLifecycleHook } from '../../shared/progressive/ecs-hook.js';
import { hookEventSchema, type HookEvent } from '../../shared/progressive/ecs-hook-event.js';
import { hookNotes } from '../../shared/records/hook-store.js';
import { admit } from '../../shared/records/admission.js';
import type { RecordsDb } from '../../shared/records/db.js';
import { getRecord } from '../../shared/records/queries.js';
import { releaseFromPush } from '../../shared/release/release.js';
import * as v from 'valibot';
import { fixture } from '../support/ecs-progressive.js';
import { freshRecordsTable, useLocalDynamo } from '../support/records.js';

// Shipwatch as the lifecycle hook of its own ECS deployments, over ECS's
// published payloads: what it answers (IN_PROGRESS with callBackDelay,
// SUCCEEDED, FAILED), what it measures (the new revision's target group), and
// what it leaves in the records table.

useLocalDynamo();
const CONFIG_FILE = fileURLToPath(new URL('../fixtures/shipwatch.ecs-hook.yml', import.meta.url));
const config = loadConfig(CONFIG_FILE);
const ecsMock = mockClient(ECSClient);
const cloudwatchMock = mockClient(CloudWatchClient);
const GREEN = 'arn:aws:ecs:us-west-2:123456789012:service-revision/my-cluster/my-service/9313423515462893900';
const BLUE = 'arn:aws:ecs:us-west-2:123456789012:service-revision/my-cluster/my-service/1920498462936580504';
const GREEN_TG = 'arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/shop-green/fedcba9876543210';
const T0 = new Date('2026-05-06T16:00:10.000Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);
const release = releaseFromPush(parseEcrPushEvent(fixture('eventbridge-ecr-image-action-push-success')));

let records: RecordsDb;
let recordId: string;
let rate: (targetGroup: string, t: Date) => number | undefined;

const deps = () => ({ ecs: new ECSClient({}), cloudwatch: new CloudWatchClient({}), records });
const parse = (event: unknown): HookEvent => v.parse(hookEventSchema, event);
/** The published PRODUCTION_TRAFFIC_SHIFT payload at a step's weight, with the hookDetails Shipwatch registers. */
const atStep = (weight: number, hookDetails: Record<string, unknown> = {}): HookEvent => {
  const event = fixture('ecs-lifecycle-hook-payload-production-traffic-shift');
  event.executionDetails.productionTrafficWeights = { [GREEN]: weight, [BLUE]: 100 - weight };
  return parse({ ...event, hookDetails: { shipwatchService: 'shop', recordId, ...hookDetails } });
};

beforeAll(() => {
  process.env.SHIPWATCH_CONFIG = CONFIG_FILE;
});

beforeEach(async () => {
  records = await freshRecordsTable();
  recordId = (await admit(records, release, 'shop', 'exec-1', T0)).recordId;
  ecsMock.reset();
  cloudwatchMock.reset();
  rate = () => 0.4;
  ecsMock.on(DescribeServiceRevisionsCommand).resolves({
    serviceRevisions: [
      {
        serviceRevisionArn: GREEN,
        taskDefinition: 'arn:aws:ecs:us-west-2:123456789012:task-definition/shop:9',
        resolvedConfiguration: { loadBalancers: [{ targetGroupArn: GREEN_TG, productionListenerRule: 'rule' }] },
      },
    ],
  });
  cloudwatchMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'shop-5xx', StateValue: 'OK', StateReason: 'ok' }], CompositeAlarms: [] });
  cloudwatchMock.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
    const tg = input.MetricDataQueries!.find((q) => q.MetricStat)!.MetricStat!.Metric!.Dimensions!.find((d) => d.Name === 'TargetGroup')!.Value!;
    const timestamps: Date[] = [];
    const values: number[] = [];
    for (let t = input.StartTime!.getTime(); t < input.EndTime!.getTime(); t += 60_000) {
      const value = rate(tg, new Date(t));
      if (value !== undefined) {
        timestamps.push(new Date(t));
        values.push(value);
      }
    }
    return { MetricDataResults: [{ Id: 'shipwatch', Timestamps: timestamps, Values: values, StatusCode: 'Complete' }] };
  });
});

describe('a canary step', () => {
  it("first asks ECS to call back while the step is measured, narrowed to the new revision's target group", async () => {
    // Act
    const answer = await answerLifecycleHook(deps(), config, atStep(10), T0);

    // Assess
    // Once a metric period (60 s), or pollSeconds if longer: a look sooner finds no new period.
    expect(answer).toStrictEqual({ hookStatus: 'IN_PROGRESS', callBackDelay: 60, hookDetails: { measurementErrors: 0 } });
    expect(Object.keys(answer).slice(0, 2)).toEqual(Object.keys(fixture('ecs-lifecycle-hook-response-in-progress-callback-delay')));
    expect(ecsMock.commandCalls(DescribeServiceRevisionsCommand)[0]!.args[0].input).toStrictEqual({ serviceRevisionArns: [GREEN] });
    expect((await hookNotes(records, 'shop', atStep(10).resourceArn))?.latest).toBe(
      'step 1 of 2 (10% of traffic), judging 0.0 of 5 minutes: alarm shop-5xx is OK; 5xx rate: no complete period yet (fails when > 2%)',
    );
  });

  it('answers SUCCEEDED once the step baked healthy, judged from when the hook first saw it', async () => {
    await answerLifecycleHook(deps(), config, atStep(10), T0);

    const answer = await answerLifecycleHook(deps(), config, atStep(10), minutes(7));

    expect(answer).toStrictEqual(fixture('ecs-lifecycle-hook-response-succeeded-aws-samples'));
    const query = cloudwatchMock.commandCalls(GetMetricDataCommand).at(-1)!.args[0].input.MetricDataQueries!;
    expect(query.find((q) => q.Id === 'errors')!.MetricStat!.Metric!.Dimensions).toStrictEqual([
      { Name: 'LoadBalancer', Value: 'app/shop/50dc6c495c0c9188' },
      { Name: 'TargetGroup', Value: 'targetgroup/shop-green/fedcba9876543210' },
    ]);
    const record = await getRecord(records, 'shop', recordId);
    expect(record?.events?.map((e) => e.what)).toEqual([
      expect.stringMatching(
        /^ECS lifecycle hook at PRODUCTION_TRAFFIC_SHIFT \(EZe5RNVLH6PPzHXINuP28\): SUCCEEDED, step 1 of 2 \(10% of traffic\) healthy over 5 minutes: alarm shop-5xx is OK; 5xx rate worst 0.4%, > 2% in 0 of 5 periods, failure limit 1$/,
      ),
    ]);
  });

  it('answers FAILED, with the arithmetic in the record, when the new revision is measured unhealthy', async () => {
    rate = (tg) => (tg.includes('green') ? 9.1 : 0.3);
    await answerLifecycleHook(deps(), config, atStep(10), T0);

    const answer = await answerLifecycleHook(deps(), config, atStep(10), minutes(4));

    expect(answer).toStrictEqual(fixture('ecs-lifecycle-hook-response-failed-aws-samples'));
    const notes = await hookNotes(records, 'shop', atStep(10).resourceArn);
    expect(notes?.failed).toBe('measured unhealthy, step 1 of 2 (10% of traffic): 5xx rate 9.1% > 2% in 2 of 2 periods, failure limit 1');
    expect((await getRecord(records, 'shop', recordId))?.events?.at(-1)?.what).toContain('FAILED, measured unhealthy');
  });

  it('keeps "could not measure" apart: failed queries count up to consecutiveErrorLimit, then FAILED says so', async () => {
    cloudwatchMock
      .on(GetMetricDataCommand)
      .rejects(
        Object.assign(new Error('User is not authorized to perform: cloudwatch:GetMetricData'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }),
      );

    await answerLifecycleHook(deps(), config, atStep(10), T0);
    const first = await answerLifecycleHook(deps(), config, atStep(10), minutes(3));
    const last = await answerLifecycleHook(deps(), config, atStep(10, { measurementErrors: 2 }), minutes(4));

    expect(first).toStrictEqual({ hookStatus: 'IN_PROGRESS', callBackDelay: 30, hookDetails: { measurementErrors: 1 } });
    expect(last).toStrictEqual({ hookStatus: 'FAILED' });
    expect((await hookNotes(records, 'shop', atStep(10).resourceArn))?.failed).toMatch(
      /^could not measure, step 1 of 2 \(10% of traffic\): health could not be measured, 3 failed measurements in a row \(consecutiveErrorLimit 3\)/,
    );
  });

  it('a throttled query is no reason to roll back: asked again, counted like a failed one', async () => {
    cloudwatchMock
      .on(GetMetricDataCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }));

    await answerLifecycleHook(deps(), config, atStep(10), T0);
    const answer = await answerLifecycleHook(deps(), config, atStep(10), minutes(3));

    expect(answer).toStrictEqual({ hookStatus: 'IN_PROGRESS', callBackDelay: 30, hookDetails: { measurementErrors: 1 } });
  });

  it('at 100% answers SUCCEEDED at once: the service-wide bake judges all the traffic', async () => {
    const answer = await answerLifecycleHook(deps(), config, atStep(100), T0);
    expect(answer).toStrictEqual({ hookStatus: 'SUCCEEDED' });
    expect(cloudwatchMock.calls()).toHaveLength(0);
  });

  it('never holds a rollback: the published rollback payload is answered SUCCEEDED without looking at anything', async () => {
    const event = parse({ ...fixture('ecs-lifecycle-hook-payload-production-traffic-shift-rollback'), hookDetails: { shipwatchService: 'shop', recordId } });
    expect(await answerLifecycleHook(deps(), config, event, T0)).toStrictEqual({ hookStatus: 'SUCCEEDED' });
    expect(ecsMock.calls()).toHaveLength(0);
    expect(cloudwatchMock.calls()).toHaveLength(0);
  });
});

describe('the pause before the first step', () => {
  it("is continued by the hook (nothing has been judged yet); later pauses are the person's", async () => {
    const paused = fixture('ecs-describe-service-deployments-response-blue-green-pause-awaiting-action').serviceDeployments[0];
    ecsMock
      .on(DescribeServiceDeploymentsCommand)
      .resolves({ serviceDeployments: [{ ...paused, serviceDeploymentArn: atStep(0).resourceArn, expiresAt: undefined }] });
    const first = parse({ ...fixture('ecs-lifecycle-hook-payload-pre-production-traffic-shift'), hookDetails: { shipwatchService: 'shop', recordId } });

    const answer = await answerLifecycleHook(deps(), config, first, T0);

    expect(answer).toStrictEqual({ hookStatus: 'SUCCEEDED' });
    expect(ecsMock.commandCalls(ContinueServiceDeploymentCommand).map((c) => c.args[0].input)).toStrictEqual([
      { serviceDeploymentArn: first.resourceArn, hookId: paused.lifecycleHookDetails[0].hookId, action: 'CONTINUE' },
    ]);

    const later = { ...first, executionDetails: { ...first.executionDetails, productionTrafficWeights: { [GREEN]: 10, [BLUE]: 90 } } };
    expect(await answerLifecycleHook(deps(), config, later, minutes(6))).toStrictEqual({ hookStatus: 'SUCCEEDED' });
    expect(ecsMock.commandCalls(ContinueServiceDeploymentCommand)).toHaveLength(1);
  });
});

describe('AWS failing on the way', () => {
  it('never makes ECS roll back by throwing: the pause before the first step is tried again, counted', async () => {
    ecsMock
      .on(DescribeServiceDeploymentsCommand)
      .rejects(
        Object.assign(new Error('We encountered an internal error.'), { name: 'InternalFailure', $fault: 'server', $metadata: { httpStatusCode: 500 } }),
      );
    const first = parse({
      ...fixture('ecs-lifecycle-hook-payload-pre-production-traffic-shift'),
      hookDetails: { shipwatchService: 'shop', recordId, measurementErrors: 1 },
    });

    const answer = await answerLifecycleHook(deps(), config, first, T0);

    expect(answer).toStrictEqual({ hookStatus: 'IN_PROGRESS', callBackDelay: 30, hookDetails: { measurementErrors: 2 } });
    expect(ecsMock.commandCalls(ContinueServiceDeploymentCommand)).toHaveLength(0);
  });

  it('fails the stage as "could not measure" once consecutiveErrorLimit attempts in a row failed', async () => {
    ecsMock
      .on(DescribeServiceRevisionsCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }));

    const answer = await answerLifecycleHook(deps(), config, atStep(10, { measurementErrors: 2 }), T0);

    expect(answer).toStrictEqual({ hookStatus: 'FAILED' });
    expect((await hookNotes(records, 'shop', atStep(10).resourceArn))?.failed).toMatch(
      /^could not measure, PRODUCTION_TRAFFIC_SHIFT: 3 failed attempts in a row \(consecutiveErrorLimit 3\); last: ThrottlingException: Rate exceeded$/,
    );
  });
});

describe('blue/green test traffic', () => {
  it('judges POST_TEST_TRAFFIC_SHIFT for testTrafficBakeMinutes, finding the service by its ARN when hookDetails do not name it', async () => {
    const sample = fixture('ecs-lifecycle-hook-payload-post-test-traffic-shift-with-hook-details');
    const event = parse({
      ...sample,
      executionDetails: { ...sample.executionDetails, serviceArn: sample.executionDetails.serviceArn.replace('my-service', 'my-service-bg') },
    });
    rate = () => 1;

    expect(await answerLifecycleHook(deps(), config, event, T0)).toMatchObject({ hookStatus: 'IN_PROGRESS' });
    expect(await answerLifecycleHook(deps(), config, event, minutes(4))).toStrictEqual({ hookStatus: 'SUCCEEDED' });
  });
});

describe('the handler', () => {
  it("refuses a payload that is not ECS's, clearly, before any AWS call", async () => {
    const { handler } = await import('../../functions/ecs-lifecycle-hook.js');
    const bad = { ...fixture('ecs-lifecycle-hook-payload-production-traffic-shift'), lifecycleStage: 'ROLLBACK' };

    const act = handler(bad, lambdaContext('ecsLifecycleHook') as Context);

    await expect(act).rejects.toMatchObject({ name: 'InvalidInput' });
    await expect(act).rejects.toThrow(/ecs-lifecycle-hook: .*lifecycleStage/);
    expect(ecsMock.calls()).toHaveLength(0);
    expect(cloudwatchMock.calls()).toHaveLength(0);
  });

  it('refuses a service the packaged config does not know', async () => {
    const { handler } = await import('../../functions/ecs-lifecycle-hook.js');
    const event = fixture('ecs-lifecycle-hook-payload-production-traffic-shift');
    event.executionDetails.serviceArn = 'arn:aws:ecs:us-west-2:123456789012:service/my-cluster/someone-else';

    await expect(handler(event, lambdaContext('ecsLifecycleHook') as Context)).rejects.toThrow(
      'lifecycle hook for ECS service my-cluster/someone-else: no such service in the config these functions were packaged with',
    );
  });
});
