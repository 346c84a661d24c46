import { Option } from 'commander';
import { history } from '../../shared/records/queries.js';
import { EXIT } from '../errors.js';
import { wholeNumber } from '../options.js';
import { examples, jsonOption, type RegisterCommand } from '../program.js';
import { shortDigest, table } from '../table.js';

/** `shipwatch history <service>`: the service's pushes and their outcomes, newest first. */
export const historyCommand: RegisterCommand = (program, run) => {
  program
    .command('history')
    .description("a service's pushes and their outcomes, newest first")
    .argument('<service>', 'a service name from the config')
    .addOption(new Option('--limit <n>', 'how many records (1-1000)').argParser(wholeNumber(1, 1000)).default(20))
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples([
        ['shipwatch history checkout', 'the last 20 pushes to checkout'],
        ['shipwatch history checkout --limit 5 --stage prod', 'the last 5, from the stack shipwatch-prod'],
        ["shipwatch history checkout --json | jq '.[0].reason'", 'why the newest push ended as it did'],
      ]),
    )
    .action(
      run(async (ctx, service: string, options: { limit: number; json?: boolean }) => {
        const { records } = await (await ctx.reach()).stack();
        const rows = await history(records, service, options.limit);
        if (options.json) {
          ctx.out(JSON.stringify(rows, null, 2));
          return EXIT.ok;
        }
        if (rows.length === 0) {
          ctx.out(`no records for service "${service}"`);
          return EXIT.ok;
        }
        ctx.out(
          table(
            ['record', 'tag', 'digest', 'outcome', 'revision', 'reason'],
            rows.map((r) => [r.recordId, r.tag ?? '-', shortDigest(r.digest), r.outcome ?? r.phase, r.revision?.split('/').pop() ?? '-', r.reason ?? '']),
          ),
        );
        return EXIT.ok;
      }),
    );
};
