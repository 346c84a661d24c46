import { SFNClient, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { profile, type ImageProfile } from '../../local/cloud/profiles.js';
import type { StateEvent } from '../../local/run-workflow.js';
import { StepFunctionsModel } from '../../local/sfn.js';
import { VirtualTime } from '../../local/virtual-time.js';
import { sfnClient } from '../../shared/aws/sfn.js';
import type { Config } from '../../shared/config/schema.js';
import { parseEcrPushEvent } from '../../shared/events/ecr-push.js';
import { startDeployments } from '../../shared/trigger/start-deployments.js';
import type { Context } from 'aws-lambda';
import { handler as resumeWaiters } from '../../functions/resume-waiters.js';
import { EventBus } from '../../local/eventbridge/bus.js';
import { pumpEvents } from '../../local/eventbridge/pump.js';
import { declaredRules } from '../../local/eventbridge/rules.js';
import { lambdaContext } from '../../local/task-handlers.js';
import type { SimClock } from '../../local/sim-clock.js';
import type { World } from '../../local/cloud/world.js';
import { mockCloud } from './mock-cloud.js';
import { webWorld } from './world-fixture.js';

export const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:shipwatch-test-deploy';

/**
 * The real state machine over the real handlers for any simulated world, in
 * virtual time: the Step Functions model (SFN clients answered by it), and
 * the world's announcements reaching resumeWaiters through serverless.yml's
 * rules. concurrentWorld (the web service) and the EKS canary tests use it.
 */
export function virtualWorkflows(env: { world: World; clock: SimClock }, config: Config) {
  const mocks = mockCloud(env.world);
  const time = new VirtualTime(env.clock, Infinity);
  const events: StateEvent[] = [];
  const hooks: ((e: StateEvent) => void)[] = [];
  const sfn = new StepFunctionsModel(time, STATE_MACHINE_ARN, {
    onState: (e) => {
      events.push(e);
      hooks.forEach((h) => h(e));
    },
  });
  const sfnMock = mockClient(SFNClient);
  sfnMock.on(StartExecutionCommand).callsFake((input) => sfn.handle('StartExecution', input));
  sfnMock.on(SendTaskSuccessCommand).callsFake((input) => sfn.handle('SendTaskSuccess', input));
  sfnMock.on(SendTaskFailureCommand).callsFake((input) => sfn.handle('SendTaskFailure', input));

  // EventBridge: the simulated cloud's announcements reach the real resumeWaiters through
  // the rules serverless.yml declares for it (alarm-after-deploy tests deliver to alarmRollback themselves).
  const rules = declaredRules(config, { stateMachineArn: STATE_MACHINE_ARN }).filter((r) => r.target === 'resumeWaiters');
  const bus = new EventBus(
    rules,
    (_target, event) => time.track(resumeWaiters(event, lambdaContext('resumeWaiters') as Context)),
    (ms) => time.sleep(ms),
  );
  const pump = pumpEvents(env.world, time, bus);
  /** A push event delivered to the real trigger, as EventBridge would. */
  const deliver = (event: ReturnType<World['ecr']['push']>) => time.track(startDeployments(sfnClient(), STATE_MACHINE_ARN, config, parseEcrPushEvent(event)));

  return {
    mocks,
    sfn,
    sfnMock,
    time,
    events,
    /** Runs `fn` on every state event (entered, retried, failed) of every execution. */
    on: (fn: (e: StateEvent) => void) => hooks.push(fn),
    deliver,
    bus,
    settle: () => time.run(() => sfn.idle && pump.settled),
    outcomes: () =>
      [...sfn.executions.values()].map((e) => ({ tag: e.run?.result.tag, outcome: e.run?.result.outcome, reason: e.run?.result.reason, error: e.error })),
    restore() {
      pump.stop();
      mocks.restore();
      sfnMock.restore();
      env.clock.uninstall();
    },
  };
}

/**
 * Many executions at once, in virtual time: the simulated cloud, the Step
 * Functions model running the real ASL over the real handlers, and pushes
 * that go through the real trigger code.
 */
export function concurrentWorld(config: Config, options: Parameters<typeof webWorld>[0] = {}) {
  const env = webWorld(options);
  const workflows = virtualWorkflows(env, config);
  const { deliver } = workflows;

  const pushEvent = (tag: string, behaviour: Partial<ImageProfile> = {}) => env.world.ecr.push('web', tag, profile(behaviour));
  /** A new tag on an image already in ECR (the batch-get-image + put-image recipe): the same digest, a new push event. */
  const retagEvent = (digest: string, tag: string) => {
    const image = env.world.ecr.repositories.get('web')?.images.get(digest);
    if (!image) throw new Error(`no image ${digest} in the web repository`);
    return env.world.ecr.push('web', tag, image.profile, { digest, manifest: image.manifest });
  };
  return {
    ...env,
    ...workflows,
    pushEvent,
    retagEvent,
    deliver,
    push: async (tag: string, behaviour: Partial<ImageProfile> = {}) => deliver(pushEvent(tag, behaviour)),
  };
}
