import { COMMANDS } from './commands/index.js';
import { contextFromEnv, type ContextFactory } from './context.js';
import { EXIT, type ExitCode } from './errors.js';
import { buildProgram, type CliIo } from './program.js';
import { reportError } from './report-error.js';

const stdio: CliIo = {
  out: (text) => void process.stdout.write(`${text}\n`),
  err: (text) => void process.stderr.write(`${text}\n`),
};

/** Runs one command line; resolves to the exit code (README, "Exit codes"). Never throws. */
export async function main(argv: string[], context: ContextFactory = contextFromEnv, io: CliIo = stdio): Promise<ExitCode> {
  let code: ExitCode = EXIT.ok;
  const program = buildProgram(COMMANDS, context, io, (c) => {
    code = c;
  });
  if (argv.length === 0) {
    io.err(program.helpInformation().replace(/\n$/, ''));
    return EXIT.usage;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    return reportError(error, io.err);
  }
}
