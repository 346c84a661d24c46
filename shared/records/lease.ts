import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Superseded } from '../errors.js';
import { getState } from './admission.js';
import { isConditionFailure, type RecordsDb } from './db.js';
import { servicePk, STATE_SK } from './keys.js';
import type { Lease } from './types.js';

export interface LeaseRequest {
  service: string;
  recordId: string;
  phase: Lease['phase'];
  /** Long enough for the worst case of what the holder does; a crashed holder blocks no longer than this. */
  durationMs: number;
  /** Deployments must still be the newest push; a rollback of the current release need not. */
  mustBeNewest: boolean;
}

/** The lease a request takes if it wins; a caller that writes before trying computes it first, so a bad duration fails with nothing written. */
export function leaseFor(req: Pick<LeaseRequest, 'recordId' | 'phase' | 'durationMs'>, now: Date): Lease {
  return {
    holder: req.recordId,
    phase: req.phase,
    acquiredAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + req.durationMs).toISOString(),
  };
}

/**
 * One deployment per service at a time: a conditional write takes the lease
 * if it is free, expired or already ours. Held by another → `done: false`
 * with who holds it (the caller waits and asks again); no longer the newest →
 * Superseded.
 */
export async function acquireLease(
  r: RecordsDb,
  req: LeaseRequest,
  now: Date,
  lease: Lease = leaseFor(req, now),
): Promise<(Lease & { done: true }) | { done: false; heldBy: string }> {
  const free = '(attribute_not_exists(lease) OR lease.expiresAt < :now OR lease.holder = :me)';
  try {
    await r.db.send(
      new UpdateCommand({
        TableName: r.table,
        Key: { pk: servicePk(req.service), sk: STATE_SK },
        UpdateExpression: 'SET lease = :lease, service = :service',
        ConditionExpression: req.mustBeNewest ? `${free} AND newest.recordId = :me` : free,
        ExpressionAttributeValues: { ':lease': lease, ':now': now.toISOString(), ':me': req.recordId, ':service': req.service },
      }),
    );
    return { done: true, ...lease };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  const state = await getState(r, req.service);
  if (req.mustBeNewest && state?.newest && state.newest.recordId !== req.recordId) {
    throw new Superseded(`${req.service}: a newer image (${state.newest.recordId}) arrived while this one waited its turn`);
  }
  const held = state?.lease;
  if (!req.mustBeNewest && held) {
    throw new Superseded(`${req.service}: ${held.holder} is ${held.phase.replace('_', ' ')}; its own watch handles the service`);
  }
  // Released between the write and this read: free again, and the next look takes it.
  const heldBy = held ? `${held.holder} (${held.phase.replace('_', ' ')} until ${held.expiresAt} at the latest)` : 'a holder that has just released it';
  return { done: false, heldBy };
}

/** Gives the lease back if we still hold it; safe to call twice. */
export async function releaseLease(r: RecordsDb, service: string, recordId: string): Promise<void> {
  await r.db
    .send(
      new UpdateCommand({
        TableName: r.table,
        Key: { pk: servicePk(service), sk: STATE_SK },
        UpdateExpression: 'REMOVE lease',
        ConditionExpression: 'lease.holder = :me',
        ExpressionAttributeValues: { ':me': recordId },
      }),
    )
    .catch((error) => {
      if (!isConditionFailure(error)) throw error;
    });
}
