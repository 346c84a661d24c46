import type { LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { closedApproval, deliverDecision, type ApprovalDecision } from '../../shared/approvals/decide.js';
import type { LookupEventsAnswer } from '../../shared/aws/cloudtrail.js';
import type { RecordsDb } from '../../shared/records/db.js';
import { dynamoApprovals } from '../../shared/records/approvals.js';
import type { Approval } from '../../shared/slack/interaction.js';
import { whoTriggered } from '../../shared/slack/pusher.js';
import { time, who } from '../dashboard/render/format.js';
import type { Identity } from '../operator.js';

// A decision by the operator's IAM identity, from the dashboard's buttons or
// from `shipwatch promote` / `shipwatch abort`: both call this, and this calls
// the code Slack clicks go through (shared/approvals/decide.ts: the same
// open/decided/expired checks, the conditional write, SendTaskSuccess or
// SendTaskFailure(Rejected) with the stored token). IAM is the approver list
// here: whoever may call states:SendTaskSuccess and update the records table
// may decide; the person who triggered the deployment still may not, where
// the service says so (allowSelfApproval: false), as in Slack.

/** What is being decided: a push waiting for approval before the deploy, or a progressive deployment paused after its first traffic step. */
export type DecisionKind = 'approval' | 'promotion';

export interface OperatorDecisionInput {
  service: string;
  recordId: string;
  approvalId: string;
  /** approved: approve, or promote at a pause; rejected: reject, or abort at a pause. */
  decision: ApprovalDecision['decision'];
  kind: DecisionKind;
}

export interface OperatorDecisionDeps {
  now: Date;
  records: RecordsDb;
  sfn: SFNClient;
  identity: Identity;
  /** CloudTrail LookupEvents with the operator's credentials: who pushed, for allowSelfApproval: false. */
  lookupEvents: (input: LookupEventsCommandInput, timeoutMs: number) => Promise<LookupEventsAnswer>;
}

export interface DecisionResult {
  /** done: decided and delivered; gone: no longer possible (decided, expired, finished); refused: Shipwatch will not; error: it failed half way. */
  status: 'done' | 'gone' | 'refused' | 'error';
  message: string;
  /** The decision recorded, when this call recorded one. */
  decision?: ApprovalDecision;
}

/** The words for each kind: a pause is promoted or aborted, never "approved" or "rejected". */
const WORDS = {
  approval: { approved: 'approved', rejected: 'rejected', waits: 'approval (approve or reject)', deciding: 'approving' },
  promotion: { approved: 'promoted', rejected: 'aborted', waits: 'promotion (promote or abort)', deciding: 'promoting or aborting' },
} as const;

const capital = (word: string) => word[0]!.toUpperCase() + word.slice(1);

/** A stored approval is a pause's when the request was posted for promotion (shared/workflow/request-approval.ts). */
export const kindOf = (approval: Pick<Approval, 'view'>): DecisionKind => (approval.view.phase === 'awaiting_promotion' ? 'promotion' : 'approval');

/** Decides a waiting approval or pause as the operator; nothing is changed unless the answer is `done` (or `error`, recorded but not delivered). */
export async function decideAsOperator(deps: OperatorDecisionDeps, input: OperatorDecisionInput): Promise<DecisionResult> {
  const { identity, now } = deps;
  const approvals = dynamoApprovals(deps.records);
  const approval = await approvals.get(input.approvalId);
  const refused = (message: string): DecisionResult => ({ status: 'refused', message });
  const gone = (message: string): DecisionResult => ({ status: 'gone', message });
  if (approval && (approval.service !== input.service || approval.recordId !== input.recordId)) {
    return refused(
      `Approval ${input.approvalId} belongs to ${approval.service} record ${approval.recordId}, not to ${input.service} record ${input.recordId}: nothing was changed.`,
    );
  }
  const words = WORDS[input.kind];
  const closed = closedApproval(approval, now);
  if (closed?.why === 'unknown' || !approval)
    return gone(`This ${input.kind === 'promotion' ? 'pause' : 'approval'} is unknown to Shipwatch: nothing was changed.`);
  // A Promote must never approve a deploy, nor an Approve promote a canary: the buttons say what follows.
  const stored = kindOf(approval);
  if (stored !== input.kind)
    return refused(`${input.service} record ${input.recordId} waits for ${WORDS[stored].waits}, not for ${words.waits}: nothing was changed.`);
  const word = (d: ApprovalDecision['decision']) => words[d];
  if (closed?.why === 'decided')
    return gone(`Already ${word(closed.decision.decision)} by ${who(closed.decision.by)} at ${time(closed.decision.at, now)}: nothing was changed.`);
  if (closed?.why === 'expired') {
    return gone(
      input.kind === 'promotion'
        ? `This pause expired at ${time(closed.expiresAt, now)}; nobody decided in time, so it aborts: nothing was changed.`
        : `This approval expired at ${time(closed.expiresAt, now)}: nothing was changed.`,
    );
  }

  const self = await selfDecision(deps, approval, input, words.deciding);
  if (self) return refused(self);

  const decision: ApprovalDecision = { decision: input.decision, by: identity.arn, at: now.toISOString() };
  const delivery = await deliverDecision({ approvals, sfn: deps.sfn }, approval, decision);
  if (delivery.delivered) return { status: 'done', message: doneMessage(input, identity.arn), decision };
  if (delivery.why === 'decided')
    return gone(`Already ${word(delivery.existing.decision)} by ${who(delivery.existing.by)} at ${time(delivery.existing.at, now)}: nothing was changed.`);
  if (delivery.why === 'no_longer_waiting') return gone('The deployment is no longer waiting for a decision (it expired or finished): nothing changed.');
  return {
    status: 'error',
    message: `Your decision was recorded but Step Functions could not be reached (${delivery.error}); the deployment follows its timeout policy unless someone intervenes.`,
    decision,
  };
}

function doneMessage(input: OperatorDecisionInput, arn: string): string {
  const by = `${capital(WORDS[input.kind][input.decision])} by ${who(arn)}`;
  if (input.kind === 'promotion') {
    return input.decision === 'approved'
      ? `${by}: shifting the rest of the traffic to the new release.`
      : `${by}: all traffic goes back to the previous revision, and the release is rolled back.`;
  }
  return input.decision === 'approved' ? `${by}: the deployment goes on.` : `${by}: the push ends rejected, nothing changes.`;
}

/**
 * Why the operator may not decide their own deployment, if so: as in Slack,
 * who asked with `shipwatch deploy`, else who pushed (CloudTrail); not knowing
 * who pushed must not let the pusher through.
 */
async function selfDecision(deps: OperatorDecisionDeps, approval: Approval, input: OperatorDecisionInput, deciding: string): Promise<string | undefined> {
  if (approval.allowSelfApproval) return undefined;
  let trigger: Awaited<ReturnType<typeof whoTriggered>>;
  try {
    trigger = await whoTriggered({ lookupEvents: deps.lookupEvents, slackUserByEmail: async () => undefined }, approval);
  } catch (error) {
    return `Shipwatch cannot tell yet who pushed this image (CloudTrail did not answer: ${(error as Error).name}), and ${input.service} does not allow ${deciding} your own push. Nothing was changed; try again in a minute.`;
  }
  if (!trigger)
    return `Shipwatch cannot tell yet who pushed this image (CloudTrail delivers the push within about 15 minutes), and ${input.service} does not allow ${deciding} your own push. Nothing was changed; try again in a few minutes.`;
  if (trigger.principal !== deps.identity.arn) return undefined;
  const what = approval.requestedBy ? 'asked for this deployment with shipwatch deploy' : 'pushed this image';
  return `You (${who(deps.identity.arn)}) ${what}, and ${input.service} does not allow ${deciding} your own ${approval.requestedBy ? 'deployment' : 'push'}. Nothing was changed.`;
}
