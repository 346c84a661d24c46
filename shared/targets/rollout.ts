import type { PlatformKey } from '../platforms/registry.js';

/** What a target reports about one deployment, whatever the platform (ECS deployment, Kubernetes rollout). */
export type RolloutStatus =
  | { state: 'completed'; detail: string }
  | { state: 'in_progress'; detail: string }
  /** `rollingBackId`: the platform already started its own rollback (ECS circuit breaker); watch it, do not start another. */
  | { state: 'failed'; reason: string; rollingBackId?: string }
  | { state: 'superseded'; by: string };

/** What the workflow remembers of a deployment it started. */
export interface Deployment {
  platform: PlatformKey;
  /** ECS: task-definition ARN the service ran before. */
  previousRevision: string;
  /** ECS: task-definition ARN registered for this release. */
  revision: string;
  /** ECS: the deployment id UpdateService created. */
  deploymentId: string;
  startedAt: string;
  /** The service already ran exactly this digest; nothing was changed. */
  alreadyRunning: boolean;
  /** Alarms already in ALARM when a fix-forward release deployed: judged at the end of the bake, not during it. */
  firingAtDeploy?: string[] | undefined;
}

/** The deployment a rollback started (or adopted). */
export interface RollbackStart {
  revision: string;
  deploymentId: string;
  startedAt: string;
  /** True when the platform's own rollback (or an earlier attempt of ours) was already under way. */
  adopted: boolean;
}
