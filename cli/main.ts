import { sandboxCommand } from '../sandbox/cli.js';

const USAGE = `usage: shipwatch <command> [options]

commands:
  sandbox   run the whole pipeline against a simulated cloud (no AWS account needed)`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'sandbox':
      return sandboxCommand(rest);
    case undefined:
    case '-h':
    case '--help':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`shipwatch: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}
