import { describe, expect, it } from 'vitest';
import { parseEcrPushEvent } from '../../shared/events/ecr-push.js';
import { admit, getState } from '../../shared/records/admission.js';
import type { RecordsDb } from '../../shared/records/db.js';
import { acquireLease } from '../../shared/records/lease.js';
import { recordOutcome } from '../../shared/records/outcome.js';
import { getRecord } from '../../shared/records/queries.js';
import { releaseFromPush } from '../../shared/release/release.js';
import type { DeploymentResult } from '../../shared/lifecycle/outcomes.js';
import { fixture } from '../support/fixtures.js';
import { freshRecordsTable, useLocalDynamo } from '../support/records.js';

// Finish is retried when one of its writes fails. The outcome is written by
// the first try; the retry must still give the lease back and move lastGood,
// or the service stays locked (an alarm after the deploy was then ignored as
// "deploying") until the lease expires. Found by the seeded fault run.

useLocalDynamo();

const release = releaseFromPush(parseEcrPushEvent(fixture('eventbridge-ecr-image-action-push-success')));
const NOW = new Date('2026-05-10T12:00:00.000Z');

/** The table, with the lease release failing once, as an injected fault would. */
function failingLeaseReleaseOnce(records: RecordsDb): RecordsDb {
  let failed = false;
  const send = records.db.send.bind(records.db) as (command: unknown) => Promise<unknown>;
  const db = new Proxy(records.db, {
    get: (target, key) =>
      key === 'send'
        ? (command: { input?: { UpdateExpression?: string } }) => {
            if (!failed && command.input?.UpdateExpression === 'REMOVE lease') {
              failed = true;
              return Promise.reject(Object.assign(new Error('Request timed out'), { name: 'RequestTimeout', $metadata: {} }));
            }
            return send(command);
          }
        : Reflect.get(target, key),
  });
  return { ...records, db };
}

describe('recordOutcome, retried', () => {
  it('writes the outcome once and, on the retry, gives back the lease the first try could not', async () => {
    // Prepare
    const records = await freshRecordsTable();
    const { recordId } = await admit(records, release, 'web', 'exec-1', NOW);
    await acquireLease(records, { service: 'web', recordId, phase: 'deploying', durationMs: 85 * 60_000, mustBeNewest: true }, NOW);
    const result: DeploymentResult = {
      service: 'web',
      repository: release.repository,
      digest: release.digest,
      imageUri: release.imageUri,
      outcome: 'deployed',
      reason: 'deployed, healthy through the bake',
      previousRevision: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7',
      revision: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:8',
      steps: [],
      startedAt: NOW.toISOString(),
      finishedAt: NOW.toISOString(),
    };
    const flaky = failingLeaseReleaseOnce(records);

    // Act
    await expect(recordOutcome(flaky, recordId, result, NOW)).rejects.toThrow('Request timed out');
    const lockedAfterFirstTry = (await getState(records, 'web'))?.lease;
    const retried = await recordOutcome(flaky, recordId, result, new Date(NOW.getTime() + 2_000));

    // Assess
    expect(lockedAfterFirstTry?.holder).toBe(recordId);
    expect(retried).toBe(true);
    const state = await getState(records, 'web');
    expect(state?.lease).toBeUndefined();
    expect(state?.lastGood).toMatchObject({ recordId, revision: result.revision });
    const record = await getRecord(records, 'web', recordId);
    expect(record?.events?.filter((e) => e.what.startsWith('deployed:'))).toHaveLength(1);
  });

  it('leaves a different outcome alone: not written, and says so', async () => {
    const records = await freshRecordsTable();
    const { recordId } = await admit(records, release, 'web', 'exec-2', NOW);
    const base = {
      service: 'web',
      repository: release.repository,
      digest: release.digest,
      imageUri: release.imageUri,
      steps: [],
      startedAt: NOW.toISOString(),
      finishedAt: NOW.toISOString(),
    };
    await recordOutcome(records, recordId, { ...base, outcome: 'failed', reason: 'closed by the closer' }, NOW);

    expect(await recordOutcome(records, recordId, { ...base, outcome: 'deployed', reason: 'late Finish' }, NOW)).toBe(false);
    expect((await getRecord(records, 'web', recordId))?.outcome).toBe('failed');
  });
});
