import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { SFNClient, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { AlbModel } from '../../local/cloud/alb.js';
import { driveEcsHooks } from '../../local/cloud/ecs-hook-driver.js';
import { profile, type ImageProfile } from '../../local/cloud/profiles.js';
import { World } from '../../local/cloud/world.js';
import { progressiveEcsService } from '../../sandbox/world.js';
import { EventBus } from '../../local/eventbridge/bus.js';
import { pumpEvents } from '../../local/eventbridge/pump.js';
import { declaredRules } from '../../local/eventbridge/rules.js';
import type { StateEvent } from '../../local/run-workflow.js';
import { StepFunctionsModel } from '../../local/sfn.js';
import { installSimClock } from '../../local/sim-clock.js';
import { lambdaContext } from '../../local/task-handlers.js';
import { VirtualTime } from '../../local/virtual-time.js';
import { sfnClient } from '../../shared/aws/sfn.js';
import { loadConfig } from '../../shared/config/load.js';
import { parseEcrPushEvent } from '../../shared/events/ecr-push.js';
import { startDeployments } from '../../shared/trigger/start-deployments.js';
import { mockCloud } from './mock-cloud.js';
import { STATE_MACHINE_ARN } from './concurrent.js';

// Canary, linear and blue/green on ECS over the real state machine, the real
// handlers and the simulated ECS's own engine, in virtual time: ECS invokes
// the real lifecycle-hook handler by ARN, as it would the deployed Lambda.

export const START = Date.parse('2026-11-02T10:00:00Z');
export const HOOK_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:shipwatch-test-ecsLifecycleHook';
export const HOOK_ROLE_ARN = 'arn:aws:iam::123456789012:role/shipwatch-test-EcsHookInvokeRole';

/** The load balancer each service gets (deterministic by name), for the config to name its target group. */
export const albOf = (name: string, testListener = false) =>
  new AlbModel(
    '123456789012',
    'us-east-1',
    1,
    () => undefined,
    () => undefined,
  ).create(name, { testListener });

/** A service's health: its 5xx rate on its primary target group (Shipwatch narrows it to the new revision's), and an alarm on the whole load balancer. */
export const healthYaml = (name: string, extra = '') => {
  const setup = albOf(name);
  const dims = `{ LoadBalancer: ${setup.loadBalancer}, TargetGroup: ${setup.primary.dimension} }`;
  return `    health:
      alarms: [${name}-5xx]
      metrics:
        - name: 5xx rate
          expression: "100 * errors / requests"
          metrics:
            errors: { namespace: AWS/ApplicationELB, metricName: HTTPCode_Target_5XX_Count, dimensions: ${dims}, stat: Sum }
            requests: { namespace: AWS/ApplicationELB, metricName: RequestCount, dimensions: ${dims}, stat: Sum }
          period: 60
          comparison: ">"
          threshold: 2
          unit: "%"
          failureLimit: 1
      bakeMinutes: 5
      pollSeconds: 30
      rolloutTimeoutMinutes: 15
${extra}`;
};

/** Writes the config (the hook reads it as its packaged config) and points SHIPWATCH_CONFIG at it. */
export function writeConfig(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'shipwatch-progressive-')), 'shipwatch.yml');
  writeFileSync(file, yaml);
  process.env.SHIPWATCH_CONFIG = file;
  process.env.SHIPWATCH_ECS_HOOK_ARN = HOOK_ARN;
  process.env.SHIPWATCH_ECS_HOOK_ROLE_ARN = HOOK_ROLE_ARN;
  return file;
}

/**
 * The account the config describes: per ECS service, a repository with a good
 * release running, the service behind its own load balancer with two target
 * groups (test listener for blue/green with a test bake), a 5xx alarm; the
 * state machine, EventBridge (resumeWaiters) and ECS's hook invocations.
 */
export async function progressiveWorld(configFile: string, seed = 7) {
  const config = loadConfig(configFile);
  const clock = installSimClock(START);
  const world = new World(clock.now, seed);
  for (const service of config.services) {
    const t = service.target.ecs!;
    world.ecr.createRepository(service.image.repository, true);
    const first = world.ecr.push(service.image.repository, 'v1', profile());
    const task: RegisterTaskDefinitionCommandInput = {
      family: t.service,
      containerDefinitions: [
        { name: t.container, image: `${world.ecr.registry}/${service.image.repository}@${first.detail['image-digest']}`, essential: true },
      ],
    };
    progressiveEcsService(world, task, {
      name: service.name,
      cluster: t.cluster,
      service: t.service,
      testListener: service.strategy.type === 'blueGreen' && service.strategy.testTrafficBakeMinutes > 0,
      // Already on ECS's blue/green engine, unless it deploys with rolling updates.
      onEngine: service.strategy.type !== 'rolling',
    });
  }
  clock.advance(30 * 60_000);

  const mocks = mockCloud(world);
  const time = new VirtualTime(clock, Infinity);
  const events: StateEvent[] = [];
  const listeners: ((e: StateEvent) => void)[] = [];
  const sfn = new StepFunctionsModel(time, STATE_MACHINE_ARN, {
    onState: (e) => {
      events.push(e);
      for (const l of listeners) l(e);
    },
  });
  const sfnMock = mockClient(SFNClient);
  sfnMock.on(StartExecutionCommand).callsFake((input) => sfn.handle('StartExecution', input));
  sfnMock.on(SendTaskSuccessCommand).callsFake((input) => sfn.handle('SendTaskSuccess', input));
  sfnMock.on(SendTaskFailureCommand).callsFake((input) => sfn.handle('SendTaskFailure', input));
  const { handler: resumeWaiters } = await import('../../functions/resume-waiters.js');
  const rules = declaredRules(config, { stateMachineArn: STATE_MACHINE_ARN }).filter((r) => r.target === 'resumeWaiters');
  const bus = new EventBus(
    rules,
    (_target, event) => time.track(resumeWaiters(event, lambdaContext('resumeWaiters') as Context)),
    (ms) => time.sleep(ms),
  );
  const pump = pumpEvents(world, time, bus);
  // ECS invokes the real hook handler by ARN; time stands still while it runs.
  const { handler: hook } = await import('../../functions/ecs-lifecycle-hook.js');
  world.lambda.register(HOOK_ARN, (event) => hook(event, lambdaContext('ecsLifecycleHook') as Context));
  const hooks = driveEcsHooks(world, time);

  const push = async (repository: string, tag: string, behaviour: Partial<ImageProfile> = {}) => {
    const event = world.ecr.push(repository, tag, profile(behaviour));
    await time.track(startDeployments(sfnClient(), STATE_MACHINE_ARN, config, parseEcrPushEvent(event)));
    return event;
  };
  return {
    config,
    clock,
    world,
    mocks,
    time,
    sfn,
    events,
    on: (fn: (e: StateEvent) => void) => listeners.push(fn),
    push,
    settle: () => time.run(() => sfn.idle && pump.settled && hooks.settled),
    results: () => [...sfn.executions.values()].map((e) => e.run?.result),
    restore() {
      hooks.stop();
      pump.stop();
      mocks.restore();
      sfnMock.restore();
      clock.uninstall();
    },
  };
}
