import { sandboxCommand as runSandboxCli } from '../../sandbox/cli.js';
import type { ExitCode } from '../errors.js';
import type { RegisterCommand } from '../program.js';

/** `shipwatch sandbox`: its options are parsed by sandbox/cli.ts, which prints its own help (with the scenarios). */
export const sandboxCommand: RegisterCommand = (program) => {
  program
    .command('sandbox')
    .description('run the whole pipeline against a simulated cloud, no AWS account needed (shipwatch sandbox --help)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (_options: unknown, command: { args: string[] }) => {
      process.exitCode = (await runSandboxCli(command.args)) as ExitCode;
    });
};
