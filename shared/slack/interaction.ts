import type { SFNClient } from '@aws-sdk/client-sfn';
import * as v from 'valibot';
import '../validation/messages.js';
import { object } from '../validation/object.js';
import { closedApproval, deliverDecision, type ApprovalDecision, type DecisionStore } from '../approvals/decide.js';
import { Transient } from '../errors.js';
import { logger } from '../lambda/logger.js';
import { canDecide, mention, userGroupsIn } from './approval-policy.js';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from './constants.js';
import { SlackSignatureError } from './errors.js';
import { slackDate, type DeploymentView } from './messages.js';
import type { Notifier } from './slack-notifier.js';
import { verifySlackSignature } from './verify-signature.js';

/** One pending approval: written when the state machine starts waiting, decided at most once. */
export interface Approval {
  approvalId: string;
  /** The Step Functions task token of the waiting `.waitForTaskToken` state. */
  taskToken: string;
  service: string;
  recordId: string;
  channel: string;
  messageTs?: string | undefined;
  approvers: string[];
  allowSelfApproval: boolean;
  triggeredBy?: string | undefined;
  expiresAt: string;
  /** The message as it was posted, so the decision can be shown in place. */
  view: DeploymentView;
  /** When the image was pushed: where CloudTrail is searched for who pushed it. */
  pushedAt?: string | undefined;
  /** Who asked with `shipwatch deploy` (IAM identity): they triggered this deployment, not whoever pushed the image. */
  requestedBy?: string | undefined;
  decision?: ApprovalDecision | undefined;
}

export type { ApprovalDecision };

export interface ApprovalStore extends DecisionStore {
  get(approvalId: string): Promise<Approval | undefined>;
}

export interface InteractionRequest {
  /** The body exactly as received (decode a base64 function-URL body first, parse nothing). */
  rawBody: string;
  headers: Record<string, string | undefined>;
}

export interface InteractionDeps {
  signingSecret: string;
  now: Date;
  approvals: ApprovalStore;
  sfn: SFNClient;
  /**
   * `ephemeral` is optional: Slack ignores the body of a block_actions
   * acknowledgment, so when it is given, every refusal is also sent with
   * chat.postEphemeral, which is the only way the clicker actually sees it.
   */
  slack: Pick<Notifier, 'update' | 'groupMembers'> & Partial<Pick<Notifier, 'ephemeral'>>;
  /**
   * Who pushed the image (its Slack user, if known), for `allowSelfApproval:
   * false`; undefined when it cannot be told yet. Looked up once, at the first
   * click, because CloudTrail needs minutes to deliver the push. It must
   * answer (or throw) well within Slack's 3 seconds; a throw is answered like
   * "not yet".
   */
  whoPushed?: (approval: Approval) => Promise<{ principal: string; slackUser?: string } | undefined>;
}

/** Lambda function URL / HTTP API (payload 2.0) response. */
export interface InteractionResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** What Slack sends for a button click; unknown fields are dropped, the rest is all we read. */
const PayloadSchema = object({
  type: v.string(),
  user: v.optional(object({ id: v.pipe(v.string(), v.minLength(1)) })),
  channel: v.nullish(object({ id: v.string() })),
  container: v.nullish(object({ channel_id: v.optional(v.string()), message_ts: v.optional(v.string()) })),
  actions: v.optional(v.array(object({ action_id: v.string(), value: v.optional(v.string()) }))),
});

const text = (statusCode: number, body: string): InteractionResponse => ({ statusCode, headers: { 'content-type': 'text/plain; charset=utf-8' }, body });
/** The acknowledgment Slack wants: 200, quickly. */
const ack = (): InteractionResponse => ({ statusCode: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '' });

/**
 * The interactivity endpoint's domain. Decisions, in order:
 * 1. the signature, on the raw body (401, nothing parsed, nothing called);
 * 2. the form body's `payload` JSON (400 if malformed);
 * 3. only block_actions clicks on shipwatch_approve / shipwatch_reject are
 *    acted on; any other interaction (another button, a URL button, a
 *    shortcut) is acknowledged with an empty 200 and ignored, since Slack
 *    shows the user an error for anything but 200;
 * 4. unknown, already decided, expired, or not an approver: a 200 whose body
 *    (and, when deps.slack.ephemeral is given, a chat.postEphemeral) tells
 *    the clicker why, and nothing changes;
 * 5. the decision is recorded with a conditional write (a lost race reads as
 *    "already decided"), then sent to Step Functions (shared/approvals/decide.ts,
 *    as the dashboard does), then shown in the message.
 */
export async function handleInteraction(request: InteractionRequest, deps: InteractionDeps): Promise<InteractionResponse> {
  try {
    verifySlackSignature({ signingSecret: deps.signingSecret, headers: request.headers, rawBody: request.rawBody, now: deps.now });
  } catch (error) {
    if (error instanceof SlackSignatureError) {
      logger.warn('slack interaction refused', { check: error.check, error: error.message });
      return text(401, error.message);
    }
    throw error;
  }

  const payload = parsePayload(request.rawBody);
  if (!payload) return text(400, 'malformed payload: expected a form field `payload` holding a Slack interaction JSON');
  if (payload.type !== 'block_actions') return ack();
  const action = payload.actions?.find((a) => a.action_id === APPROVE_ACTION_ID || a.action_id === REJECT_ACTION_ID);
  if (!action) return ack();
  const user = payload.user?.id;
  const approvalId = action.value;
  if (!user || !approvalId) return text(400, 'malformed payload: a Shipwatch button click without a user or an approval id');
  const wanted: ApprovalDecision['decision'] = action.action_id === APPROVE_ACTION_ID ? 'approved' : 'rejected';
  const channel = payload.channel?.id ?? payload.container?.channel_id;

  const tell = async (message: string): Promise<InteractionResponse> => {
    if (deps.slack.ephemeral && channel) await deps.slack.ephemeral(channel, user, message);
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text: message }),
    };
  };

  const approval = await deps.approvals.get(approvalId);
  const closed = closedApproval(approval, deps.now);
  if (closed?.why === 'unknown' || !approval) return tell('This approval is unknown to Shipwatch: nothing was changed.');
  // A pause is promoted or aborted, never "approved": the clicker reads the buttons' words back.
  const promotion = approval.view.phase === 'awaiting_promotion';
  if (closed?.why === 'decided') return tell(alreadyDecided(closed.decision, promotion));
  if (closed?.why === 'expired')
    return tell(
      promotion
        ? `This pause expired ${slackDate(closed.expiresAt)}; nobody decided in time, so it aborts: nothing was changed.`
        : `This approval expired ${slackDate(closed.expiresAt)}: nothing was changed.`,
    );

  let triggeredBy = approval.triggeredBy;
  if (!approval.allowSelfApproval && triggeredBy === undefined && deps.whoPushed) {
    // Not knowing who pushed must not let the pusher through: refuse until CloudTrail knows.
    let pusher: Awaited<ReturnType<NonNullable<InteractionDeps['whoPushed']>>>;
    try {
      pusher = await deps.whoPushed(approval);
    } catch (error) {
      // Throttled (two lookups per second per account) or failed: the clicker still gets an answer.
      const cause = error instanceof Transient && error.cause instanceof Error ? error.cause : (error as Error);
      logger.warn('slack approval: who pushed is unknown, CloudTrail did not answer', {
        approvalId,
        deploymentService: approval.service,
        error: `${(error as Error)?.name}: ${(error as Error)?.message}`,
      });
      return tell(
        `Shipwatch cannot tell yet who pushed this image (CloudTrail did not answer: ${cause?.name ?? 'Error'}), and this service does not allow approving your own push. Nothing was changed; try again in a minute.`,
      );
    }
    if (!pusher)
      return tell(
        'Shipwatch cannot tell yet who pushed this image (CloudTrail delivers the push within about 15 minutes), and this service does not allow approving your own push. Nothing was changed; try again in a few minutes.',
      );
    triggeredBy = pusher.slackUser;
  }
  const groups = approval.approvers.includes(user) ? { members: {}, failed: false } : await resolveGroups(approval.approvers, deps.slack);
  const verdict = canDecide({ user, approvers: approval.approvers, groupMembers: groups.members, triggeredBy, allowSelfApproval: approval.allowSelfApproval });
  if (!verdict.allowed) {
    const selfApproval = !approval.allowSelfApproval && triggeredBy === user;
    if (groups.failed && !selfApproval) {
      return tell(
        "Shipwatch could not read the approvers' user groups from Slack just now, so it cannot tell whether you may decide. Nothing was changed; try again in a minute.",
      );
    }
    logger.info('slack approval refused', { approvalId, deploymentService: approval.service, user, reason: verdict.reason });
    return tell(`${verdict.reason} Nothing was changed.`);
  }

  const decision: ApprovalDecision = { decision: wanted, by: user, at: deps.now.toISOString() };
  const delivery = await deliverDecision(deps, approval, decision);
  if (!delivery.delivered && delivery.why === 'decided') return tell(alreadyDecided(delivery.existing, promotion));
  logger.info(`slack approval ${wanted}`, { approvalId, deploymentService: approval.service, recordId: approval.recordId, by: user });
  if (!delivery.delivered && delivery.why === 'no_longer_waiting') {
    logger.info('slack approval arrived after the deployment stopped waiting', { approvalId, deploymentService: approval.service, error: delivery.error });
    return tell('The deployment is no longer waiting for a decision (expired or finished): your click changed nothing.');
  }
  if (!delivery.delivered && delivery.why === 'not_delivered') {
    // Recorded but not delivered: the execution keeps waiting until its timeout policy applies.
    logger.error('slack approval recorded but not delivered to Step Functions', {
      approvalId,
      deploymentService: approval.service,
      error: `${delivery.error}: ${delivery.message}`,
    });
    return tell(
      `Your decision was recorded but Step Functions could not be reached (${delivery.error}); the deployment will follow its timeout policy unless an operator intervenes.`,
    );
  }

  const ts = approval.messageTs ?? payload.container?.message_ts;
  if (ts) {
    // A pause's decision leaves the deployment in flight either way: promoted it shifts on, aborted it rolls back.
    const phase = approval.view.phase === 'awaiting_promotion' ? 'progressing' : wanted === 'approved' ? 'deploying' : 'rejected';
    const view: DeploymentView = { ...approval.view, phase, decision };
    await deps.slack.update(approval.channel, ts, view);
  }
  return ack();
}

function parsePayload(rawBody: string): v.InferOutput<typeof PayloadSchema> | undefined {
  const field = new URLSearchParams(rawBody).get('payload');
  if (field === null) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(field);
  } catch {
    return undefined;
  }
  const parsed = v.safeParse(PayloadSchema, json);
  return parsed.success ? parsed.output : undefined;
}

function alreadyDecided(decision: ApprovalDecision, promotion: boolean): string {
  const word = promotion ? (decision.decision === 'approved' ? 'promoted' : 'aborted') : decision.decision;
  return `This deployment was already ${word} by ${mention(decision.by)} ${slackDate(decision.at)}: nothing was changed.`;
}

/** Members of every user group among the approvers; `failed` when Slack could not say for some group. */
async function resolveGroups(
  approvers: readonly string[],
  slack: Pick<Notifier, 'groupMembers'>,
): Promise<{ members: Record<string, string[]>; failed: boolean }> {
  const groups = userGroupsIn(approvers);
  const settled = await Promise.allSettled(groups.map((g) => slack.groupMembers(g)));
  const members: Record<string, string[]> = {};
  let failed = false;
  settled.forEach((result, i) => {
    const group = groups[i]!;
    if (result.status === 'fulfilled') {
      members[group] = result.value;
    } else {
      failed = true;
      logger.warn('slack user group lookup failed', { group, error: (result.reason as Error)?.message });
    }
  });
  return { members, failed };
}
