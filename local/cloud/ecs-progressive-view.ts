import type { Deployment } from '@aws-sdk/client-ecs';
import type { ProgressiveState, SimServiceDeployment } from './ecs-deployment-types.js';
import { isRollingBack } from './ecs-deployments.js';

/**
 * What DescribeServices shows of a service whose last deployment went through
 * ECS's canary, linear or blue/green engine: its task definition and its
 * `deployments` (PRIMARY the revision ECS is moving to, ACTIVE the one it
 * replaces), with the current service deployment's ARN. While ECS rolls back,
 * the source revision is PRIMARY again, as after a circuit-breaker rollback.
 */
export function progressiveView(
  state: ProgressiveState,
  desiredCount: number,
  initialId: string,
): { taskDefinition: string; deployments: Deployment[]; currentServiceDeployment?: string } {
  const latest = state.deployments.at(-1);
  const entry = (
    id: string,
    status: 'PRIMARY' | 'ACTIVE',
    taskDefinition: string,
    rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED',
    d: SimServiceDeployment | undefined,
    reason: string,
  ): Deployment => ({
    id,
    status,
    taskDefinition,
    desiredCount: status === 'PRIMARY' ? desiredCount : 0,
    pendingCount: rolloutState === 'IN_PROGRESS' && status === 'PRIMARY' ? desiredCount : 0,
    runningCount: rolloutState === 'FAILED' ? 0 : desiredCount,
    failedTasks: 0,
    createdAt: new Date(d?.createdAt ?? state.revision.createdAt),
    updatedAt: new Date(d?.updatedAt ?? state.revision.createdAt),
    launchType: 'FARGATE',
    rolloutState,
    rolloutStateReason: reason,
  });
  if (!latest)
    return {
      taskDefinition: state.revision.taskDefinition,
      deployments: [entry(initialId, 'PRIMARY', state.revision.taskDefinition, 'COMPLETED', undefined, `ECS deployment ${initialId} completed.`)],
    };
  const { source, target } = latest;
  const sourceId = `${latest.legacyId}-source`;
  const current = { currentServiceDeployment: latest.arn };
  switch (latest.status) {
    case 'SUCCESSFUL':
      return {
        taskDefinition: target.taskDefinition,
        deployments: [entry(latest.legacyId, 'PRIMARY', target.taskDefinition, 'COMPLETED', latest, `ECS deployment ${latest.legacyId} completed.`)],
        ...current,
      };
    case 'ROLLBACK_SUCCESSFUL':
    case 'ROLLBACK_FAILED':
    case 'STOPPED':
      return {
        taskDefinition: source.taskDefinition,
        deployments: [
          entry(sourceId, 'PRIMARY', source.taskDefinition, latest.status === 'ROLLBACK_FAILED' ? 'FAILED' : 'COMPLETED', latest, latest.statusReason ?? ''),
        ],
        ...current,
      };
    default:
      if (isRollingBack(latest)) {
        return {
          taskDefinition: source.taskDefinition,
          deployments: [
            entry(sourceId, 'PRIMARY', source.taskDefinition, 'IN_PROGRESS', latest, `ECS deployment rolling back: ${latest.statusReason ?? ''}`),
            entry(latest.legacyId, 'ACTIVE', target.taskDefinition, 'FAILED', latest, latest.statusReason ?? ''),
          ],
          ...current,
        };
      }
      return {
        taskDefinition: target.taskDefinition,
        deployments: [
          entry(latest.legacyId, 'PRIMARY', target.taskDefinition, 'IN_PROGRESS', latest, `ECS deployment ${latest.legacyId} in progress.`),
          entry(sourceId, 'ACTIVE', source.taskDefinition, 'COMPLETED', latest, 'ECS deployment completed.'),
        ],
        ...current,
      };
  }
}
