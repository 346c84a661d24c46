import type { DeploymentConfiguration, DeploymentLifecycleHook, DeploymentLifecycleHookStage } from '@aws-sdk/client-ecs';
import type { ServiceConfig } from '../../config/schema.js';
import type { Strategy } from '../../config/strategy.js';
import { DEFAULTS } from '../../config/defaults.js';

// What UpdateService carries for a canary, linear or blue/green deployment:
// deploymentConfiguration as ECS documents it
// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html,
// API_CanaryConfiguration, API_LinearConfiguration, API_DeploymentLifecycleHook).
// ECS moves the traffic; Shipwatch's Lambda hook judges the new revision at
// the stages below, and ECS waits for its verdict.

export type ProgressiveStrategy = Exclude<Strategy, { type: 'rolling' }>;

/** The Lambda ECS invokes as the lifecycle hook, and the role ECS assumes to invoke it (serverless.yml). */
export interface HookFunction {
  functionArn: string;
  roleArn: string;
}

/** What ECS passes to every invocation of the hook (the `hookDetails` document): the service and the push being deployed. */
export interface ShipwatchHookDetails {
  shipwatchService: string;
  recordId: string;
}

export const ECS_STRATEGY = { canary: 'CANARY', linear: 'LINEAR', blueGreen: 'BLUE_GREEN' } as const;

/**
 * Where the hook judges. Canary and linear: PRODUCTION_TRAFFIC_SHIFT, which
 * ECS invokes at each traffic step once the step's share routes to the new
 * revision (developerguide/canary-deployment.html, lambda-lifecycle-hooks.html:
 * "invoked at each traffic shift step"). Blue/green: POST_TEST_TRAFFIC_SHIFT,
 * when the new revision serves all the test traffic, for testTrafficBakeMinutes.
 * With a pause, also PRE_PRODUCTION_TRAFFIC_SHIFT, where the hook lets the
 * pause before the first canary or linear step go (see ecs-hook.ts).
 */
export function hookStages(strategy: ProgressiveStrategy): DeploymentLifecycleHookStage[] {
  if (strategy.type === 'blueGreen') return strategy.testTrafficBakeMinutes > 0 ? ['POST_TEST_TRAFFIC_SHIFT'] : [];
  return strategy.pause ? ['PRE_PRODUCTION_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT'] : ['PRODUCTION_TRAFFIC_SHIFT'];
}

/** The longest a stage is judged for: a step's bake (canary, linear) or the test-traffic bake (blue/green). */
export const judgedMinutes = (strategy: ProgressiveStrategy) => (strategy.type === 'blueGreen' ? strategy.testTrafficBakeMinutes : strategy.bakeMinutes);

/**
 * If the hook stops answering (Lambda throttled, a bug), ECS waits this long
 * after a stage began and then rolls back (`timeoutConfiguration`, 1–1440
 * minutes, lambda-lifecycle-hooks.html): never carry on unjudged.
 */
export const hookTimeoutMinutes = (strategy: ProgressiveStrategy) => Math.min(1440, Math.ceil(judgedMinutes(strategy)) + DEFAULTS.strategy.hookGraceMinutes);

/**
 * ECS's own pause expires after the approval's timeout plus a margin, rolling
 * back: Shipwatch's own expiry (the workflow aborts when nobody decides) comes
 * first; ECS's is the net if the workflow is gone. PAUSE timeouts: 1–20160 minutes.
 */
export const pauseTimeoutMinutes = (service: Pick<ServiceConfig, 'approval'>) =>
  Math.min(20_160, (service.approval?.timeoutMinutes ?? DEFAULTS.approval.timeoutMinutes) + DEFAULTS.strategy.hookGraceMinutes);

/**
 * Shipwatch's own hooks, told apart from hooks of the service's owners, which
 * are kept: ours invoke our function or carry our hookDetails; our pause is
 * the only PAUSE hook at PRE_PRODUCTION_TRAFFIC_SHIFT alone.
 */
export function isShipwatchHook(hook: DeploymentLifecycleHook, functionArn?: string): boolean {
  if (hook.targetType === 'PAUSE') return hook.lifecycleStages?.length === 1 && hook.lifecycleStages[0] === 'PRE_PRODUCTION_TRAFFIC_SHIFT';
  const details = hook.hookDetails as Partial<ShipwatchHookDetails> | undefined;
  return (functionArn !== undefined && hook.hookTargetArn === functionArn) || typeof details?.shipwatchService === 'string';
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * Pure: the service's deploymentConfiguration with the strategy in it.
 *
 * - canaryBakeTimeInMinutes / stepBakeTimeInMinutes are 0: the hook holds
 *   each step for `bakeMinutes` while it judges, so ECS adding its own,
 *   unjudged wait would only double the exposure time.
 * - bakeTimeInMinutes (the time both revisions run after all production
 *   traffic moved) is health.bakeMinutes, rounded up: Shipwatch's bake runs
 *   in that window, so a bad bake is rolled back by shifting the traffic
 *   back to the previous revision's tasks still running (StopServiceDeployment)
 *   instead of starting them again.
 * - Everything else the service had (maximumPercent, alarms, its owners'
 *   own hooks) is kept.
 */
export function progressiveConfiguration(
  current: DeploymentConfiguration | undefined,
  service: Pick<ServiceConfig, 'health' | 'approval'>,
  strategy: ProgressiveStrategy,
  hookFunction: HookFunction,
  details: ShipwatchHookDetails,
): DeploymentConfiguration {
  const { canaryConfiguration: _c, linearConfiguration: _l, lifecycleHooks = [], ...kept } = current ?? {};
  const stages = hookStages(strategy);
  const ours: DeploymentLifecycleHook[] = [];
  if (stages.length > 0) {
    ours.push({
      targetType: 'AWS_LAMBDA',
      hookTargetArn: hookFunction.functionArn,
      roleArn: hookFunction.roleArn,
      lifecycleStages: stages,
      hookDetails: { ...details },
      timeoutConfiguration: { timeoutInMinutes: hookTimeoutMinutes(strategy), action: 'ROLLBACK' },
    });
  }
  if (strategy.pause) {
    // "Before the traffic shifts further": PRE_PRODUCTION_TRAFFIC_SHIFT, before each step
    // (pause-lifecycle-hooks.html: for linear and canary, at each traffic shift step).
    ours.push({
      targetType: 'PAUSE',
      lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'],
      timeoutConfiguration: { timeoutInMinutes: pauseTimeoutMinutes(service), action: 'ROLLBACK' },
    });
  }
  return {
    ...kept,
    strategy: ECS_STRATEGY[strategy.type],
    bakeTimeInMinutes: Math.min(1440, Math.ceil(service.health.bakeMinutes)),
    ...(strategy.type === 'canary' ? { canaryConfiguration: { canaryPercent: round1(strategy.percent), canaryBakeTimeInMinutes: 0 } } : {}),
    ...(strategy.type === 'linear' ? { linearConfiguration: { stepPercent: round1(strategy.stepPercent), stepBakeTimeInMinutes: 0 } } : {}),
    lifecycleHooks: [...lifecycleHooks.filter((h) => !isShipwatchHook(h, hookFunction.functionArn)), ...ours],
  };
}

/**
 * Pure: the configuration of a rollback that needs a new deployment (ours had
 * completed): all traffic to the previous revision at once, as soon as its
 * tasks are healthy, without Shipwatch's steps, hooks or pause. The next
 * deploy sets the strategy again.
 */
export function rollbackConfiguration(current: DeploymentConfiguration | undefined): DeploymentConfiguration {
  const { canaryConfiguration: _c, linearConfiguration: _l, lifecycleHooks = [], ...kept } = current ?? {};
  return { ...kept, strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0, lifecycleHooks: lifecycleHooks.filter((h) => !isShipwatchHook(h)) };
}
