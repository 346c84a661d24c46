import { sandboxCommand as runSandboxCli } from '../../sandbox/cli.js';
import type { ExitCode } from '../errors.js';
import type { RegisterCommand } from '../program.js';

/** `shipwatch sandbox`: its options are parsed by sandbox/cli.ts, which prints its own help (with the scenarios). */
export const sandboxCommand: RegisterCommand = (program, run) => {
  const command = program
    .command('sandbox')
    .description('run the whole pipeline against a simulated cloud, no AWS account needed (shipwatch sandbox --help)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments();
  // Everything after `sandbox` is the sandbox's own command line; --config is
  // also the program's global option, which commander takes first.
  command.action(
    run(async () => {
      const config = command.optsWithGlobals<{ config?: string }>().config;
      return (await runSandboxCli([...(config ? ['--config', config] : []), ...command.args])) as ExitCode;
    }),
  );
};
