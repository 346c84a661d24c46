import { Option } from 'commander';
import { decidePause } from '../promote/decide-pause.js';
import { examples, jsonOption, type RegisterCommand } from '../program.js';

/**
 * `shipwatch abort <service>`: the deployment paused after its first traffic
 * step goes no further: all traffic goes back to the previous revision and
 * the release is rolled back (the canary deleted). Decided as your IAM
 * identity, as the dashboard's Abort button and Slack's decide it.
 */
export const abortCommand: RegisterCommand = (program, run) => {
  program
    .command('abort')
    .description(
      'abort a canary or linear deployment paused after its first traffic step: all traffic goes back to the previous revision and the release is rolled back (as you)',
    )
    .argument('<service>', 'a service name from the config')
    .addOption(new Option('--record <id>', "the record of the paused deployment (default: the service's one paused deployment)"))
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples([
        ['shipwatch abort search', "abort search's paused deployment: it ends rolled_back, naming you"],
        ['shipwatch abort search --record 20261102T103000Z-a882867ff7a6-1c0f9e2b', 'that record only'],
      ]) +
        '\n\nThe decision is recorded as your IAM identity (sts:GetCallerIdentity); with allowSelfApproval: false, whoever triggered the' +
        '\ndeployment may not decide it. Exits 0 once aborted (the rollback follows: shipwatch follow); 3 when nothing is paused,' +
        '\nit was decided already, or it expired.',
    )
    .action(run(async (ctx, service: string, options: { record?: string; json?: boolean }) => decidePause(ctx, service, 'abort', options)));
};
