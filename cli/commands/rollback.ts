import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { loadConfig } from '../../shared/config/load.js';
import { getState } from '../../shared/records/admission.js';
import { getRecord } from '../../shared/records/queries.js';
import type { ExecutionInput } from '../../shared/workflow/state.js';
import type { CliContext } from '../context.js';

/**
 * `shipwatch rollback <service> [--to <record>] [--json]`: the same rollback
 * steps as the workflow (an execution in rollback mode), back to the release
 * before the last deployment, or to the release of `--to`.
 */
export async function rollbackCommand(ctx: CliContext, service: string, options: { to?: string; json: boolean }): Promise<number> {
  const config = loadConfig(ctx.configFile);
  const serviceConfig = config.services.find((s) => s.name === service);
  if (!serviceConfig) throw new Error(`no service "${service}" in ${ctx.configFile} (services: ${config.services.map((s) => s.name).join(', ')})`);
  if (!ctx.stateMachineArn) throw new Error('set STATE_MACHINE_ARN to the stack output DeployStateMachineArn');
  const state = await getState(ctx.records, service);
  if (state?.lease && Date.parse(state.lease.expiresAt) > Date.now()) {
    throw new Error(`${service}: ${state.lease.holder} is ${state.lease.phase.replace('_', ' ')}; wait for it (it rolls back by itself if it fails)`);
  }
  const last = state?.lastDeployment;
  if (!last?.revision) throw new Error(`${service}: no deployment by Shipwatch to roll back`);
  const current = await getRecord(ctx.records, service, last.recordId);
  if (!current) throw new Error(`${service}: the record ${last.recordId} of the last deployment is missing`);

  let to = last.previousRevision;
  if (options.to) {
    const target = await getRecord(ctx.records, service, options.to);
    if (!target) throw new Error(`${service}: no record "${options.to}" (see shipwatch history ${service})`);
    if (target.outcome !== 'deployed' && target.outcome !== 'rolled_back') throw new Error(`${service}: record ${options.to} ended ${target.outcome ?? 'in progress'}; only a release that was deployed can be rolled back to`);
    to = target.revision;
  }
  if (!to) throw new Error(`${service}: no earlier release to roll back to`);
  if (to === last.revision) throw new Error(`${service}: already running ${to}`);

  const input: ExecutionInput = {
    mode: 'rollback',
    release: { repository: current.repository, registry: current.imageUri.split('/')[0]!, digest: current.digest, ...(current.tag ? { tag: current.tag } : {}), imageUri: current.imageUri, pushedAt: current.pushedAt, eventId: 'cli', region: process.env.AWS_REGION ?? 'us-east-1' },
    service: serviceConfig,
    admission: { recordId: current.recordId, admittedAt: new Date().toISOString() },
    deploy: { platform: (last.platform as 'ecs' | 'eks' | undefined) ?? 'ecs', previousRevision: to, revision: last.revision, deploymentId: '', startedAt: last.finishedAt, alreadyRunning: false },
    failure: { Error: 'ManualRollback', Cause: `rolled back by ${ctx.user} with shipwatch rollback` },
  };
  const name = `${service}-rollback-${Date.now()}`;
  const out = await ctx.sfn.send(new StartExecutionCommand({ stateMachineArn: ctx.stateMachineArn, name, input: JSON.stringify(input) }));
  const summary = { service, from: last.revision, to, record: current.recordId, executionArn: out.executionArn };
  ctx.print(options.json ? JSON.stringify(summary, null, 2) : `rolling ${service} back from ${last.revision} to ${to}\nexecution ${out.executionArn}`);
  return 0;
}
