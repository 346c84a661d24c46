import type { Release } from '../release/release.js';
import type { ProgressiveTarget } from './progressive.js';
import type { Deployment, RollbackStart, RolloutStatus } from './rollout.js';

/** What is being watched: a deployment to `revision`, which a rollback would undo back to `revertRevision`. */
export interface Watch {
  deploymentId: string;
  revision: string;
  revertRevision: string;
  /** When it started: an older deployment can be neither a rollback of it nor someone else's newer one. */
  since: Date;
}

/**
 * The one place the platform differs. Everything else (scan, approval, bake,
 * records) is the same for every target; a new platform is one more
 * implementation of this interface.
 */
export interface DeployTarget {
  /** For messages: "ECS service prod/web". */
  readonly label: string;
  /** The event keys (waits/keys.ts) that announce a change to this target's deployments; none where the platform sends no events (EKS). */
  readonly wakeKeys: string[];
  deploy(release: Release, now: Date): Promise<Deployment>;
  /** One look at a deployment (ours, or our rollback). */
  status(watch: Watch): Promise<RolloutStatus>;
  /** Return to `revision`, or adopt a rollback to it that is already under way. Safe to call twice. */
  rollback(revision: string, now: Date): Promise<RollbackStart>;
  /** Present when the service's strategy is progressive (canary, linear, blueGreen): `deploy` started its first step. */
  readonly progressive?: ProgressiveTarget;
}
