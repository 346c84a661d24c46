import { Option } from 'commander';
import { EXIT } from '../errors.js';
import { wholeNumber } from '../options.js';
import { examples, type RegisterCommand } from '../program.js';

/**
 * `shipwatch dashboard`: a local web UI over the stack (or a sandbox), acting
 * with the operator's own AWS identity, until Ctrl-C.
 */
export const dashboardCommand: RegisterCommand = (program, run) => {
  program
    .command('dashboard')
    .description(
      'a local web UI on 127.0.0.1: services, deployments live (steps, scan, approval, health chart), history and DORA; approve, reject and roll back as you',
    )
    .addOption(new Option('--port <n>', 'the port on 127.0.0.1 (default: any free port)').argParser(wholeNumber(1, 65535)))
    .addOption(new Option('--json', 'print the URL, port, identity and source as one JSON line (for scripts)'))
    .addHelpText(
      'after',
      `${examples([
        ['shipwatch dashboard --stage prod', 'the stack shipwatch-prod, with your AWS credentials'],
        ['shipwatch dashboard --port 8470', 'on a fixed port'],
        ['shipwatch dashboard --json | head -1 | jq -r .url', 'the URL, for a script that opens it'],
        ['shipwatch sandbox --dashboard', 'the same UI over the sandbox, to watch the scenarios live'],
      ])}\n\nIt listens on 127.0.0.1 only. The printed URL carries a random session token: whoever has it acts as you.`,
    )
    .action(
      run(async (ctx, options: { port?: number; json?: boolean }) => {
        const reach = await ctx.reach();
        // Loaded here, not with the command list: its modules (through shared/) create the
        // functions' logger at import, and `shipwatch sandbox` sets its level before that.
        const { startDashboard } = await import('../dashboard/start.js');
        const dashboard = await startDashboard(reach, {
          ...(options.port !== undefined ? { port: options.port } : {}),
          onError: (e) => ctx.err(`shipwatch: dashboard: ${e.name}: ${e.message}`),
        });
        if (options.json) {
          ctx.out(JSON.stringify({ url: dashboard.url, port: dashboard.port, identity: dashboard.identity.arn, source: reach.label }));
        } else {
          ctx.out(`Shipwatch dashboard for ${reach.label}, acting as ${dashboard.identity.arn}`);
          ctx.out(`  ${dashboard.url}`);
          ctx.out('Open it in a browser on this machine (127.0.0.1 only). The token in the URL is the session: whoever has it acts as you. Ctrl-C stops.');
        }
        await new Promise<void>((resolve) => {
          for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
        });
        await dashboard.close();
        ctx.err('dashboard stopped');
        return EXIT.ok;
      }),
    );
};
