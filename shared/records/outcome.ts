import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeploymentResult } from '../lifecycle/outcomes.js';
import type { PlatformKey } from '../platforms/registry.js';
import { isConditionFailure, type RecordsDb } from './db.js';
import { releaseLease } from './lease.js';
import { recordSk, servicePk, STATE_SK } from './keys.js';
import { getRecord, history } from './queries.js';

/**
 * Writes a push's one terminal outcome. `amend` is for the only outcome that
 * may follow another: a release recorded `deployed` that an alarm rolled back
 * after the workflow ended. Safe to run twice: the outcome is written once, and a
 * retry finishes the follow-ups (lastGood, the lease) an earlier try left undone.
 */
export async function recordOutcome(
  r: RecordsDb,
  recordId: string,
  result: DeploymentResult,
  now: Date,
  options: { amend?: boolean; platform?: PlatformKey } = {},
): Promise<boolean> {
  const at = now.toISOString();
  const condition = options.amend ? 'outcome = :deployed' : 'attribute_not_exists(outcome)';
  let written = true;
  await r.db
    .send(
      new UpdateCommand({
        TableName: r.table,
        Key: { pk: servicePk(result.service), sk: recordSk(recordId) },
        UpdateExpression:
          'SET outcome = :outcome, reason = :reason, #result = :result, phase = :done, updatedAt = :at, service = :service, recordId = :id, repository = :repo, digest = :digest, imageUri = :uri, pushedAt = if_not_exists(pushedAt, :started), createdAt = if_not_exists(createdAt, :at), events = list_append(if_not_exists(events, :none), :event)' +
          (result.revision ? ', revision = :rev, previousRevision = :prev' : '') +
          (options.platform ? ', platform = :platform' : ''),
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#result': 'result' },
        ExpressionAttributeValues: {
          ':outcome': result.outcome,
          ':reason': result.reason,
          ':result': result,
          ':done': 'done',
          ':at': at,
          ':service': result.service,
          ':id': recordId,
          ':repo': result.repository,
          ':digest': result.digest,
          ':uri': result.imageUri,
          ':started': result.startedAt,
          ':none': [],
          ':event': [{ at, what: `${result.outcome}: ${result.reason}` }],
          ...(options.amend ? { ':deployed': 'deployed' } : {}),
          ...(result.revision ? { ':rev': result.revision, ':prev': result.previousRevision } : {}),
          ...(options.platform ? { ':platform': options.platform } : {}),
        },
      }),
    )
    .catch(async (error) => {
      if (!isConditionFailure(error)) throw error;
      // Already there. If it is this very outcome, an earlier try of this call wrote it and then
      // failed on what follows (Finish is retried): finish that, or the lease and lastGood stay stale.
      const existing = await getRecord(r, result.service, recordId);
      written = existing?.outcome === result.outcome && existing.reason === result.reason;
    });
  if (!written) return false;

  if (options.amend && result.outcome === 'rolled_back' && result.previousRevision) {
    // The release this alarm rolled back is no longer the last good one: the one before it is.
    const before = (await history(r, result.service, 50)).find(
      (rec) => rec.recordId !== recordId && rec.outcome === 'deployed' && rec.revision === result.previousRevision,
    );
    await r.db.send(
      new UpdateCommand({
        TableName: r.table,
        Key: { pk: servicePk(result.service), sk: STATE_SK },
        UpdateExpression: 'SET lastGood = :good',
        ExpressionAttributeValues: {
          ':good': before
            ? { recordId: before.recordId, revision: result.previousRevision, imageUri: before.imageUri, digest: before.digest, deployedAt: before.updatedAt }
            : { recordId: 'unknown', revision: result.previousRevision, imageUri: 'unknown', digest: 'unknown', deployedAt: at },
        },
      }),
    );
  }

  const last = {
    recordId,
    outcome: result.outcome,
    finishedAt: at,
    ...(result.revision ? { revision: result.revision, previousRevision: result.previousRevision } : {}),
    ...(options.platform ? { platform: options.platform } : {}),
  };
  const deployed = result.outcome === 'deployed' && result.revision;
  const changed = deployed || result.outcome === 'rolled_back' || result.outcome === 'rollback_failed';
  if (changed) {
    await r.db.send(
      new UpdateCommand({
        TableName: r.table,
        Key: { pk: servicePk(result.service), sk: STATE_SK },
        UpdateExpression: deployed ? 'SET lastDeployment = :last, lastGood = :good' : 'SET lastDeployment = :last',
        ExpressionAttributeValues: {
          ':last': last,
          ...(deployed ? { ':good': { recordId, revision: result.revision, imageUri: result.imageUri, digest: result.digest, deployedAt: at } } : {}),
        },
      }),
    );
  }
  await releaseLease(r, result.service, recordId);
  return true;
}

/**
 * Notes something that happened to a record after its outcome (an alarm
 * outside the guard window, say). With `once`, the note is written only the
 * first time for that key (one per alarm transition, however often the event
 * is delivered); the keys are kept on the record. False when already noted.
 */
export async function appendEvent(r: RecordsDb, service: string, recordId: string, what: string, now: Date, options: { once?: string } = {}): Promise<boolean> {
  const key = { pk: servicePk(service), sk: recordSk(recordId) };
  const { once } = options;
  try {
    await r.db.send(
      new UpdateCommand({
        TableName: r.table,
        Key: key,
        UpdateExpression: `SET events = list_append(if_not_exists(events, :none), :event), updatedAt = :at${once ? ', noted = list_append(if_not_exists(noted, :none), :keys)' : ''}`,
        ConditionExpression: once ? 'attribute_exists(pk) AND NOT contains(noted, :key)' : 'attribute_exists(pk)',
        ExpressionAttributeValues: {
          ':none': [],
          ':event': [{ at: now.toISOString(), what }],
          ':at': now.toISOString(),
          ...(once ? { ':keys': [once], ':key': once } : {}),
        },
      }),
    );
    return true;
  } catch (error) {
    // The same condition refuses a missing record: that one is still an error.
    if (once && isConditionFailure(error) && (await getRecord(r, service, recordId))) return false;
    throw error;
  }
}

/**
 * For the Step Functions status-change rule: an execution that ended (failed,
 * timed out, aborted) without writing its outcome gets one now, and gives the
 * service back. A record that already has its outcome is left alone.
 */
export async function closeUnfinished(
  r: RecordsDb,
  closing: {
    service: string;
    recordId: string;
    repository: string;
    digest: string;
    imageUri: string;
    tag?: string;
    startedAt: string;
    status: string;
    error?: string;
  },
  now: Date,
): Promise<boolean> {
  const reason = `the execution ended ${closing.status} before it recorded an outcome${closing.error ? ` (${closing.error})` : ''}`;
  const result: DeploymentResult = {
    service: closing.service,
    repository: closing.repository,
    ...(closing.tag ? { tag: closing.tag } : {}),
    digest: closing.digest,
    imageUri: closing.imageUri,
    outcome: 'failed',
    reason,
    steps: [],
    startedAt: closing.startedAt,
    finishedAt: now.toISOString(),
  };
  const written = await recordOutcome(r, closing.recordId, result, now);
  // recordOutcome gives the lease back when it writes; a record that already had
  // its outcome (a rollback run on a deployed release) still must not hold the service.
  if (!written) await releaseLease(r, closing.service, closing.recordId);
  return written;
}
