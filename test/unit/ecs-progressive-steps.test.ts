import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ECSClient,
  StopServiceDeploymentCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../../shared/config/schema.js';
import { ecsTarget } from '../../shared/targets/ecs/ecs-target.js';
import type { HookNotes } from '../../shared/targets/ecs/service-deployment-status.js';
import { CURRENT, DEPLOYMENT, deployment, fixture, HOOK, NEW, NEWER_DEPLOYMENT, service, serviceConfig } from '../support/ecs-progressive.js';

// The ECS side of the progressive contract: where a service deployment stands
// (progress), and a person's decision at a pause (decide).

const ecsMock = mockClient(ECSClient);
const NOW = new Date('2026-05-06T16:00:00.000Z');
const watch = { deploymentId: DEPLOYMENT, revision: NEW, revertRevision: CURRENT, since: NOW };
const PAUSE = fixture('ecs-describe-service-deployments-response-blue-green-pause-awaiting-action').serviceDeployments[0].lifecycleHookDetails[0];
const pause = { ...PAUSE, expiresAt: new Date(PAUSE.expiresAt) };

const progressive = (config: ServiceConfig, notes?: HookNotes) =>
  ecsTarget(new ECSClient({}), config.target.ecs!, { service: config, hook: () => HOOK, ...(notes ? { notes: async () => notes } : {}) }).progressive!;
const canary = serviceConfig(
  '{ type: canary, percent: 10, bakeMinutes: 5, pause: true }',
  '    approval: { required: false, channel: C0123DEPLOYS, approvers: [U0ALICE] }',
);

beforeEach(() => {
  ecsMock.reset();
});

const at = (shape: Parameters<typeof deployment>[0]) => ecsMock.on(DescribeServiceDeploymentsCommand).resolves({ serviceDeployments: [deployment(shape)] });

describe('progress', () => {
  it('follows ECS through a step, with what the hook last decided', async () => {
    at({ weight: 10, lifecycleHookDetails: [{ hookId: 'h-1', targetType: 'AWS_LAMBDA', status: 'IN_PROGRESS' }] });

    const status = await progressive(canary, { latest: 'step 1 of 2 (10% of traffic), judging 2.0 of 5 minutes: 5xx rate worst 0.4%' }).progress(watch);

    expect(status).toStrictEqual({
      state: 'stepping',
      step: 1,
      steps: 2,
      trafficPercent: 10,
      detail: "PRODUCTION_TRAFFIC_SHIFT (hook IN_PROGRESS); Shipwatch's hook: step 1 of 2 (10% of traffic), judging 2.0 of 5 minutes: 5xx rate worst 0.4%",
    });
    expect(ecsMock.commandCalls(DescribeServiceDeploymentsCommand)[0]!.args[0].input).toStrictEqual({ serviceDeploymentArns: [DEPLOYMENT] });
  });

  it("a pause after a judged step is the person's: paused, with ECS's hookId and expiry", async () => {
    at({ weight: 10, lifecycleStage: 'PRE_PRODUCTION_TRAFFIC_SHIFT' as never, lifecycleHookDetails: [pause] });

    const status = await progressive(canary).progress(watch);

    expect(status).toStrictEqual({
      state: 'paused',
      pauseId: PAUSE.hookId,
      expiresAt: new Date(PAUSE.expiresAt).toISOString(),
      step: 1,
      steps: 2,
      trafficPercent: 10,
      detail: 'PRE_PRODUCTION_TRAFFIC_SHIFT (pause AWAITING_ACTION)',
    });
  });

  it("the pause before the first step is left to Shipwatch's hook: stepping", async () => {
    at({ weight: 0, lifecycleStage: 'PRE_PRODUCTION_TRAFFIC_SHIFT' as never, lifecycleHookDetails: [pause] });

    const status = await progressive(canary).progress(watch);

    expect(status).toMatchObject({
      state: 'stepping',
      step: 1,
      trafficPercent: 0,
      detail: "PRE_PRODUCTION_TRAFFIC_SHIFT (pause AWAITING_ACTION); Shipwatch's hook lets the pause before the first step go",
    });
  });

  it("a blue/green pause before its only step is the person's", async () => {
    at({ weight: 0, lifecycleStage: 'PRE_PRODUCTION_TRAFFIC_SHIFT' as never, lifecycleHookDetails: [pause] });

    const status = await progressive(
      serviceConfig('{ type: blueGreen, pause: true }', '    approval: { required: false, channel: C0123DEPLOYS, approvers: [U0ALICE] }'),
    ).progress(watch);

    expect(status).toMatchObject({ state: 'paused', step: 1, steps: 1, trafficPercent: 0 });
  });

  it('completed once all production traffic is on the new revision (ECS bakes with both revisions running)', async () => {
    at({ weight: 100, lifecycleStage: 'BAKE_TIME' });
    expect(await progressive(canary).progress(watch)).toStrictEqual({
      state: 'completed',
      detail: 'EZe5RNVLH6PPzHXINuP28 BAKE_TIME: all production traffic on the new revision',
    });
  });

  it("failed with the hook's verdict when ECS rolls back, and its rollback to adopt", async () => {
    at({ status: 'ROLLBACK_IN_PROGRESS', weight: 10, statusReason: 'Lifecycle hook failed at PRODUCTION_TRAFFIC_SHIFT' });

    const status = await progressive(canary, {
      failed: 'measured unhealthy, step 1 of 2 (10% of traffic): 5xx rate 9.1% > 2% in 2 of 3 periods, failure limit 1',
    }).progress(watch);

    expect(status).toStrictEqual({
      state: 'failed',
      reason:
        "ECS rolled EZe5RNVLH6PPzHXINuP28 back (ROLLBACK_IN_PROGRESS): Lifecycle hook failed at PRODUCTION_TRAFFIC_SHIFT; Shipwatch's hook: measured unhealthy, step 1 of 2 (10% of traffic): 5xx rate 9.1% > 2% in 2 of 3 periods, failure limit 1",
      rollingBackId: DEPLOYMENT,
    });
  });

  it('superseded when a newer deployment stopped it', async () => {
    at({ status: 'STOP_REQUESTED', weight: 50 });
    ecsMock.on(DescribeServicesCommand).resolves({ services: [service(NEW, { currentServiceDeployment: NEWER_DEPLOYMENT })] });

    expect(await progressive(canary).progress(watch)).toStrictEqual({ state: 'superseded', by: 'service deployment xyz789ABC123' });
  });

  it('linear steps are counted from the weights: 50% is step 2 of 4', async () => {
    at({ weight: 50 });
    expect(await progressive(serviceConfig('{ type: linear, stepPercent: 25 }')).progress(watch)).toMatchObject({
      state: 'stepping',
      step: 2,
      steps: 4,
      trafficPercent: 50,
    });
  });
});

describe('decide', () => {
  it('promote continues the pause (ContinueServiceDeployment CONTINUE)', async () => {
    at({ weight: 10, lifecycleHookDetails: [pause] });

    await progressive(canary).decide(watch, PAUSE.hookId, 'promote', NOW);

    expect(ecsMock.commandCalls(ContinueServiceDeploymentCommand).map((c) => c.args[0].input)).toStrictEqual([
      { serviceDeploymentArn: DEPLOYMENT, hookId: PAUSE.hookId, action: 'CONTINUE' },
    ]);
  });

  it('abort rolls the pause back (ContinueServiceDeployment ROLLBACK), as the published sample request', async () => {
    at({ weight: 10, lifecycleHookDetails: [pause] });
    const sample = fixture('ecs-continue-service-deployment-request-rollback');

    await progressive(canary).decide(watch, PAUSE.hookId, 'abort', NOW);

    expect(Object.keys(ecsMock.commandCalls(ContinueServiceDeploymentCommand)[0]!.args[0].input).sort()).toEqual(Object.keys(sample).sort());
    expect(ecsMock.commandCalls(ContinueServiceDeploymentCommand)[0]!.args[0].input.action).toBe(sample.action);
  });

  it('a pause already decided is left alone on promote, but an abort still stops a deployment that goes on', async () => {
    at({ weight: 100, lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT', lifecycleHookDetails: [{ ...pause, status: 'SUCCEEDED' }] });

    await progressive(canary).decide(watch, PAUSE.hookId, 'promote', NOW);
    expect(ecsMock.commandCalls(ContinueServiceDeploymentCommand)).toHaveLength(0);

    await progressive(canary).decide(watch, PAUSE.hookId, 'abort', NOW);
    expect(ecsMock.commandCalls(StopServiceDeploymentCommand).map((c) => c.args[0].input)).toStrictEqual([
      { serviceDeploymentArn: DEPLOYMENT, stopType: 'ROLLBACK' },
    ]);
  });

  it('advance sends nothing: ECS steps by itself', async () => {
    await progressive(canary).advance(watch, 1, NOW);
    expect(ecsMock.calls()).toHaveLength(0);
  });
});
