import { allStates } from '../../shared/records/queries.js';
import type { CliContext } from '../context.js';
import { table } from '../table.js';

/** `shipwatch status [--json]`: per service, what is in flight and what is known good. */
export async function statusCommand(ctx: CliContext, options: { json: boolean }): Promise<number> {
  const states = await allStates(ctx.records);
  if (options.json) {
    ctx.print(JSON.stringify(states, null, 2));
    return 0;
  }
  if (states.length === 0) {
    ctx.print('no services have been deployed by Shipwatch yet');
    return 0;
  }
  const now = Date.now();
  ctx.print(
    table(
      ['service', 'in flight', 'newest push', 'last deployment', 'last good'],
      states.map((s) => [
        s.service,
        s.lease && Date.parse(s.lease.expiresAt) > now ? `${s.lease.holder} (${s.lease.phase.replace('_', ' ')})` : '-',
        s.newest?.recordId ?? '-',
        s.lastDeployment ? `${s.lastDeployment.recordId} ${s.lastDeployment.outcome}` : '-',
        s.lastGood ? `${s.lastGood.recordId} (${s.lastGood.revision.split('/').pop()})` : '-',
      ]),
    ),
  );
  return 0;
}
