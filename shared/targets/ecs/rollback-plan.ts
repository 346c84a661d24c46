import type { Deployment, Service } from '@aws-sdk/client-ecs';

/** How to return a service to a revision: follow a deployment already under way, or send UpdateService. */
export type RollbackPlan = { adopt: string } | { update: { forceNewDeployment: boolean } };

export const primaryOf = (service: Service | undefined): Deployment | undefined => service?.deployments?.find((d) => d.status === 'PRIMARY');

/**
 * Pure: adopt a deployment already under way only when it goes to exactly
 * `revision` and is really in progress (ECS's circuit-breaker rollback, or
 * our own earlier attempt whose answer was lost). Anything else gets an
 * UpdateService: a deployment of that revision that FAILED launches no new
 * tasks (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html)
 * and is no rollback, and because ECS starts no deployment for the task
 * definition a service already has unless it is forced (`forceNewDeployment`,
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html),
 * that case forces one. A COMPLETED one needs nothing new: UpdateService
 * changes nothing and answers with it.
 */
export function rollbackPlan(service: Service, revision: string): RollbackPlan {
  const primary = primaryOf(service);
  if (primary?.id && primary.taskDefinition === revision && primary.rolloutState === 'IN_PROGRESS') return { adopt: primary.id };
  return { update: { forceNewDeployment: primary?.taskDefinition === revision && primary.rolloutState === 'FAILED' } };
}

/**
 * The id of the PRIMARY deployment when it runs `revision`, the one Shipwatch
 * registered or rolls back to; undefined otherwise: a deployment that runs
 * anything else is not ours to follow.
 */
export function primaryRunning(service: Service | undefined, revision: string): string | undefined {
  const primary = primaryOf(service);
  return primary?.id && primary.taskDefinition === revision ? primary.id : undefined;
}

/** For messages: "ecs-svc/123 (…:task-definition/web:8, FAILED)", or "none". */
export function describePrimary(service: Service | undefined): string {
  const primary = primaryOf(service);
  return primary ? `${primary.id ?? '(no id)'} (${primary.taskDefinition ?? 'no task definition'}, ${primary.rolloutState ?? 'no rollout state'})` : 'none';
}
