import type { DeploymentLifecycleHookDetail, ServiceDeployment } from '@aws-sdk/client-ecs';
import { trafficSteps } from '../../config/traffic-steps.js';
import type { ProgressStatus } from '../progressive.js';
import type { RolloutStatus } from '../rollout.js';
import type { HookNotes } from '../../records/hook-store.js';
import type { ProgressiveStrategy } from './deployment-config.js';

// Pure readings of one ECS service deployment
// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceDeployment.html):
// its status, lifecycle stage, traffic weights and hooks, as the workflow's
// progress and rollout looks see them. Statuses
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-deployment.html):
// PENDING and IN_PROGRESS go on; ROLLBACK_REQUESTED and ROLLBACK_IN_PROGRESS
// mean ECS is returning all traffic to the source revision within the same
// service deployment (a hook answered FAILED, a pause was rolled back or
// timed out, StopServiceDeployment ROLLBACK); STOP_REQUESTED and STOPPED
// mean a newer deployment replaced it.

const ONGOING = new Set(['PENDING', 'IN_PROGRESS']);
const ROLLING_BACK = new Set(['ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS']);
/** All production traffic is on the new revision; ECS keeps the old one for bakeTimeInMinutes, then removes it. */
const TRAFFIC_SHIFTED = new Set(['BAKE_TIME', 'CLEAN_UP']);

export const deploymentIdOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

export type { HookNotes } from '../../records/hook-store.js';

export const isOngoing = (d: ServiceDeployment) => ONGOING.has(d.status ?? '');
export const isRollingBack = (d: ServiceDeployment) => ROLLING_BACK.has(d.status ?? '');
export const trafficShifted = (d: ServiceDeployment) => d.status === 'SUCCESSFUL' || (isOngoing(d) && TRAFFIC_SHIFTED.has(d.lifecycleStage ?? ''));

const weightOf = (d: ServiceDeployment) => d.targetServiceRevision?.requestedProductionTrafficWeight ?? 0;

/** The step a weight is at: 1-based; at 0 (before the first shift) step 1 with 0% of the traffic. */
export function stepAt(strategy: ProgressiveStrategy, weight: number): { step: number; steps: number; trafficPercent: number } {
  const steps = trafficSteps(strategy);
  const index = steps.findIndex((share) => weight <= share + 0.05);
  return { step: index < 0 ? steps.length : index + 1, steps: steps.length, trafficPercent: Math.round(weight * 10) / 10 };
}

/** The pause a person must decide: a PAUSE hook awaiting action. */
export const awaitingPause = (d: ServiceDeployment): DeploymentLifecycleHookDetail | undefined =>
  d.lifecycleHookDetails?.find((h) => h.targetType === 'PAUSE' && h.status === 'AWAITING_ACTION');

/**
 * A canary or linear pause before the first step (the new revision has no
 * production traffic yet, nothing was judged): ECS pauses before every step
 * (pause-lifecycle-hooks.html), but Shipwatch asks a person only once a step
 * was judged; its hook at the same stage continues this one.
 */
export const isFirstStepPause = (d: ServiceDeployment, strategy: ProgressiveStrategy) =>
  // The SDK's ServiceDeploymentLifecycleStage enum lacks PRE_PRODUCTION_TRAFFIC_SHIFT, which
  // API_ServiceDeployment.html lists among the stages (and hooks may be configured at).
  strategy.type !== 'blueGreen' && (d.lifecycleStage as string | undefined) === 'PRE_PRODUCTION_TRAFFIC_SHIFT' && weightOf(d) === 0;

const why = (d: ServiceDeployment, notes: HookNotes | undefined) =>
  [d.statusReason ?? d.rollback?.reason, notes?.failed && `Shipwatch's hook: ${notes.failed}`].filter(Boolean).join('; ') || `service deployment ${d.status}`;

function stageDetail(d: ServiceDeployment, notes: HookNotes | undefined): string {
  const hooks = (d.lifecycleHookDetails ?? [])
    .filter((h) => h.status === 'IN_PROGRESS' || h.status === 'AWAITING_ACTION')
    .map((h) => `${h.targetType === 'PAUSE' ? 'pause' : 'hook'} ${h.status}`);
  return [`${d.lifecycleStage ?? d.status}${hooks.length > 0 ? ` (${hooks.join(', ')})` : ''}`, notes?.latest && `Shipwatch's hook: ${notes.latest}`]
    .filter(Boolean)
    .join('; ');
}

/**
 * Where a progressive deployment stands, for the workflow's Progress look.
 * `current` is the service's current service deployment (who replaced a
 * stopped one); `notes` what Shipwatch's hook last decided.
 */
export function progressOf(d: ServiceDeployment, strategy: ProgressiveStrategy, current: string | undefined, notes?: HookNotes): ProgressStatus {
  const arn = d.serviceDeploymentArn ?? '';
  const id = deploymentIdOf(arn);
  if (trafficShifted(d))
    return { state: 'completed', detail: `${id} ${d.status === 'SUCCESSFUL' ? 'SUCCESSFUL' : d.lifecycleStage}: all production traffic on the new revision` };
  if (isRollingBack(d) || d.status === 'ROLLBACK_SUCCESSFUL')
    return { state: 'failed', reason: `ECS rolled ${id} back (${d.status}): ${why(d, notes)}`, rollingBackId: arn };
  if (d.status === 'ROLLBACK_FAILED') return { state: 'failed', reason: `ECS could not roll ${id} back (ROLLBACK_FAILED): ${why(d, notes)}` };
  if (d.status === 'STOP_REQUESTED' || d.status === 'STOPPED') {
    return current && current !== arn
      ? { state: 'superseded', by: `service deployment ${deploymentIdOf(current)}` }
      : { state: 'failed', reason: `ECS stopped ${id} (${d.status}): ${why(d, notes)}` };
  }
  const position = stepAt(strategy, weightOf(d));
  const pause = awaitingPause(d);
  if (pause?.hookId && !isFirstStepPause(d, strategy)) {
    return {
      state: 'paused',
      pauseId: pause.hookId,
      ...(pause.expiresAt ? { expiresAt: new Date(pause.expiresAt).toISOString() } : {}),
      ...position,
      detail: stageDetail(d, notes),
    };
  }
  const firstPause = pause && isFirstStepPause(d, strategy) ? "; Shipwatch's hook lets the pause before the first step go" : '';
  return { state: 'stepping', ...position, detail: `${stageDetail(d, notes)}${firstPause}` };
}

/**
 * The same deployment for the rollout and rollback looks (watch.ts, the
 * bake). `forward`: the look follows the deployment to its target revision;
 * otherwise it follows ECS's rollback of it to the source revision, within
 * the same service deployment.
 */
export function rolloutOf(d: ServiceDeployment, forward: boolean, current: string | undefined): RolloutStatus {
  const arn = d.serviceDeploymentArn ?? '';
  const id = deploymentIdOf(arn);
  const counts = `${d.targetServiceRevision?.runningTaskCount ?? 0}/${d.targetServiceRevision?.requestedTaskCount ?? 0} new tasks running`;
  if (!forward) {
    if (d.status === 'ROLLBACK_SUCCESSFUL') return { state: 'completed', detail: `${id} ROLLBACK_SUCCESSFUL: all traffic back on the previous revision` };
    if (d.status === 'ROLLBACK_FAILED') return { state: 'failed', reason: `ECS could not roll ${id} back: ${why(d, undefined)}` };
    if (isRollingBack(d)) return { state: 'in_progress', detail: `${id} ${d.status}${d.lifecycleStage ? ` at ${d.lifecycleStage}` : ''}` };
    // StopServiceDeployment answered, the status not yet moved (DescribeServiceDeployments lags).
    if (isOngoing(d)) return { state: 'in_progress', detail: `${id} ${d.status}: rollback requested` };
    if (d.status === 'SUCCESSFUL') return { state: 'failed', reason: `${id} completed before ECS could roll it back; the previous revision no longer runs` };
  }
  if (trafficShifted(d))
    return {
      state: 'completed',
      detail: `${id} ${d.status === 'SUCCESSFUL' ? 'SUCCESSFUL' : `at ${d.lifecycleStage}`}: ${counts}, all production traffic on it`,
    };
  if (isOngoing(d)) return { state: 'in_progress', detail: `${id} ${d.lifecycleStage ?? d.status}: ${counts}, ${weightOf(d)}% of production traffic` };
  if (isRollingBack(d) || d.status === 'ROLLBACK_SUCCESSFUL')
    return { state: 'failed', reason: `ECS rolled ${id} back (${d.status}): ${why(d, undefined)}`, rollingBackId: arn };
  if ((d.status === 'STOP_REQUESTED' || d.status === 'STOPPED') && current && current !== arn)
    return { state: 'superseded', by: `service deployment ${deploymentIdOf(current)}` };
  return { state: 'failed', reason: `${id} ${d.status}: ${why(d, undefined)}` };
}
