import { RollbackFailed, RolloutFailed, Superseded } from '../errors.js';
import { pending, type Pending } from '../waits/look.js';
import type { DeployTarget } from './target.js';

export interface WatchResult {
  done: true;
  completedAt: string;
  detail: string;
}

export interface Watched {
  deploymentId: string;
  startedAt: string;
  /** What the deployment installs. */
  revision: string;
  /** The revision a rollback of this deployment would go back to. */
  revertRevision: string;
}

/**
 * One look at a rollout (ours, or our rollback). FAILED fails at once (no
 * waiting out a timeout after the platform gave up); still going after the
 * timeout fails too; someone else's deployment ends it as superseded; still
 * going is `pending`, with when to look again.
 */
export async function watchRollout(
  target: DeployTarget,
  watched: Watched,
  limits: { pollSeconds: number; fallbackSeconds: number; timeoutMinutes: number },
  phase: 'rollout' | 'rollback',
  now: Date,
): Promise<WatchResult | Pending> {
  const status = await target.status({
    deploymentId: watched.deploymentId,
    revision: watched.revision,
    revertRevision: watched.revertRevision,
    since: new Date(watched.startedAt),
  });
  const Failure = phase === 'rollout' ? RolloutFailed : RollbackFailed;
  switch (status.state) {
    case 'completed':
      return { done: true, completedAt: now.toISOString(), detail: status.detail };
    case 'failed':
      throw new Failure(`${phase} on ${target.label} failed: ${status.reason}`);
    case 'superseded':
      throw new Superseded(`${target.label} now runs ${status.by}; the ${phase} was replaced by someone else's deployment`);
    case 'in_progress': {
      const minutes = (now.getTime() - Date.parse(watched.startedAt)) / 60_000;
      if (minutes >= limits.timeoutMinutes) {
        throw new Failure(`${phase} on ${target.label} still in progress after ${limits.timeoutMinutes} minutes (${status.detail})`);
      }
      // Where the platform announces its deployments (ECS), an event ends the wait and the
      // fallback only covers a lost one; elsewhere (EKS) the next look is the poll.
      const remaining = limits.timeoutMinutes * 60 - (now.getTime() - Date.parse(watched.startedAt)) / 1000;
      const wake = target.wakeKeys;
      return pending(
        `${phase} on ${target.label}: ${status.detail}`,
        Math.min(wake.length > 0 ? limits.fallbackSeconds : limits.pollSeconds, remaining),
        now,
        wake,
      );
    }
  }
}
