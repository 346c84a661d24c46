import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';

// How a waiting approval is decided, wherever the decision comes from (a
// Slack button, the dashboard): the same checks, the same conditional write,
// the same SendTaskSuccess or SendTaskFailure with the stored task token.
// Who may decide is the caller's business (Slack: the approver list; the
// dashboard: the operator's IAM identity); what follows is this.

// What deciding needs is declared here, below shared/slack/ (whose Approval,
// the record of a Slack approval request, has all of it): slack/ uses this
// folder, never the other way round.

/** Who decided what, and when: a Slack user id, or an IAM identity's ARN (the dashboard). */
export interface ApprovalDecision {
  decision: 'approved' | 'rejected';
  by: string;
  at: string;
}

/** The part of a waiting approval that deciding reads. */
export interface PendingApproval {
  approvalId: string;
  /** The Step Functions task token of the waiting `.waitForTaskToken` state. */
  taskToken: string;
  expiresAt: string;
  decision?: ApprovalDecision | undefined;
}

export interface DecisionStore {
  /** Records the decision only if there is none yet (a conditional write); otherwise returns the one that won. */
  decide(approvalId: string, decision: ApprovalDecision): Promise<{ ok: true } | { ok: false; existing: ApprovalDecision }>;
}

/** Why an approval can no longer be decided. */
export type Closed = { why: 'unknown' } | { why: 'decided'; decision: ApprovalDecision } | { why: 'expired'; expiresAt: string };

/** Undefined while the approval is open; otherwise why it is not (unknown, decided, or past its expiry). */
export function closedApproval(approval: PendingApproval | undefined, now: Date): Closed | undefined {
  if (!approval) return { why: 'unknown' };
  if (approval.decision) return { why: 'decided', decision: approval.decision };
  const expiresAt = Date.parse(approval.expiresAt);
  if (Number.isNaN(expiresAt) || now.getTime() >= expiresAt) return { why: 'expired', expiresAt: approval.expiresAt };
  return undefined;
}

/** SendTask* answers meaning the execution stopped waiting: it timed out, finished, or the token is not ours. */
export const NO_LONGER_WAITING: ReadonlySet<string> = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

export type Delivery =
  /** Recorded, and the waiting execution has it. */
  | { delivered: true }
  /** Someone else's decision was recorded first (two decisions cannot both win). */
  | { delivered: false; why: 'decided'; existing: ApprovalDecision }
  /** Recorded, but the execution had stopped waiting (expired, finished). */
  | { delivered: false; why: 'no_longer_waiting'; error: string }
  /** Recorded, but Step Functions could not be reached: the execution keeps waiting until its timeout policy applies. */
  | { delivered: false; why: 'not_delivered'; error: string; message: string };

/**
 * Records `decision` with a conditional write, then sends it to the waiting
 * execution: approved → SendTaskSuccess (who and when become the execution's
 * `approval`), rejected → SendTaskFailure(Rejected) with the same as cause.
 */
export async function deliverDecision(
  deps: { approvals: DecisionStore; sfn: SFNClient },
  approval: PendingApproval,
  decision: ApprovalDecision,
): Promise<Delivery> {
  const recorded = await deps.approvals.decide(approval.approvalId, decision);
  if (!recorded.ok) return { delivered: false, why: 'decided', existing: recorded.existing };
  try {
    if (decision.decision === 'approved') {
      await deps.sfn.send(new SendTaskSuccessCommand({ taskToken: approval.taskToken, output: JSON.stringify(decision) }));
    } else {
      await deps.sfn.send(new SendTaskFailureCommand({ taskToken: approval.taskToken, error: 'Rejected', cause: JSON.stringify(decision) }));
    }
  } catch (error) {
    const name = (error as Error)?.name ?? 'Error';
    if (NO_LONGER_WAITING.has(name)) return { delivered: false, why: 'no_longer_waiting', error: name };
    return { delivered: false, why: 'not_delivered', error: name, message: (error as Error)?.message ?? '' };
  }
  return { delivered: true };
}
