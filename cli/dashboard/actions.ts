import { closedApproval, deliverDecision } from '../../shared/approvals/decide.js';
import { dynamoApprovals } from '../../shared/records/approvals.js';
import type { ApprovalDecision } from '../../shared/slack/interaction.js';
import { whoTriggered } from '../../shared/slack/pusher.js';
import type { AwsSettings } from '../aws-clients.js';
import { CliError, Refused } from '../errors.js';
import { startRollback } from '../rollback/start.js';
import type { DashboardData } from './data.js';
import { lookupEventsAs, type Identity } from './operator.js';
import { shortRevision, time, who } from './render/format.js';

// The dashboard's actions, each with the operator's IAM identity and through
// the code the CLI and Slack use: approvals decided as a Slack click decides
// them (shared/approvals/decide.ts), rollbacks started as `shipwatch
// rollback` starts them (cli/rollback/start.ts). IAM is the approver list
// here: whoever may call states:SendTaskSuccess and update the records table
// may decide; the person who pushed (or asked with `shipwatch deploy`) still
// may not, where the service says so.

export interface ActionResult {
  /** done; gone: no longer possible (decided, expired, finished); refused: Shipwatch will not; error: it failed. */
  status: 'done' | 'gone' | 'refused' | 'error';
  message: string;
  httpStatus: number;
}

const done = (message: string): ActionResult => ({ status: 'done', message, httpStatus: 200 });
const gone = (message: string): ActionResult => ({ status: 'gone', message, httpStatus: 409 });
const refused = (message: string): ActionResult => ({ status: 'refused', message, httpStatus: 403 });

export interface ActionDeps {
  data: DashboardData;
  identity: Identity;
  settings: AwsSettings;
}

/** Approve or reject a waiting deployment. */
export async function decide(deps: ActionDeps, input: { service: string; recordId: string; approvalId: string; decision: ApprovalDecision['decision'] }): Promise<ActionResult> {
  const { data, identity } = deps;
  const now = await data.now();
  const { records, sfn } = await data.stack();
  const approvals = dynamoApprovals(records);
  const approval = await approvals.get(input.approvalId);
  if (approval && (approval.service !== input.service || approval.recordId !== input.recordId)) {
    return refused(`Approval ${input.approvalId} belongs to ${approval.service} record ${approval.recordId}, not to ${input.service} record ${input.recordId}: nothing was changed.`);
  }
  const closed = closedApproval(approval, now);
  if (closed?.why === 'unknown' || !approval) return gone('This approval is unknown to Shipwatch: nothing was changed.');
  if (closed?.why === 'decided') return gone(`Already ${closed.decision.decision} by ${who(closed.decision.by)} at ${time(closed.decision.at, now)}: nothing was changed.`);
  if (closed?.why === 'expired') return gone(`This approval expired at ${time(closed.expiresAt, now)}: nothing was changed.`);

  if (!approval.allowSelfApproval) {
    // As in Slack: who asked with `shipwatch deploy`, else who pushed; not knowing who pushed must not let the pusher through.
    let trigger: Awaited<ReturnType<typeof whoTriggered>>;
    try {
      trigger = await whoTriggered({ lookupEvents: lookupEventsAs(deps.settings), slackUserByEmail: async () => undefined }, approval);
    } catch (error) {
      return refused(`Shipwatch cannot tell yet who pushed this image (CloudTrail did not answer: ${(error as Error).name}), and ${input.service} does not allow approving your own push. Nothing was changed; try again in a minute.`);
    }
    if (!trigger) return refused(`Shipwatch cannot tell yet who pushed this image (CloudTrail delivers the push within about 15 minutes), and ${input.service} does not allow approving your own push. Nothing was changed; try again in a few minutes.`);
    if (trigger.principal === identity.arn) {
      const what = approval.requestedBy ? 'asked for this deployment with shipwatch deploy' : 'pushed this image';
      return refused(`You (${who(identity.arn)}) ${what}, and ${input.service} does not allow approving your own ${approval.requestedBy ? 'deployment' : 'push'}. Nothing was changed.`);
    }
  }

  const decision: ApprovalDecision = { decision: input.decision, by: identity.arn, at: now.toISOString() };
  const delivery = await deliverDecision({ approvals, sfn }, approval, decision);
  if (delivery.delivered) {
    return done(input.decision === 'approved' ? `Approved by ${who(identity.arn)}: the deployment goes on.` : `Rejected by ${who(identity.arn)}: the push ends rejected, nothing changes.`);
  }
  if (delivery.why === 'decided') return gone(`Already ${delivery.existing.decision} by ${who(delivery.existing.by)} at ${time(delivery.existing.at, now)}: nothing was changed.`);
  if (delivery.why === 'no_longer_waiting') return gone('The deployment is no longer waiting for a decision (it expired or finished): nothing changed.');
  return { status: 'error', message: `Your decision was recorded but Step Functions could not be reached (${delivery.error}); the deployment follows its timeout policy unless someone intervenes.`, httpStatus: 502 };
}

/** Roll a service back to the release before the one that runs now, or to a record's release. */
export async function rollBack(deps: ActionDeps, input: { service: string; to?: string; force: boolean }): Promise<ActionResult> {
  const { data, identity } = deps;
  try {
    const started = await startRollback(
      { stack: () => data.stack(), config: data.config, configFile: data.reach.configFile, now: await data.now() },
      input.service,
      { ...(input.to ? { to: input.to } : {}), force: input.force },
      (choice) => `${identity.arn} with the Shipwatch dashboard${choice.toRecord ? ` (to record ${choice.toRecord})` : ''}`,
    );
    return done(`Rolling ${input.service} back from ${shortRevision(started.from)} to ${shortRevision(started.to)} (execution ${started.executionArn.split(':').pop()}).`);
  } catch (error) {
    if (error instanceof Refused) return { status: 'refused', message: error.message, httpStatus: 409 };
    if (error instanceof CliError) return { status: 'error', message: error.message, httpStatus: 502 };
    throw error;
  }
}
