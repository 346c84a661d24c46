import { history } from '../../shared/records/queries.js';
import type { CliContext } from '../context.js';
import { shortDigest, table } from '../table.js';

/** `shipwatch history <service> [--limit N] [--json]`: the service's pushes, newest first. */
export async function historyCommand(ctx: CliContext, service: string, options: { limit: number; json: boolean }): Promise<number> {
  const rows = await history(ctx.records, service, options.limit);
  if (options.json) {
    ctx.print(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    ctx.print(`no records for service "${service}"`);
    return 0;
  }
  ctx.print(
    table(
      ['record', 'tag', 'digest', 'outcome', 'revision', 'reason'],
      rows.map((r) => [r.recordId, r.tag ?? '-', shortDigest(r.digest), r.outcome ?? r.phase, r.revision?.split('/').pop() ?? '-', r.reason ?? '']),
    ),
  );
  return 0;
}
