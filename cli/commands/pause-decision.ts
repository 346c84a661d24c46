import { Option } from 'commander';
import { decidePause } from '../promote/decide-pause.js';
import { examples, jsonOption, type RegisterCommand } from '../program.js';

/** What differs between `promote` and `abort`: the decision, and the words. */
interface PauseDecisionText {
  description: string;
  examples: [string, string][];
  exits: string;
}

/**
 * `shipwatch promote|abort <service>`: decides the deployment paused after its
 * first traffic step, as your IAM identity, the way the dashboard's and
 * Slack's buttons decide it (cli/promote/decide-pause.ts).
 */
export const pauseDecisionCommand =
  (action: 'promote' | 'abort', text: PauseDecisionText): RegisterCommand =>
  (program, run) => {
    program
      .command(action)
      .description(text.description)
      .argument('<service>', 'a service name from the config')
      .addOption(new Option('--record <id>', "the record of the paused deployment (default: the service's one paused deployment)"))
      .addOption(jsonOption())
      .addHelpText(
        'after',
        examples(text.examples) +
          '\n\nThe decision is recorded as your IAM identity (sts:GetCallerIdentity); with allowSelfApproval: false, whoever triggered the' +
          `\ndeployment may not decide it. ${text.exits}`,
      )
      .action(run(async (ctx, service: string, options: { record?: string; json?: boolean }) => decidePause(ctx, service, action, options)));
  };
