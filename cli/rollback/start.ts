import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Config } from '../../shared/config/schema.js';
import { getState } from '../../shared/records/admission.js';
import { getRecord } from '../../shared/records/queries.js';
import { rollbackInput } from '../../shared/workflow/rollback-input.js';
import type { Stack } from '../context.js';
import { Refused, SetupError } from '../errors.js';
import { chooseRollback, type RollbackChoice } from './choose.js';

/** A rollback under way: what it goes from and to, and the execution running it. */
export interface StartedRollback {
  service: string;
  from: string;
  to: string;
  /** The record of the release that ran: the rollback's outcome amends it. */
  record: string;
  executionArn: string;
}

/**
 * Starts a manual rollback: the workflow's own rollback steps (an execution
 * in rollback mode), from what runs now back to the release before it or to
 * the release of `options.to`, refused as chooseRollback refuses. `how` says
 * who asked and through what (`alice with shipwatch rollback`); it becomes
 * the reason the record keeps. `shipwatch rollback` and the dashboard both
 * start rollbacks here.
 */
export async function startRollback(
  deps: { stack: () => Promise<Stack>; config: Config; configFile: string; now: Date },
  service: string,
  options: { to?: string; force: boolean },
  how: (choice: RollbackChoice) => string,
): Promise<StartedRollback> {
  const { config, now } = deps;
  const serviceConfig = config.services.find((s) => s.name === service);
  if (!serviceConfig) throw new Refused(`no service "${service}" in ${deps.configFile} (services: ${config.services.map((s) => s.name).join(', ')})`);
  const stack = await deps.stack();
  if (!stack.stateMachineArn)
    throw new SetupError(`the state machine is unknown (${stack.source}): set STATE_MACHINE_ARN to the stack output DeployStateMachineArn, or use --stage`);

  const choice = await chooseRollback(service, await getState(stack.records, service), (id) => getRecord(stack.records, service, id), options, now);
  const current = choice.record;
  // The registry host names the region: <account>.dkr.ecr.<region>.amazonaws.com.
  const region = current.imageUri.split('/')[0]!.split('.')[3] ?? 'us-east-1';
  const input = rollbackInput({
    record: current,
    service: serviceConfig,
    platform: choice.platform,
    from: choice.from,
    to: choice.to,
    since: now.toISOString(),
    reason: { trigger: 'manual', detail: `rolled back by ${how(choice)}` },
    eventId: 'cli',
    region,
    now,
  });
  const name = `${service}-rollback-${now.getTime()}`;
  const started = await stack.sfn.send(new StartExecutionCommand({ stateMachineArn: stack.stateMachineArn, name, input: JSON.stringify(input) }));
  return { service, from: choice.from, to: choice.to, record: current.recordId, executionArn: started.executionArn! };
}
