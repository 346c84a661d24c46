import { Command, Option } from 'commander';
import type { CliContext, ContextFactory, GlobalOptions } from './context.js';
import type { ExitCode } from './errors.js';
import { parseRegion, parseStage } from './options.js';

/** Where the program writes: stdout for results, stderr for help after an error, notes and errors. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** Wraps a command's action: the context from the global options, and the exit code it returns. */
export type Run = <A extends unknown[]>(action: (ctx: CliContext, ...args: A) => Promise<ExitCode>) => (...args: unknown[]) => Promise<void>;

/**
 * One command of the CLI: it adds itself (arguments, options, help with
 * examples) to the program. cli/commands/index.ts lists them; a new command
 * is one more file there and one more line in that list.
 */
export type RegisterCommand = (program: Command, run: Run) => void;

/** `Examples:` after a command's help: what a person types, and what it does. */
export function examples(lines: [string, string][]): string {
  const width = Math.max(...lines.map(([cmd]) => cmd.length));
  return `\nExamples:\n${lines.map(([cmd, what]) => `  $ ${cmd.padEnd(width)}  # ${what}`).join('\n')}`;
}

export const jsonOption = () => new Option('--json', 'print the result as JSON on stdout (for scripts and jq)');

export function buildProgram(commands: RegisterCommand[], context: ContextFactory, io: CliIo, setExit: (code: ExitCode) => void): Command {
  const program = new Command('shipwatch')
    .description(
      'Operate Shipwatch: check the config against AWS, preview a push, see what runs and how deployments went, promote or abort a paused canary, roll back, or play it all in a sandbox.',
    )
    .addOption(
      new Option('--stage <stage>', 'the stage you deployed (`serverless deploy --stage`); finds the stack shipwatch-<stage>')
        .env('SHIPWATCH_STAGE')
        .argParser(parseStage),
    )
    .addOption(new Option('--region <region>', "AWS region (default: AWS_REGION, then your profile's region)").argParser(parseRegion))
    .addOption(new Option('--profile <profile>', 'named profile from ~/.aws/config (default: AWS_PROFILE)'))
    .addOption(new Option('--config <file>', "the Shipwatch config (default: SHIPWATCH_CONFIG, the sandbox's, then shipwatch.yml)"))
    .helpCommand('help [command]', 'help for a command')
    .showHelpAfterError('(shipwatch --help lists the commands)')
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, '')),
      writeErr: (s) => io.err(s.replace(/\n$/, '')),
      // Every error line starts the same way, whoever found it.
      outputError: (s, write) => write(s.replace(/^error: /, 'shipwatch: ')),
    })
    .exitOverride();

  const run: Run =
    <A extends unknown[]>(action: (ctx: CliContext, ...args: A) => Promise<ExitCode>) =>
    async (...args: unknown[]) => {
      const command = args.at(-1) as Command;
      const globals = command.optsWithGlobals<GlobalOptions>();
      const ctx = context({
        ...(globals.stage ? { stage: globals.stage } : {}),
        ...(globals.region ? { region: globals.region } : {}),
        ...(globals.profile ? { profile: globals.profile } : {}),
        ...(globals.config ? { config: globals.config } : {}),
      });
      // commander passes the arguments, then the options, then the command itself.
      setExit(await action(ctx, ...(args.slice(0, -1) as A)));
    };

  for (const register of commands) register(program, run);
  // Each subcommand inherits the error handling and output of the program.
  for (const command of program.commands) {
    command.exitOverride().configureOutput(program.configureOutput()).showHelpAfterError(`(shipwatch ${command.name()} --help shows its options and examples)`);
  }
  return program;
}
