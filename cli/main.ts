import { parseArgs } from 'node:util';
import { sandboxCommand } from '../sandbox/cli.js';
import { historyCommand } from './commands/history.js';
import { rollbackCommand } from './commands/rollback.js';
import { statusCommand } from './commands/status.js';
import { contextFromEnv, type CliContext } from './context.js';

const USAGE = `usage: shipwatch <command> [options]

commands:
  sandbox [--scenario NAME] [--seed N] [--speed X|max] [--json FILE]
            run the whole pipeline against a simulated cloud (no AWS account needed)
  history <service> [--limit N] [--json]
            the service's pushes and their outcomes, newest first
  status [--json]
            every service: deployment in flight, newest push, last good release
  rollback <service> [--to <record>] [--json]
            roll back to the release before the last deployment (or to a record's)

history, status and rollback read SHIPWATCH_TABLE (and rollback STATE_MACHINE_ARN):
the stack outputs RecordsTableName and DeployStateMachineArn.`;

export async function main(argv: string[], context: () => CliContext = contextFromEnv): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'sandbox') return sandboxCommand(rest);
  if (command === undefined || command === '-h' || command === '--help') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    options: { json: { type: 'boolean', default: false }, limit: { type: 'string', default: '20' }, to: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const service = positionals[0];
  switch (command) {
    case 'history':
      if (!service) throw new Error('usage: shipwatch history <service> [--limit N] [--json]');
      return historyCommand(context(), service, { limit: Number(values.limit), json: values.json });
    case 'status':
      return statusCommand(context(), { json: values.json });
    case 'rollback':
      if (!service) throw new Error('usage: shipwatch rollback <service> [--to <record>] [--json]');
      return rollbackCommand(context(), service, { ...(values.to ? { to: values.to } : {}), json: values.json });
    default:
      console.error(`shipwatch: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}
