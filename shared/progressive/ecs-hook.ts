import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ContinueServiceDeploymentCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { Config, ServiceConfig } from '../config/schema.js';
import { InvalidInput, MeasurementFailed, Unhealthy } from '../errors.js';
import { classifyError } from '../lambda/handler.js';
import { logger } from '../lambda/logger.js';
import type { RecordsDb } from '../records/db.js';
import { appendEvent } from '../records/outcome.js';
import type { ProgressiveStrategy } from '../targets/ecs/deployment-config.js';
import { awaitingPause, deploymentIdOf, stepAt } from '../targets/ecs/service-deployment-status.js';
import { revisionScope } from '../targets/ecs/revision-scope.js';
import { describeServiceDeployment } from '../targets/ecs/service-deployments.js';
import { isRollbackInvocation, serviceOf, weightOfTarget, type HookEvent, type HookResponse } from './ecs-hook-event.js';
import { firstSeen, noteVerdict, type HookDecision, type StageKey } from '../records/hook-store.js';
import { describeStep, judgeStep, type StepPosition } from './judge-step.js';

// Shipwatch as the lifecycle hook of its own ECS deployments: ECS moves the
// traffic, asks at each stage, and waits for the verdict on the new revision
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/lambda-lifecycle-hooks.html).
// IN_PROGRESS with a callBackDelay while the step is still being measured,
// SUCCEEDED to go on, FAILED to make ECS roll back. A hook that fails or
// answers nothing valid makes ECS roll back too, so only a malformed event
// throws; everything Shipwatch can still judge is answered.

export interface HookDeps {
  ecs: ECSClient;
  cloudwatch: CloudWatchClient;
  records: RecordsDb;
}

const SUCCEEDED: HookResponse = { hookStatus: 'SUCCEEDED' };
const FAILED: HookResponse = { hookStatus: 'FAILED' };
/** ECS's default delay is 30 s; a step is looked at once a metric period at most, and answered within the 15 minutes a hook has. */
const callBack = (seconds: number) => Math.min(900, Math.max(5, Math.ceil(seconds)));
/** Until the pause before the first step shows in DescribeServiceDeployments (hooks at one stage start together). */
const PAUSE_APPEARS_SECONDS = 300;

/** The configured service this event is about: the one its hookDetails name, on the ECS service the event names. */
export function serviceFor(config: Config, event: HookEvent): ServiceConfig & { strategy: ProgressiveStrategy } {
  const { cluster, service: name } = serviceOf(event.executionDetails.serviceArn);
  const named = event.hookDetails?.shipwatchService;
  const service = config.services.find((s) => s.target.ecs?.cluster === cluster && s.target.ecs?.service === name && (named === undefined || s.name === named));
  if (!service) {
    throw new InvalidInput(
      `lifecycle hook for ECS service ${cluster}/${name}${typeof named === 'string' ? ` (hookDetails.shipwatchService ${named})` : ''}: no such service in the config these functions were packaged with`,
    );
  }
  const strategy = service.strategy;
  if (strategy.type === 'rolling')
    throw new InvalidInput(
      `lifecycle hook for ${service.name}: it deploys with a rolling update, which has no lifecycle hooks; package and deploy Shipwatch again`,
    );
  return { ...service, strategy };
}

/**
 * Shipwatch's answer to one invocation. AWS throttling or failing on the way
 * (CloudWatch, ECS, DynamoDB) is no reason to roll back: ECS is asked to call
 * again, and the failure counts towards consecutiveErrorLimit
 * (`hookDetails.measurementErrors`, which ECS merges into the next call); at
 * the limit the step fails as "could not measure".
 */
export async function answerLifecycleHook(deps: HookDeps, config: Config, event: HookEvent, now: Date): Promise<HookResponse> {
  const service = serviceFor(config, event);
  const strategy = service.strategy;
  // Never hold a rollback back: ECS is returning the traffic to the previous revision.
  if (isRollbackInvocation(event)) return SUCCEEDED;
  const at: At = { deps, service, strategy, event, now, previousErrors: Number(event.hookDetails?.measurementErrors ?? 0) || 0 };
  try {
    return await answerStage(at);
  } catch (error) {
    const classified = classifyError(error);
    if (classified.name !== 'Transient') throw error;
    const errors = at.previousErrors + 1;
    const limit = service.health.consecutiveErrorLimit;
    if (errors < limit) return { hookStatus: 'IN_PROGRESS', callBackDelay: callBack(service.health.pollSeconds), hookDetails: { measurementErrors: errors } };
    await note(
      at,
      0,
      'FAILED',
      `could not measure, ${event.lifecycleStage}: ${errors} failed attempts in a row (consecutiveErrorLimit ${limit}); last: ${classified.message}`,
    );
    return FAILED;
  }
}

function answerStage(at: At): Promise<HookResponse> {
  const { strategy } = at;
  switch (at.event.lifecycleStage) {
    case 'PRE_PRODUCTION_TRAFFIC_SHIFT':
      return firstStepPause(at);
    case 'PRODUCTION_TRAFFIC_SHIFT':
      return strategy.type === 'blueGreen' ? Promise.resolve(SUCCEEDED) : judge(at, 'production');
    case 'POST_TEST_TRAFFIC_SHIFT':
      return strategy.type === 'blueGreen' && strategy.testTrafficBakeMinutes > 0 ? judge(at, 'test') : Promise.resolve(SUCCEEDED);
    default:
      // Shipwatch registers for none of the other stages (targets/ecs/deployment-config.ts).
      return Promise.resolve(SUCCEEDED);
  }
}

interface At {
  deps: HookDeps;
  service: ServiceConfig & { strategy: ProgressiveStrategy };
  strategy: ProgressiveStrategy;
  event: HookEvent;
  now: Date;
  /** Failed measurements (or AWS calls) in a row before this invocation. */
  previousErrors: number;
}

const keyOf = (at: At, weight: number): StageKey => ({
  service: at.service.name,
  deploymentId: deploymentIdOf(at.event.resourceArn),
  stage: `${at.event.lifecycleStage}@${weight}`,
});
const recordIdOf = (at: At) => (typeof at.event.hookDetails?.recordId === 'string' ? at.event.hookDetails.recordId : undefined);
const seen = (at: At, weight: number) =>
  firstSeen(at.deps.records, keyOf(at, weight), { recordId: recordIdOf(at) ?? '', deploymentArn: at.event.resourceArn }, at.now);

/** The verdict goes to the hook store (the progress look, the Slack message) and, once final, into the push's record. */
async function decide(at: At, weight: number, decision: HookDecision, verdict: string): Promise<void> {
  const key = keyOf(at, weight);
  await noteVerdict(at.deps.records, key, decision, verdict, at.now);
  const recordId = recordIdOf(at);
  if (decision === 'judging' || !recordId) return;
  const what = `ECS lifecycle hook at ${at.event.lifecycleStage} (${deploymentIdOf(at.event.resourceArn)}): ${decision}, ${verdict}`;
  // The verdict stands whatever happens to the note: ECS is told either way.
  await appendEvent(at.deps.records, at.service.name, recordId, what, at.now, { once: `hook:${key.deploymentId}:${key.stage}` }).catch((error: Error) =>
    logger.warn('could not note the verdict on the record', { recordId, error: error.message }),
  );
}

/** A FAILED verdict is answered whatever happens to its note: ECS rolls back either way. */
const note = (at: At, weight: number, decision: HookDecision, verdict: string) =>
  decide(at, weight, decision, verdict).catch((error: Error) => logger.warn('could not note the verdict', { verdict, error: error.message }));

/**
 * Judges the new revision over the stage: a canary or linear step's share
 * of production traffic for strategy.bakeMinutes, or blue/green's test
 * traffic for testTrafficBakeMinutes, with the bake's arithmetic (judgeStep):
 * metrics narrowed to the new revision's target group, alarms service-wide.
 * Measured unhealthy and could-not-measure both fail the step, and say which.
 */
async function judge(at: At, kind: 'production' | 'test'): Promise<HookResponse> {
  const { strategy, service } = at;
  const weight = kind === 'production' ? (weightOfTarget(at.event, 'productionTrafficWeights') ?? 0) : (weightOfTarget(at.event, 'testTrafficWeights') ?? 100);
  const position: StepPosition = kind === 'production' ? stepAt(strategy, weight) : { step: 1, steps: 1, trafficPercent: 0 };
  const label = kind === 'production' ? describeStep(position) : 'test traffic (no production traffic yet)';
  if (kind === 'production' && weight >= 100) {
    await decide(at, weight, 'SUCCEEDED', `${label}: all production traffic is on the new revision; the service-wide bake judges it`);
    return SUCCEEDED;
  }
  const bakeMinutes = strategy.type === 'blueGreen' ? strategy.testTrafficBakeMinutes : strategy.bakeMinutes;
  const since = await seen(at, weight);
  const scope = await revisionScope(at.deps.ecs, at.event.executionDetails.targetServiceRevisionArn);
  let judgement: Awaited<ReturnType<typeof judgeStep>>;
  try {
    judgement = await judgeStep(at.deps.cloudwatch, service.health, { ...position, since: since.toISOString(), bakeMinutes, scope }, at.now, at.previousErrors);
  } catch (error) {
    if (error instanceof Unhealthy) {
      await note(at, weight, 'FAILED', `measured unhealthy, ${error.message}`);
      return FAILED;
    }
    if (error instanceof MeasurementFailed) {
      await note(at, weight, 'FAILED', `could not measure, ${error.message}`);
      return FAILED;
    }
    throw error;
  }
  if (judgement.state === 'healthy') {
    await decide(at, weight, 'SUCCEEDED', `${label} healthy over ${bakeMinutes} minutes: ${judgement.summary}`);
    return SUCCEEDED;
  }
  const minute = ((at.now.getTime() - since.getTime()) / 60_000).toFixed(1);
  await decide(at, weight, 'judging', `${label}, judging ${minute} of ${bakeMinutes} minutes: ${judgement.summary}`);
  return {
    hookStatus: 'IN_PROGRESS',
    callBackDelay: callBack(judgement.lookAgainSeconds),
    hookDetails: { measurementErrors: judgement.measurementErrors ?? 0 },
  };
}

/**
 * ECS pauses before every canary or linear step (pause-lifecycle-hooks.html).
 * Shipwatch asks a person only once a step has been judged ("before the
 * traffic shifts further"), so before the first step, with no production
 * traffic on the new revision yet, its hook continues the pause itself; the
 * pauses before later steps are the person's (the hook answers SUCCEEDED and
 * the pause holds the stage).
 */
async function firstStepPause(at: At): Promise<HookResponse> {
  const weight = weightOfTarget(at.event, 'productionTrafficWeights') ?? 0;
  if (at.strategy.type === 'blueGreen' || !at.strategy.pause || weight > 0) return SUCCEEDED;
  const deployment = await describeServiceDeployment(at.deps.ecs, at.event.resourceArn);
  const pause = awaitingPause(deployment);
  if (pause?.hookId) {
    await at.deps.ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: at.event.resourceArn, hookId: pause.hookId, action: 'CONTINUE' }));
    await note(at, weight, 'SUCCEEDED', `pause before step 1 continued: no traffic has been judged yet; a person decides before the later steps`);
    return SUCCEEDED;
  }
  // Continued already (this invocation's retry, or its answer lost): nothing left to do.
  if (deployment.lifecycleHookDetails?.some((h) => h.targetType === 'PAUSE' && h.status === 'SUCCEEDED')) return SUCCEEDED;
  const since = await seen(at, weight);
  if (at.now.getTime() - since.getTime() < PAUSE_APPEARS_SECONDS * 1000) return { hookStatus: 'IN_PROGRESS', callBackDelay: 10 };
  return SUCCEEDED;
}
