import type { Service } from '@aws-sdk/client-ecs';
import type { RolloutStatus } from '../rollout.js';

/**
 * Pure: where ECS deployment `deploymentId` stands. `revertRevision` is the
 * task definition a rollback would return to: if ECS made a deployment of it
 * PRIMARY, the circuit breaker (or a person) already rolled back.
 */
export function ecsRolloutStatus(service: Service, deploymentId: string, revertRevision: string, since?: Date): RolloutStatus {
  const deployments = service.deployments ?? [];
  const ours = deployments.find((d) => d.id === deploymentId);
  const primary = deployments.find((d) => d.status === 'PRIMARY');

  if (ours && ours.status === 'PRIMARY') {
    const counts = `${ours.runningCount ?? 0}/${ours.desiredCount ?? 0} tasks running, ${ours.failedTasks ?? 0} failed`;
    if (ours.rolloutState === 'COMPLETED') return { state: 'completed', detail: `${deploymentId} completed: ${counts}` };
    if (ours.rolloutState === 'FAILED') {
      return { state: 'failed', reason: `${ours.rolloutStateReason ?? `ECS deployment ${deploymentId} failed`} (${counts})` };
    }
    // Services from before rollout states: done when it is the only deployment and fully running.
    if (!ours.rolloutState && deployments.length === 1 && (ours.runningCount ?? 0) === (ours.desiredCount ?? -1)) {
      return { state: 'completed', detail: `${deploymentId} steady: ${counts}` };
    }
    return { state: 'in_progress', detail: `${deploymentId} ${ours.rolloutState ?? 'in progress'}: ${counts}` };
  }

  if (primary && primary.id !== deploymentId) {
    // DescribeServices is eventually consistent: right after UpdateService it may
    // still show the deployment we replaced. Only a deployment created after ours
    // started can be a rollback of it, or someone else's.
    if (!ours && since && primary.createdAt && new Date(primary.createdAt).getTime() < since.getTime()) {
      return { state: 'in_progress', detail: `${deploymentId} not visible yet` };
    }
    if (primary.taskDefinition === revertRevision) {
      const why = ours?.rolloutStateReason ?? `ECS deployment ${deploymentId} was rolled back`;
      return { state: 'failed', reason: `${why}; ECS is rolling back in ${primary.id}`, ...(primary.id ? { rollingBackId: primary.id } : {}) };
    }
    return { state: 'superseded', by: `${primary.id} (${primary.taskDefinition})` };
  }
  return { state: 'in_progress', detail: `${deploymentId} not visible yet` };
}
