import type { SFNClient } from '@aws-sdk/client-sfn';
import { awsClients, type AwsClients } from '../../cli/aws-clients.js';
import type { CliContext, GlobalOptions, Stack } from '../../cli/context.js';
import { main } from '../../cli/main.js';
import type { RecordsDb } from '../../shared/records/db.js';

/**
 * The CLI as a test drives it: a context over the test's records, clients and
 * config, and what it printed on stdout and stderr. `run` returns the exit code.
 */
export function cliHarness(options: {
  configFile: string;
  records?: RecordsDb;
  sfn?: SFNClient;
  stateMachineArn?: string;
  clients?: AwsClients;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  slack?: { tokenParameter: string; apiUrl?: string };
}) {
  const out: string[] = [];
  const err: string[] = [];
  const globals: GlobalOptions[] = [];
  const stack = async (): Promise<Stack> => {
    if (!options.records || !options.sfn) throw new Error('this test harness has no records table');
    return { records: options.records, sfn: options.sfn, ...(options.stateMachineArn ? { stateMachineArn: options.stateMachineArn } : {}), source: 'the test' };
  };
  const context = (g: GlobalOptions): CliContext => {
    globals.push(g);
    const configFile = g.config ?? options.configFile;
    return {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      user: 'alice',
      now: options.now ?? (() => new Date()),
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      configFile,
      reach: async () => ({
        clients: options.clients ?? awsClients({ region: 'us-east-1' }),
        configFile,
        stack,
        label: 'the test',
        slack: options.slack ?? { tokenParameter: '/shipwatch/slack-bot-token' },
      }),
    };
  };
  return {
    out,
    err,
    globals,
    run: (argv: string[]) => main(argv, context, { out: (t) => out.push(t), err: (t) => err.push(t) }),
    /** Everything printed so far, stdout then stderr, and clears both. */
    take() {
      const text = { out: out.join('\n'), err: err.join('\n') };
      out.length = 0;
      err.length = 0;
      return text;
    },
  };
}
