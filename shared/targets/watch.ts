import { NotYet, RollbackFailed, RolloutFailed, Superseded } from '../errors.js';
import type { PollSeconds } from '../errors.js';
import type { DeployTarget } from './target.js';

export interface WatchResult {
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
 * timeout fails too; someone else's deployment ends it as superseded.
 */
export async function watchRollout(
  target: DeployTarget,
  watched: Watched,
  limits: { pollSeconds: PollSeconds; timeoutMinutes: number },
  phase: 'rollout' | 'rollback',
  now: Date,
): Promise<WatchResult> {
  const status = await target.status({ deploymentId: watched.deploymentId, revision: watched.revision, revertRevision: watched.revertRevision, since: new Date(watched.startedAt) });
  const Failure = phase === 'rollout' ? RolloutFailed : RollbackFailed;
  switch (status.state) {
    case 'completed':
      return { completedAt: now.toISOString(), detail: status.detail };
    case 'failed':
      throw new Failure(`${phase} on ${target.label} failed: ${status.reason}`);
    case 'superseded':
      throw new Superseded(`${target.label} now runs ${status.by}; the ${phase} was replaced by someone else's deployment`);
    case 'in_progress': {
      const minutes = (now.getTime() - Date.parse(watched.startedAt)) / 60_000;
      if (minutes >= limits.timeoutMinutes) {
        throw new Failure(`${phase} on ${target.label} still in progress after ${limits.timeoutMinutes} minutes (${status.detail})`);
      }
      throw new NotYet(`${phase} on ${target.label}: ${status.detail}`, limits.pollSeconds);
    }
  }
}
