import type { DeploymentConfiguration, RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { profile, type ImageProfile } from '../../local/cloud/profiles.js';
import { World } from '../../local/cloud/world.js';
import { installSimClock, type SimClock } from '../../local/sim-clock.js';
import { fixture } from '../support/ecs-progressive.js';

// The simulated ECS's canary, linear and blue/green engine, driven by hand:
// lifecycle stages in order, the load balancer's weights, Lambda hooks
// invoked (and again after callBackDelay), pauses, rollbacks and the events.

const START = Date.parse('2026-11-02T10:00:00Z');
const HOOK_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:shipwatch-test-ecsLifecycleHook';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/EcsHookInvokeRole';
let clock: SimClock | undefined;
afterEach(() => clock?.uninstall());

function given(options: { testListener?: boolean } = {}) {
  clock = installSimClock(START);
  const world = new World(clock.now, 3);
  world.ecr.createRepository('web', true);
  const v1 = world.ecr.push('web', 'v1', profile());
  const setup = world.alb.create('web', options);
  const task = (image: string): RegisterTaskDefinitionCommandInput => ({ family: 'web', containerDefinitions: [{ name: 'app', image, essential: true }] });
  world.ecs.createService('prod', 'web', task(`${world.ecr.registry}/web@${v1.detail['image-digest']}`), { desiredCount: 4, loadBalancer: setup });
  clock.advance(30 * 60_000);
  const payloads: any[] = [];
  let answer: (event: any) => unknown = () => ({ hookStatus: 'SUCCEEDED' });
  world.lambda.register(HOOK_ARN, async (event) => {
    payloads.push(event);
    return answer(event);
  });
  const c = clock;
  const deploy = (tag: string, config: DeploymentConfiguration, behaviour: Partial<ImageProfile> = {}) => {
    const pushed = world.ecr.push('web', tag, profile(behaviour));
    const registered = world.ecs.RegisterTaskDefinition(task(`${world.ecr.registry}/web@${pushed.detail['image-digest']}`)).taskDefinition!.taskDefinitionArn!;
    const out = world.ecs.UpdateService({ cluster: 'prod', service: 'web', taskDefinition: registered, deploymentConfiguration: config });
    return { taskDefinition: registered, arn: out.service!.currentServiceDeployment! };
  };
  /** Simulated time passes, ECS invoking due hooks every 5 s. */
  const run = async (seconds: number) => {
    for (let s = 0; s < seconds; s += 5) {
      c.advance(5000);
      await world.invokeDueHooks();
    }
  };
  const look = (arn: string) => world.ecs.DescribeServiceDeployments({ serviceDeploymentArns: [arn] }).serviceDeployments![0]!;
  return { world, setup, payloads, deploy, run, look, answer: (fn: (event: any) => unknown) => (answer = fn), clock: c };
}

const lambdaHook = (stages: string[], extra: object = {}) => ({
  targetType: 'AWS_LAMBDA' as const,
  hookTargetArn: HOOK_ARN,
  roleArn: ROLE_ARN,
  lifecycleStages: stages as never,
  hookDetails: { shipwatchService: 'web' },
  ...extra,
});
const canary = (hooks: DeploymentConfiguration['lifecycleHooks'] = [lambdaHook(['PRODUCTION_TRAFFIC_SHIFT'])]): DeploymentConfiguration => ({
  strategy: 'CANARY',
  canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 0 },
  bakeTimeInMinutes: 5,
  lifecycleHooks: hooks,
});

describe('a canary deployment', () => {
  it('moves through its stages, holding 10% on the new target group while the hook answers IN_PROGRESS', async () => {
    const { world, setup, payloads, deploy, run, look, answer, clock } = given();
    let calls = 0;
    answer(() => (++calls < 5 ? { hookStatus: 'IN_PROGRESS', callBackDelay: 60 } : { hookStatus: 'SUCCEEDED' }));

    const { arn } = deploy('v2', canary());
    expect(look(arn)).toMatchObject({ status: 'IN_PROGRESS', lifecycleStage: 'SCALE_UP' });
    await run(150);

    // The hook was called at the 10% step with the weights the page shows.
    expect(payloads[0]).toMatchObject({ lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT', resourceArn: arn, hookDetails: { shipwatchService: 'web' } });
    const weights = Object.values(payloads[0].executionDetails.productionTrafficWeights);
    expect(weights).toEqual([10, 90]);
    expect(look(arn)).toMatchObject({ lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT', targetServiceRevision: { requestedProductionTrafficWeight: 10 } });

    // Per target group: the new one (alternate) serves ~10% of the production requests.
    const period = Math.ceil(clock.now() / 60_000) * 60_000;
    await run(120);
    const count = (dimensions: Record<string, string>) =>
      world.cloudwatch.value({ namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions, stat: 'Sum' }, period, 60)!;
    const green = count({ LoadBalancer: setup.loadBalancer, TargetGroup: setup.alternate.dimension });
    const all = count({ LoadBalancer: setup.loadBalancer });
    expect(green / all).toBeGreaterThan(0.07);
    expect(green / all).toBeLessThan(0.13);

    await run(60 * 8);
    expect(payloads.map((p) => p.executionId)).toEqual(expect.arrayContaining([payloads[0].executionId]));
    expect(look(arn)).toMatchObject({ status: 'SUCCESSFUL' });
    expect(world.ecs.DescribeServices({ cluster: 'prod', services: ['web'] }).services![0]!.deployments).toHaveLength(1);
    const events = world
      .drainEvents()
      .filter((e) => e['detail-type'] === 'ECS Deployment State Change')
      .map((e) => e.detail.eventName);
    expect(events).toEqual(['SERVICE_DEPLOYMENT_IN_PROGRESS', 'SERVICE_DEPLOYMENT_COMPLETED']);
  });

  it('rolls back when the hook answers FAILED, re-invoking it with the weights going back, and only that step was exposed', async () => {
    const { world, payloads, deploy, run, look, answer, clock } = given();
    answer((event) => (Object.values(event.executionDetails.productionTrafficWeights)[0] === 0 ? { hookStatus: 'SUCCEEDED' } : { hookStatus: 'FAILED' }));
    const before = world.ecs.DescribeServices({ cluster: 'prod', services: ['web'] }).services![0]!.taskDefinition;

    const { arn } = deploy('v2', canary());
    await run(200);

    const d = look(arn);
    expect(d.status).toBe('ROLLBACK_SUCCESSFUL');
    expect(d.rollback).toMatchObject({
      reason: expect.stringContaining('returned FAILED at PRODUCTION_TRAFFIC_SHIFT'),
      serviceRevisionArn: d.sourceServiceRevisions![0]!.arn,
    });
    // The rollback payload: the target revision at 0, the source at 100 (as lambda-lifecycle-hooks.html shows).
    expect(Object.values(payloads.at(-1).executionDetails.productionTrafficWeights)).toEqual([0, 100]);
    expect(world.ecs.DescribeServices({ cluster: 'prod', services: ['web'] }).services![0]!.taskDefinition).toBe(before);
    const names = world
      .drainEvents()
      .filter((e) => e['detail-type'] === 'ECS Deployment State Change')
      .map((e) => e.detail.eventName);
    expect(names).toEqual(['SERVICE_DEPLOYMENT_IN_PROGRESS', 'SERVICE_DEPLOYMENT_FAILED', 'SERVICE_DEPLOYMENT_COMPLETED']);
    expect(clock.now()).toBeGreaterThan(START);
  });

  it('rolls back a hook that answers nothing valid, or that cannot be invoked', async () => {
    const { deploy, run, look, answer } = given();
    answer(() => ({ status: 'ok' }));
    const { arn } = deploy('v2', canary());
    await run(200);
    expect(look(arn).rollback?.reason).toMatch(/did not return a valid hookStatus at PRODUCTION_TRAFFIC_SHIFT/);

    const unknown = deploy(
      'v3',
      canary([lambdaHook(['PRODUCTION_TRAFFIC_SHIFT'], { hookTargetArn: 'arn:aws:lambda:us-east-1:123456789012:function:nobody' })]),
    );
    await run(200);
    expect(look(unknown.arn).rollback?.reason).toMatch(/ResourceNotFoundException: Function not found/);
  });
});

describe('pause hooks', () => {
  const paused = () =>
    canary([
      lambdaHook(['PRODUCTION_TRAFFIC_SHIFT']),
      { targetType: 'PAUSE', lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'], timeoutConfiguration: { timeoutInMinutes: 30, action: 'ROLLBACK' } },
    ]);

  it('await action before each step, announce it, and go on when continued', async () => {
    const { world, deploy, run, look } = given();
    const { arn } = deploy('v2', paused());
    await run(200);

    const d = look(arn);
    expect(d).toMatchObject({
      lifecycleStage: 'PRE_PRODUCTION_TRAFFIC_SHIFT',
      lifecycleHookDetails: [{ targetType: 'PAUSE', status: 'AWAITING_ACTION', timeoutAction: 'ROLLBACK' }],
    });
    const hookId = d.lifecycleHookDetails![0]!.hookId!;
    const event = world.drainEvents().find((e) => e['detail-type'] === 'ECS Hook State Change')!;
    const sample = fixture('eventbridge-ecs-hook-state-change-hook-awaiting-action');
    expect(Object.keys(event.detail).sort()).toEqual(Object.keys(sample.detail).sort());
    expect(event.resources).toEqual([arn]);
    expect(event.detail).toMatchObject({
      eventName: 'HOOK_AWAITING_ACTION',
      hookId,
      hookType: 'PAUSE',
      lifecycleStage: 'PRE_PRODUCTION_TRAFFIC_SHIFT',
      serviceDeploymentArn: arn,
    });

    world.ecs.ContinueServiceDeployment({ serviceDeploymentArn: arn, hookId, action: 'CONTINUE' });
    await run(60);
    // The next pause: before the 100% step.
    expect(look(arn)).toMatchObject({ lifecycleStage: 'PRE_PRODUCTION_TRAFFIC_SHIFT', targetServiceRevision: { requestedProductionTrafficWeight: 10 } });
    expect(() => world.ecs.ContinueServiceDeployment({ serviceDeploymentArn: arn, hookId, action: 'CONTINUE' })).toThrow(/is not awaiting action/);
  });

  it('roll back when continued with ROLLBACK, or when their timeout passes', async () => {
    const { world, deploy, run, look } = given();
    const first = deploy('v2', paused());
    await run(200);
    world.ecs.ContinueServiceDeployment({ serviceDeploymentArn: first.arn, hookId: look(first.arn).lifecycleHookDetails![0]!.hookId!, action: 'ROLLBACK' });
    await run(60);
    expect(look(first.arn)).toMatchObject({
      status: 'ROLLBACK_SUCCESSFUL',
      rollback: { reason: expect.stringContaining('ContinueServiceDeployment ROLLBACK') },
    });

    const second = deploy('v3', paused());
    await run(200 + 30 * 60);
    expect(look(second.arn)).toMatchObject({
      status: 'ROLLBACK_SUCCESSFUL',
      rollback: { reason: expect.stringContaining('timed out (timeoutAction ROLLBACK)') },
    });
  });

  it('cannot be configured at PRODUCTION_TRAFFIC_SHIFT', () => {
    const { deploy } = given();
    expect(() => deploy('v2', canary([{ targetType: 'PAUSE', lifecycleStages: ['PRODUCTION_TRAFFIC_SHIFT'] }]))).toThrow(
      /PAUSE hooks cannot be configured at PRODUCTION_TRAFFIC_SHIFT/,
    );
  });
});

describe('rollbacks and steps', () => {
  it('StopServiceDeployment ROLLBACK during the bake shifts all traffic back to the tasks still running', async () => {
    const { world, setup, deploy, run, look } = given();
    const { arn } = deploy('v2', canary());
    await run(200);
    expect(look(arn).lifecycleStage).toBe('BAKE_TIME');

    world.ecs.StopServiceDeployment({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' });
    expect(look(arn).status).toBe('ROLLBACK_IN_PROGRESS');
    await run(60);

    expect(look(arn).status).toBe('ROLLBACK_SUCCESSFUL');
    expect(() => world.ecs.StopServiceDeployment({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' })).toThrow(
      /only a deployment that has not completed can be stopped/,
    );
    const served = world.alb.requestsByImage(setup.loadBalancer, look(arn).finishedAt!.getTime() + 60_000, look(arn).finishedAt!.getTime() + 120_000);
    expect([...served.keys()]).toHaveLength(1);
  });

  it('a linear deployment shifts 25% at a time, baking between steps but not after 100%', async () => {
    const { payloads, deploy, run, look } = given();
    const { arn } = deploy('v2', {
      strategy: 'LINEAR',
      linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 1 },
      bakeTimeInMinutes: 0,
      lifecycleHooks: [lambdaHook(['PRODUCTION_TRAFFIC_SHIFT'])],
    });
    await run(600);

    expect(payloads.map((p) => Object.values(p.executionDetails.productionTrafficWeights)[0])).toEqual([25, 50, 75, 100]);
    expect(look(arn).status).toBe('SUCCESSFUL');
  });

  it('tasks that never become healthy roll the deployment back before any traffic moves', async () => {
    const { payloads, deploy, run, look } = given();
    const { arn } = deploy('v2', canary(), { healthy: false });
    await run(600);

    expect(look(arn)).toMatchObject({ status: 'ROLLBACK_SUCCESSFUL', rollback: { reason: expect.stringContaining('failed to start') } });
    expect(payloads).toEqual([]);
  });

  it('blue/green routes test traffic to the new target group first, and says which one in the revision', async () => {
    const { world, setup, deploy, run, look, answer } = given({ testListener: true });
    answer(() => ({ hookStatus: 'IN_PROGRESS', callBackDelay: 60 }));
    const { arn } = deploy('v2', { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 2, lifecycleHooks: [lambdaHook(['POST_TEST_TRAFFIC_SHIFT'])] });
    await run(200);

    const d = look(arn);
    expect(d).toMatchObject({
      lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
      targetServiceRevision: { requestedTestTrafficWeight: 100, requestedProductionTrafficWeight: 0 },
    });
    const revision = world.ecs.DescribeServiceRevisions({ serviceRevisionArns: [d.targetServiceRevision!.arn!] }).serviceRevisions![0]!;
    expect(revision.resolvedConfiguration?.loadBalancers?.[0]?.targetGroupArn).toBe(setup.alternate.arn);
  });
});
