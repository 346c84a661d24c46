import { Option } from 'commander';
import { decidePause } from '../promote/decide-pause.js';
import { examples, jsonOption, type RegisterCommand } from '../program.js';

/**
 * `shipwatch promote <service>`: the deployment paused after its first
 * traffic step (a strategy with `pause: true`) goes on, shifting the rest of
 * the traffic to the new release. Decided as your IAM identity, as the
 * dashboard's Promote button and Slack's decide it.
 */
export const promoteCommand: RegisterCommand = (program, run) => {
  program
    .command('promote')
    .description(
      "promote a canary or linear deployment paused after its first traffic step: the rest of the traffic shifts to the new release (as you, like the dashboard's and Slack's Promote)",
    )
    .argument('<service>', 'a service name from the config')
    .addOption(new Option('--record <id>', "the record of the paused deployment (default: the service's one paused deployment)"))
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples([
        ['shipwatch promote search', "promote search's paused deployment"],
        ['shipwatch promote search --record 20261102T103000Z-a882867ff7a6-1c0f9e2b', 'that record only'],
        ['shipwatch promote search --json', 'who decided and when, as JSON'],
      ]) +
        '\n\nThe decision is recorded as your IAM identity (sts:GetCallerIdentity); with allowSelfApproval: false, whoever triggered the' +
        '\ndeployment may not decide it. Exits 0 once promoted; 3 when nothing is paused, it was decided already, or it expired.',
    )
    .action(run(async (ctx, service: string, options: { record?: string; json?: boolean }) => decidePause(ctx, service, 'promote', options)));
};
