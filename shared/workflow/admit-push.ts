import type { SFNClient } from '@aws-sdk/client-sfn';
import { admit, setPhase, type Admission } from '../records/admission.js';
import type { RecordsDb } from '../records/db.js';
import { supersedeWaitingApproval } from '../records/supersede-approval.js';
import { requiresApproval } from '../slack/approval-policy.js';
import { channelFor, postMessage, type SlackRef } from '../slack/live-message.js';
import { viewOf } from './view.js';
import type { WorkflowState } from './state.js';

export interface AdmitResult extends Admission {
  needsApproval: boolean;
  /** For the approval state's TimeoutSecondsPath. */
  approvalTimeoutSeconds: number;
  slack?: SlackRef;
}

/**
 * The first step of a push: its record and its claim to be the newest push
 * (records), whether it needs a person's approval (policy), its one Slack
 * message, and the end of an older push still waiting for approval.
 */
export async function admitPush(deps: { records: RecordsDb; sfn: SFNClient }, state: WorkflowState, executionName: string, now: Date): Promise<AdmitResult> {
  const { service, release } = state;
  const admission = await admit(deps.records, release, service.name, executionName, now);
  const needsApproval = service.approval ? requiresApproval(service.approval, release.tag) : false;
  const slack = await postMessage(channelFor(service, needsApproval), viewOf(state, 'scanning'));
  if (slack) await setPhase(deps.records, service.name, admission.recordId, 'admitted', now, { slack });
  if (admission.supersedes) await supersedeWaitingApproval(deps.records, deps.sfn, service.name, admission.supersedes, admission.recordId);
  return {
    ...admission,
    needsApproval,
    approvalTimeoutSeconds: (service.approval?.timeoutMinutes ?? 60) * 60,
    ...(slack ? { slack } : {}),
  };
}
