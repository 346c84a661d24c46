import { randomUUID } from 'node:crypto';
import { setPhase } from '../records/admission.js';
import { dynamoApprovals } from '../records/approvals.js';
import type { RecordsDb } from '../records/db.js';
import { channelFor, postMessage, updateMessage } from '../slack/live-message.js';
import { viewOf } from './view.js';
import type { Approval } from '../slack/interaction.js';
import { requireRecordId, type WorkflowState } from './state.js';

/**
 * The state machine waits (`.waitForTaskToken`) while a person decides. The
 * token is stored server-side under a random approval id; the Slack buttons
 * carry only that id. The message turns into the approval request in place.
 */
export async function requestApproval(
  records: RecordsDb,
  taskToken: string,
  state: WorkflowState,
  now: Date,
  pause?: { detail: string },
): Promise<{ approvalId: string; expiresAt: string }> {
  const policy = state.service.approval;
  if (!policy) throw new Error(`${state.service.name} has no approval policy: the state machine asked for an approval it does not need`);
  const recordId = requireRecordId(state);
  const approvalId = randomUUID();
  const expiresAt = new Date(now.getTime() + policy.timeoutMinutes * 60_000).toISOString();
  // A pause of a progressive deployment is the same request, for promotion: the same approvers, buttons Promote and Abort.
  const view = viewOf(state, pause ? 'awaiting_promotion' : 'awaiting_approval', {
    approval: { approvalId, approvers: policy.approvers, expiresAt },
    ...(pause ? { promotion: true, health: pause.detail } : {}),
  });
  // Normally Admit posted the message already; if Slack was down then, try once more now.
  const slack = state.admission?.slack ?? (await postMessage(channelFor(state.service, true), view));
  const approval: Approval = {
    approvalId,
    taskToken,
    service: state.service.name,
    recordId,
    channel: slack?.channel ?? policy.channel,
    ...(slack ? { messageTs: slack.ts } : {}),
    approvers: policy.approvers,
    allowSelfApproval: policy.allowSelfApproval,
    expiresAt,
    view,
    pushedAt: state.release.pushedAt,
    ...(state.release.requestedBy ? { requestedBy: state.release.requestedBy } : {}),
  };
  await dynamoApprovals(records).create(approval);
  await setPhase(
    records,
    state.service.name,
    recordId,
    pause ? 'awaiting_promotion' : 'awaiting_approval',
    now,
    pause ? { promotion: { approvalId } } : { approval: { approvalId } },
  );
  if (state.admission?.slack) await updateMessage(slack, view);
  return { approvalId, expiresAt };
}
