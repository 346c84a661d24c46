import type { ServiceConfig } from '../../shared/config/schema.js';
import { getRecord, history } from '../../shared/records/queries.js';
import type { RecordsDb } from '../../shared/records/db.js';
import type { DeploymentRecord } from '../../shared/records/types.js';
import { Refused } from '../errors.js';

/** Records looked at for a paused deployment: one deployment per service runs at a time, and a burst of pushes ends superseded. */
const RECENT = 25;

/** A deployment waiting at a pause, with the approval its promote or abort decides. */
export interface Paused {
  record: DeploymentRecord;
  approvalId: string;
}

const label = (r: DeploymentRecord) => `${r.repository}:${r.tag ?? r.digest.slice(7, 19)} (record ${r.recordId})`;

/** Where a record stands, for a refusal: `ended deployed`, `is progressing`. */
const standing = (r: DeploymentRecord) => (r.outcome ? `ended ${r.outcome}` : `is ${r.phase.replace(/_/g, ' ')}`);

function pausedOf(record: DeploymentRecord): Paused | undefined {
  if (record.outcome || record.phase !== 'awaiting_promotion' || !record.promotion?.approvalId) return undefined;
  return { record, approvalId: record.promotion.approvalId };
}

/**
 * The service's deployment waiting at a pause (a record in
 * `awaiting_promotion` whose promotion request is stored), or the one
 * `recordId` names. Refused, with where things stand, when there is none.
 */
export async function findPaused(records: RecordsDb, service: ServiceConfig, recordId: string | undefined): Promise<Paused> {
  if (recordId !== undefined) {
    const record = await getRecord(records, service.name, recordId);
    if (!record) throw new Refused(`no record ${recordId} for ${service.name} (shipwatch history ${service.name} lists them)`);
    const paused = pausedOf(record);
    if (paused) return paused;
    throw new Refused(`${service.name}: ${label(record)} ${notPausedYet(record) ?? `${standing(record)}, not paused for promotion`}; nothing was changed`);
  }
  const recent = await history(records, service.name, RECENT);
  const paused = recent.map(pausedOf).filter((p): p is Paused => p !== undefined);
  if (paused.length === 1) return paused[0]!;
  if (paused.length > 1)
    throw new Refused(`${service.name} has ${paused.length} deployments paused (${paused.map((p) => p.record.recordId).join(', ')}): pick one with --record`);
  const strategy = service.strategy;
  if (strategy.type === 'rolling' || !strategy.pause) {
    throw new Refused(
      `${service.name} never pauses (strategy ${strategy.type}${strategy.type === 'rolling' ? '' : ' without pause: true'}): there is nothing to promote or abort`,
    );
  }
  const inFlight = recent.find((r) => !r.outcome);
  if (inFlight)
    throw new Refused(
      `nothing of ${service.name} is paused for promotion: ${label(inFlight)} ${notPausedYet(inFlight) ?? standing(inFlight)}; nothing was changed`,
    );
  const newest = recent[0];
  throw new Refused(
    `nothing of ${service.name} is paused for promotion${newest ? `: the newest deployment, ${label(newest)}, ${standing(newest)}` : ': it has no deployments yet'}; nothing was changed`,
  );
}

/** A record that is pausing but whose promotion request is not stored yet (the moment between the look and the request). */
function notPausedYet(record: DeploymentRecord): string | undefined {
  if (record.outcome || record.phase !== 'awaiting_promotion' || record.promotion?.approvalId) return undefined;
  return 'is pausing, but its promotion request is not stored yet: try again in a few seconds';
}
