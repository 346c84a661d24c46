import type { AwsSettings } from '../aws-clients.js';
import { decideAsOperator, type DecisionKind } from '../decide/decide.js';
import { CliError, Refused } from '../errors.js';
import { lookupEventsAs, type Identity } from '../operator.js';
import { startRollback } from '../rollback/start.js';
import type { DashboardData } from './data.js';
import { shortRevision } from './render/format.js';

// The dashboard's actions, each with the operator's IAM identity and through
// the code the CLI and Slack use: approvals and a pause's promote or abort
// decided as `shipwatch promote` and a Slack click decide them
// (cli/decide/decide.ts, over shared/approvals/decide.ts), rollbacks started
// as `shipwatch rollback` starts them (cli/rollback/start.ts).

export interface ActionResult {
  /** done; gone: no longer possible (decided, expired, finished); refused: Shipwatch will not; error: it failed. */
  status: 'done' | 'gone' | 'refused' | 'error';
  message: string;
  httpStatus: number;
}

const done = (message: string): ActionResult => ({ status: 'done', message, httpStatus: 200 });

const HTTP_STATUS: Record<ActionResult['status'], number> = { done: 200, gone: 409, refused: 403, error: 502 };

export interface ActionDeps {
  data: DashboardData;
  identity: Identity;
  settings: AwsSettings;
}

/** Approve or reject a waiting deployment; promote or abort a paused one. */
export async function decide(
  deps: ActionDeps,
  input: { service: string; recordId: string; approvalId: string; decision: 'approved' | 'rejected'; kind: DecisionKind },
): Promise<ActionResult> {
  const { records, sfn } = await deps.data.stack();
  const result = await decideAsOperator(
    { now: await deps.data.now(), records, sfn, identity: deps.identity, lookupEvents: lookupEventsAs(deps.settings) },
    input,
  );
  return { status: result.status, message: result.message, httpStatus: HTTP_STATUS[result.status] };
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
    return done(
      `Rolling ${input.service} back from ${shortRevision(started.from)} to ${shortRevision(started.to)} (execution ${started.executionArn.split(':').pop()}).`,
    );
  } catch (error) {
    if (error instanceof Refused) return { status: 'refused', message: error.message, httpStatus: 409 };
    if (error instanceof CliError) return { status: 'error', message: error.message, httpStatus: 502 };
    throw error;
  }
}
