import { loadConfig } from '../../shared/config/load.js';
import type { CliContext } from '../context.js';
import { decideAsOperator } from '../decide/decide.js';
import { CliError, EXIT, Refused, SetupError, type ExitCode } from '../errors.js';
import { callerIdentity, lookupEventsAs, type Identity } from '../operator.js';
import { findPaused } from './paused.js';

export type PauseAction = 'promote' | 'abort';

const DONE: Record<PauseAction, string> = { promote: 'promoted', abort: 'aborted' };

/**
 * `shipwatch promote` and `shipwatch abort`: the service's deployment paused
 * after its first traffic step, decided as the operator's IAM identity
 * through the dashboard's own decision code (cli/decide/decide.ts), so the
 * same checks, the same conditional write and the same task-token answer as
 * a Slack click. Promote shifts the rest of the traffic; abort sends all of it
 * back to the previous revision and rolls the release back.
 */
export async function decidePause(ctx: CliContext, service: string, action: PauseAction, options: { record?: string; json?: boolean }): Promise<ExitCode> {
  const reach = await ctx.reach();
  const config = loadConfig(reach.configFile);
  const serviceConfig = config.services.find((s) => s.name === service);
  if (!serviceConfig) throw new Refused(`no service "${service}" in ${reach.configFile} (services: ${config.services.map((s) => s.name).join(', ')})`);
  const { records, sfn } = await reach.stack();
  const paused = await findPaused(records, serviceConfig, options.record);

  let identity: Identity;
  try {
    identity = await callerIdentity(reach.clients.sts());
  } catch (error) {
    throw new SetupError(
      `cannot tell who you are to AWS (sts:GetCallerIdentity: ${(error as Error).name}: ${(error as Error).message}); the decision is recorded as you`,
      { cause: error },
    );
  }
  const result = await decideAsOperator(
    { now: ctx.now(), records, sfn, identity, lookupEvents: lookupEventsAs(reach.clients.settings) },
    { service, recordId: paused.record.recordId, approvalId: paused.approvalId, decision: action === 'promote' ? 'approved' : 'rejected', kind: 'promotion' },
  );
  // No longer possible or not allowed: Shipwatch refused, nothing changed. Recorded but not delivered: AWS failed.
  if (result.status === 'gone' || result.status === 'refused') throw new Refused(result.message);
  if (result.status === 'error') throw new CliError(result.message, EXIT.setup);

  const record = paused.record;
  const where = record.progress?.position
    ? `paused at step ${record.progress.position.step} of ${record.progress.position.steps} (${record.progress.position.trafficPercent}% of traffic)`
    : 'paused';
  if (options.json) {
    ctx.out(
      JSON.stringify(
        {
          service,
          record: record.recordId,
          image: record.imageUri,
          ...(record.tag ? { tag: record.tag } : {}),
          approvalId: paused.approvalId,
          decision: DONE[action],
          by: result.decision!.by,
          at: result.decision!.at,
          message: result.message,
        },
        null,
        2,
      ),
    );
    return EXIT.ok;
  }
  ctx.out(result.message);
  ctx.out(`${record.repository}:${record.tag ?? record.digest.slice(7, 19)} (record ${record.recordId}) was ${where}`);
  ctx.out(`follow it: shipwatch follow ${service}`);
  return EXIT.ok;
}
