import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AlreadyRunning, Superseded } from '../errors.js';
import type { Release } from '../release/release.js';
import { isConditionFailure, type RecordsDb } from './db.js';
import { recordIdOf, recordSk, servicePk, STATE_SK } from './keys.js';
import type { DeploymentRecord, ServiceState } from './types.js';

export interface Admission {
  recordId: string;
  admittedAt: string;
  /** The push this one made obsolete while it was still scanning or awaiting approval. */
  supersedes?: string;
}

/**
 * The release a service runs, if it is this digest: its last good release,
 * when the last deployment agrees that it runs (deployed it, or rolled back
 * to its revision). After a failed rollback, or a rollback to something else,
 * what runs is not known from the records, and this says nothing. Pure; the
 * admission's condition expression says the same to DynamoDB.
 */
export function runningRelease(state: ServiceState | undefined, digest: string): ServiceState['lastGood'] | undefined {
  const good = state?.lastGood;
  const last = state?.lastDeployment;
  if (!good || good.digest !== digest || !last) return undefined;
  const runs = last.outcome === 'deployed' ? last.revision : last.outcome === 'rolled_back' ? last.previousRevision : undefined;
  return runs === good.revision ? good : undefined;
}

/**
 * First step of every execution: write the push's record (once, however often
 * EventBridge delivers it) and make it the service's newest push. An older
 * push still scanning or awaiting approval ends `superseded` when it next
 * looks; a push older than the newest is superseded at once. A push of the
 * image the service already runs (a new tag of its last good release) ends
 * here, AlreadyRunning, without becoming the newest: it changes nothing, and
 * a push of another image under way keeps its turn.
 */
export async function admit(r: RecordsDb, release: Release, service: string, executionName: string, now: Date): Promise<Admission> {
  const recordId = recordIdOf(release);
  const at = now.toISOString();
  const record: DeploymentRecord = {
    service,
    recordId,
    repository: release.repository,
    ...(release.tag ? { tag: release.tag } : {}),
    digest: release.digest,
    imageUri: release.imageUri,
    pushedAt: release.pushedAt,
    executionName,
    ...(release.requestedBy ? { requestedBy: release.requestedBy } : {}),
    phase: 'admitted',
    createdAt: at,
    updatedAt: at,
  };
  try {
    await r.db.send(
      new PutCommand({
        TableName: r.table,
        Item: { pk: servicePk(service), sk: recordSk(recordId), kind: 'record', ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    // A retry of this step, or the same push delivered again: the record is already there.
  }

  try {
    const out = await r.db.send(
      new UpdateCommand({
        TableName: r.table,
        Key: { pk: servicePk(service), sk: STATE_SK },
        UpdateExpression: 'SET newest = :me, service = :service',
        // Newest wins (or a retry of this very admission), and the image is not the one that runs (runningRelease).
        ConditionExpression:
          '(attribute_not_exists(newest) OR newest.pushedAt <= :pushedAt OR newest.recordId = :id) AND ' +
          '(attribute_not_exists(lastGood) OR lastGood.digest <> :digest OR newest.recordId = :id OR NOT (' +
          '(lastDeployment.outcome = :deployed AND lastDeployment.revision = lastGood.revision) OR ' +
          '(lastDeployment.outcome = :rolledBack AND lastDeployment.previousRevision = lastGood.revision)))',
        ExpressionAttributeValues: {
          ':me': { recordId, pushedAt: release.pushedAt },
          ':pushedAt': release.pushedAt,
          ':id': recordId,
          ':service': service,
          ':digest': release.digest,
          ':deployed': 'deployed',
          ':rolledBack': 'rolled_back',
        },
        ReturnValues: 'ALL_OLD',
      }),
    );
    const previous = (out.Attributes as ServiceState | undefined)?.newest;
    return { recordId, admittedAt: at, ...(previous && previous.recordId !== recordId ? { supersedes: previous.recordId } : {}) };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const state = await getState(r, service);
    const running = runningRelease(state, release.digest);
    if (running && state?.newest?.recordId !== recordId) {
      throw new AlreadyRunning(`already runs this image (last good release ${running.recordId}); a new tag deploys nothing`);
    }
    throw new Superseded(`${service}: a newer image (${state?.newest?.recordId}) was pushed before this one (${recordId}) was admitted`);
  }
}

export async function getState(r: RecordsDb, service: string): Promise<ServiceState | undefined> {
  const out = await r.db.send(new GetCommand({ TableName: r.table, Key: { pk: servicePk(service), sk: STATE_SK }, ConsistentRead: true }));
  return out.Item as ServiceState | undefined;
}

/** Throws Superseded unless `recordId` is still the service's newest push. */
export async function assertNewest(r: RecordsDb, service: string, recordId: string): Promise<void> {
  const newest = (await getState(r, service))?.newest;
  if (newest && newest.recordId !== recordId) {
    throw new Superseded(`${service}: superseded by a newer image (${newest.recordId}) before it deployed`);
  }
}

/**
 * Moves the record to `phase` (with `extra` fields), and logs the moment it
 * entered it in `phaseLog`, the deployment's step times as they happened. A
 * look that finds the record already in `phase` only updates `extra`, so
 * repeated looks log nothing. A record with its outcome is never changed.
 * True when the record entered `phase` now.
 */
export async function setPhase(
  r: RecordsDb,
  service: string,
  recordId: string,
  phase: DeploymentRecord['phase'],
  now: Date,
  extra: Record<string, unknown> = {},
): Promise<boolean> {
  const names: Record<string, string> = { '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':at': now.toISOString() };
  const sets = ['#updatedAt = :at'];
  Object.entries(extra).forEach(([k, v], i) => {
    names[`#x${i}`] = k;
    values[`:x${i}`] = v;
    sets.push(`#x${i} = :x${i}`);
  });
  const update = (expression: string, condition: string, more: { names: Record<string, string>; values: Record<string, unknown> }) =>
    r.db.send(
      new UpdateCommand({
        TableName: r.table,
        Key: { pk: servicePk(service), sk: recordSk(recordId) },
        UpdateExpression: expression,
        ConditionExpression: condition,
        ExpressionAttributeNames: { ...names, ...more.names },
        ExpressionAttributeValues: { ...values, ...more.values },
      }),
    );
  const open = 'attribute_exists(pk) AND attribute_not_exists(outcome)';
  try {
    await update(`SET ${[...sets, '#phase = :phase', '#log = list_append(if_not_exists(#log, :none), :entry)'].join(', ')}`, `${open} AND #phase <> :phase`, {
      names: { '#phase': 'phase', '#log': 'phaseLog' },
      values: { ':phase': phase, ':none': [], ':entry': [{ phase, at: now.toISOString() }] },
    });
    return true;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    // Already in this phase (or finished): the extra fields only, never a finished record.
    await update(`SET ${sets.join(', ')}`, `${open} AND #phase = :phase`, { names: { '#phase': 'phase' }, values: { ':phase': phase } }).catch((again) => {
      if (!isConditionFailure(again)) throw again;
    });
    return false;
  }
}
