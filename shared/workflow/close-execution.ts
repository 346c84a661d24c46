import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import * as v from 'valibot';
import '../validation/messages.js';
import { object } from '../validation/object.js';
import type { SfnStatusEvent } from '../events/sfn-status.js';
import { logger } from '../lambda/logger.js';
import type { RecordsDb } from '../records/db.js';
import { recordIdOf } from '../records/keys.js';
import { releaseLease } from '../records/lease.js';
import { closeUnfinished } from '../records/outcome.js';
import { getRecord } from '../records/queries.js';
import { finishDeployment } from './finish.js';
import { OUTCOMES } from './result.js';
import { workflowStateEntries, type WorkflowState } from './state.js';

/** The Fail state the deploy workflow ends in when its Finish step could not record the outcome. */
export const OUTCOME_NOT_RECORDED = 'Shipwatch.OutcomeNotRecorded';
const notRecordedCause = object({ ...workflowStateEntries, outcome: v.picklist(OUTCOMES) });

export interface Closed {
  execution: string;
  recordId: string;
  closed: boolean;
  /** The outcome the closer wrote. */
  outcome?: string;
}

/**
 * An execution ended (failed, timed out, aborted) and its record may have no
 * outcome. A record that has one is left alone. An execution that ended in
 * OutcomeNotRecorded knew its outcome (deployed, rolled back, a failed
 * rollback…) and carries its whole state in the cause: that outcome is
 * recorded as Finish would have, Slack and the @here post of a failed rollback
 * included. Anything else ended before it knew: `failed`, with the error.
 */
export async function closeExecution(
  deps: { records: RecordsDb; sfn: SFNClient },
  event: SfnStatusEvent,
  input: Pick<WorkflowState, 'release' | 'service' | 'admission'>,
  now: Date,
): Promise<Closed> {
  const { status, name, executionArn } = event.detail;
  const { release, service, admission } = input;
  const recordId = admission?.recordId ?? recordIdOf(release);
  if ((await getRecord(deps.records, service.name, recordId))?.outcome) {
    // A rollback run on a deployed release ends on a record that has its outcome; its lease must still go.
    await releaseLease(deps.records, service.name, recordId);
    return { execution: name, recordId, closed: false };
  }
  const startedAt = new Date(event.detail.startDate).toISOString();

  // The status change event carries neither error nor cause; DescribeExecution does (cause up to 32 KB).
  let error = event.detail.error ?? undefined;
  if (status === 'FAILED') {
    const described = await deps.sfn.send(new DescribeExecutionCommand({ executionArn }));
    error = described.error ?? error;
    if (described.error === OUTCOME_NOT_RECORDED) {
      const state = parseCause(described.cause);
      if (state) {
        const result = await finishDeployment(deps.records, state.outcome, state, startedAt, now);
        logger.warn('the workflow could not record its outcome; the closer did', { execution: name, outcome: result.outcome });
        return { execution: name, recordId, closed: true, outcome: result.outcome };
      }
      logger.error('OutcomeNotRecorded without a readable state in its cause; recording failed', { execution: name });
    }
  }
  const closed = await closeUnfinished(
    deps.records,
    {
      service: service.name,
      recordId,
      repository: release.repository,
      digest: release.digest,
      imageUri: release.imageUri,
      ...(release.tag ? { tag: release.tag } : {}),
      startedAt,
      status,
      ...(error ? { error } : {}),
    },
    now,
  );
  return { execution: name, recordId, closed, ...(closed ? { outcome: 'failed' } : {}) };
}

function parseCause(cause: string | undefined): v.InferOutput<typeof notRecordedCause> | undefined {
  try {
    const parsed = v.safeParse(notRecordedCause, JSON.parse(cause ?? ''));
    return parsed.success ? parsed.output : undefined;
  } catch {
    return undefined;
  }
}
