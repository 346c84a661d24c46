import { Option } from 'commander';
import { loadConfig } from '../../shared/config/load.js';
import { EXIT } from '../errors.js';
import { examples, jsonOption, type RegisterCommand } from '../program.js';
import { startRollback } from '../rollback/start.js';
import { waitForExecution } from '../rollback/wait.js';
import { followExecution } from '../follow/follow.js';

/**
 * `shipwatch rollback <service> [--to <record>]`: the workflow's own rollback
 * steps (an execution in rollback mode), from what runs now back to the
 * release before it, or to the release of `--to`. Waits for the outcome.
 */
export const rollbackCommand: RegisterCommand = (program, run) => {
  program
    .command('rollback')
    .description("roll a service back to the release before the one that runs now (or to a record's release), and wait for the outcome")
    .argument('<service>', 'a service name from the config')
    .addOption(new Option('--to <record>', 'roll back to the release of this record (shipwatch history shows record ids)'))
    .addOption(new Option('--force', 'roll back to a release that was itself rolled back, failed or blocked, or after a failed rollback').default(false))
    .addOption(new Option('--no-wait', 'start the rollback and return at once, without waiting for its outcome'))
    .addOption(new Option('--follow', 'while waiting, show each step with its time as it happens').default(false).conflicts('wait'))
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `${examples([
        ['shipwatch rollback checkout', 'back to the release before the one that runs now'],
        ['shipwatch rollback checkout --to 20261102T093000Z-a882867ff7a6-1c0f9e2b', 'back to the release of that record'],
        ['shipwatch rollback checkout --follow', 'and show its steps as they happen'],
        ['shipwatch rollback checkout --no-wait --json', 'start it, print the execution ARN as JSON, return'],
      ])}\n\nExits 0 when the service is back on the release; 1 when the rollback did not complete (outcome rollback_failed); 3 when refused.`,
    )
    .action(
      run(async (ctx, service: string, options: { to?: string; force: boolean; wait: boolean; follow: boolean; json?: boolean }) => {
        const reach = await ctx.reach();
        const config = loadConfig(reach.configFile);
        const summary = await startRollback(
          { stack: () => reach.stack(), config, configFile: reach.configFile, now: ctx.now() },
          service,
          { ...(options.to ? { to: options.to } : {}), force: options.force },
          (choice) => `${ctx.user} with shipwatch rollback${choice.toRecord ? ` --to ${choice.toRecord}` : ''}`,
        );
        const stack = await reach.stack();
        if (!options.wait) {
          ctx.out(
            options.json
              ? JSON.stringify(summary, null, 2)
              : `rolling ${service} back from ${summary.from} to ${summary.to}\nexecution ${summary.executionArn}`,
          );
          return EXIT.ok;
        }
        if (!options.json)
          ctx.out(
            `rolling ${service} back from ${summary.from} to ${summary.to}\nexecution ${summary.executionArn}\nwaiting for the outcome (Ctrl-C stops waiting, not the rollback)…`,
          );
        const sleep = (ms: number) => ctx.sleep(ms);
        const ended = options.follow
          ? await followExecution({ sfn: stack.sfn, sleep, out: (t) => ctx.out(t) }, summary.executionArn, { quiet: Boolean(options.json) })
          : await waitForExecution(stack.sfn, summary.executionArn, sleep);
        const outcome = ended.result?.outcome ?? `execution ${ended.status}`;
        const reason = ended.result?.reason ?? ended.error ?? '';
        // Following, the outcome was the last thing printed.
        if (options.json) ctx.out(JSON.stringify({ ...summary, status: ended.status, outcome, reason }, null, 2));
        else if (!options.follow) ctx.out(`${outcome}: ${reason}`);
        return ended.result?.outcome === 'rolled_back' ? EXIT.ok : EXIT.failed;
      }),
    );
};
