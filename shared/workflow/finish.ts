import { logger } from '../lambda/logger.js';
import type { RecordsDb } from '../records/db.js';
import { appendEvent, recordOutcome } from '../records/outcome.js';
import { recordIdOf } from '../records/keys.js';
import { getRecord } from '../records/queries.js';
import { channelFor, postMessage, updateMessage, type SlackRef } from '../slack/live-message.js';
import { viewOf } from './view.js';
import { buildResult, type DeploymentResult, type Outcome } from './result.js';
import { deploymentOf, type WorkflowState } from './state.js';

/**
 * The end of every execution: the one outcome on the push's record, the
 * service's lease given back, the Slack message in its final state. A failed
 * rollback is also posted as a new message, because an update notifies nobody.
 */
export async function finishDeployment(
  records: RecordsDb,
  outcome: Outcome,
  state: WorkflowState,
  executionStartedAt: string,
  now: Date,
): Promise<DeploymentResult> {
  const result = buildResult(outcome, state, executionStartedAt, now);
  let slack: SlackRef | undefined = state.admission?.slack;
  // A push superseded or failed at admission has no `admission` in its state,
  // yet it has its record (or must get one): the record id is derived from the
  // release alone, so the outcome is written either way.
  const recordId = state.admission?.recordId ?? (state.mode === 'rollback' ? undefined : recordIdOf(state.release));
  if (recordId) {
    if (state.mode === 'rollback') slack ??= (await getRecord(records, state.service.name, recordId))?.slack;
    if (state.mode === 'rollback' && outcome === 'superseded') {
      // A rollback that found a deployment in flight leaves the record as it was.
      await appendEvent(records, state.service.name, recordId, `rollback not started: ${result.reason}`, now);
      return result;
    }
    const platform = deploymentOf(state)?.platform;
    await recordOutcome(records, recordId, result, now, { amend: state.mode === 'rollback', ...(platform ? { platform } : {}) });
  }
  const view = viewOf(state, outcome, {
    reason: result.reason,
    ...(result.blockingFindings ? { findings: result.blockingFindings as { id: string; severity: string }[] } : {}),
    ...(result.approval && result.approval.by !== 'timeout' ? { decision: result.approval } : {}),
  });
  await updateMessage(slack, view);
  if (outcome === 'rollback_failed') {
    logger.error('ROLLBACK FAILED: the service may be running a broken release', { result: { ...result } });
    await postMessage(slack?.channel ?? channelFor(state.service, false), view);
  }
  return result;
}
