import type { PlatformKey } from '../../shared/platforms/registry.js';
import type { DeploymentRecord, ServiceState } from '../../shared/records/types.js';
import type { Outcome } from '../../shared/workflow/result.js';
import { Refused } from '../errors.js';

/** Outcomes that say a release is bad: deploying it again fails the same way, unless a person insists (--force). */
export const BAD_OUTCOMES: ReadonlySet<Outcome> = new Set(['rolled_back', 'rollback_failed', 'failed', 'blocked']);

/** What a manual rollback does: from the release that runs now to `to`, its outcome written on `record` (the running release's). */
export interface RollbackChoice {
  /** The record of the release that runs now (a deployed one): the rollback's outcome amends it. */
  record: DeploymentRecord;
  /** What runs now. */
  from: string;
  /** What it goes back to. */
  to: string;
  /** The record whose release `to` is, when --to named one. */
  toRecord?: string;
  platform: PlatformKey;
}

type Lookup = (recordId: string) => Promise<DeploymentRecord | undefined>;

/**
 * Decides a rollback from the records, or refuses with the reason. What runs
 * now is the last deployment if it stayed deployed; after a rollback (by the
 * workflow, an alarm or a person) it is the last good release, not the
 * revision the last deployment registered.
 */
export async function chooseRollback(
  service: string,
  state: ServiceState | undefined,
  getRecord: Lookup,
  options: { to?: string; force: boolean },
  now: Date,
): Promise<RollbackChoice> {
  if (state?.lease && Date.parse(state.lease.expiresAt) > now.getTime()) {
    throw new Refused(
      `${service}: ${state.lease.holder} is ${state.lease.phase.replace('_', ' ')}; wait for it to end (a failed deployment rolls back by itself)`,
    );
  }
  const last = state?.lastDeployment;
  if (!last) throw new Refused(`${service}: Shipwatch has not deployed it yet, so there is nothing to roll back`);
  if (last.outcome === 'rollback_failed' && !options.force) {
    throw new Refused(
      `${service}: the last rollback (${last.recordId}) failed, so what runs is unknown; check the service, then pass --force to roll back anyway`,
    );
  }
  const runningId = last.outcome === 'deployed' ? last.recordId : state?.lastGood?.recordId;
  const record = runningId ? await getRecord(runningId) : undefined;
  if (record?.outcome !== 'deployed' || !record.revision) {
    throw new Refused(
      `${service}: no record of a deployed release that runs now (the last deployment ${last.recordId} ended ${last.outcome}); see shipwatch history ${service}`,
    );
  }
  const platform = record.platform ?? last.platform ?? 'ecs';
  const from = record.revision;

  if (!options.to) {
    if (!record.previousRevision) throw new Refused(`${service}: no release before ${record.recordId} to roll back to; name one with --to <record>`);
    return { record, from, to: record.previousRevision, platform };
  }
  const target = await getRecord(options.to);
  if (!target) throw new Refused(`${service}: no record "${options.to}" (see shipwatch history ${service})`);
  if (!target.revision)
    throw new Refused(
      `${service}: record ${options.to} ended ${target.outcome ?? 'in progress'} without deploying anything, so there is no release to go back to`,
    );
  if (target.outcome && BAD_OUTCOMES.has(target.outcome) && !options.force) {
    throw new Refused(
      `${service}: record ${options.to} ended ${target.outcome} (${target.reason ?? 'no reason recorded'}); deploying it again is likely to fail the same way. Pass --force to roll back to it anyway`,
    );
  }
  if (target.revision === from) throw new Refused(`${service}: already running ${from} (record ${options.to})`);
  return { record, from, to: target.revision, toRecord: target.recordId, platform };
}
