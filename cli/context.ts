import type { SFNClient } from '@aws-sdk/client-sfn';
import { DEFAULTS } from '../shared/config/defaults.js';
import type { RecordsDb } from '../shared/records/db.js';
import { awsClients, type AwsClients, type AwsSettings } from './aws-clients.js';
import { SetupError } from './errors.js';
import { askSandbox, DISCOVERY_FILE, readDiscovery, SANDBOX_CREDENTIALS, type SandboxInfo } from './sandbox-link.js';
import { stackOutputs } from './stack.js';

/** The options every command takes (before or after the command name). */
export interface GlobalOptions {
  stage?: string;
  region?: string;
  profile?: string;
  config?: string;
}

/** The deployed Shipwatch the commands read and drive. */
export interface Stack {
  records: RecordsDb;
  sfn: SFNClient;
  stateMachineArn?: string;
  /** How it was found: `stack shipwatch-prod`, `SHIPWATCH_TABLE`, `the sandbox at http://…`. */
  source: string;
}

/** An AWS account (or a sandbox) the commands reach, and the config that describes it. */
export interface Reach {
  clients: AwsClients;
  /** --config, SHIPWATCH_CONFIG, the sandbox's own config, or shipwatch.yml. */
  configFile: string;
  stack(): Promise<Stack>;
  /** For messages. */
  label: string;
  /** Where the Slack bot token is (SSM), and the Slack API when it is not Slack's own (a sandbox's stand-in). */
  slack: { tokenParameter: string; apiUrl?: string };
}

/** What the commands work with; tests hand in their own. */
export interface CliContext {
  out(text: string): void;
  err(text: string): void;
  /** Who runs the command (recorded with a rollback). */
  user: string;
  now(): Date;
  sleep(ms: number): Promise<void>;
  /** The config file for commands that need no AWS (validate, plan). */
  configFile: string;
  /** AWS (or a sandbox), resolved on first use: commands that stay offline never touch it. */
  reach(): Promise<Reach>;
}

export type ContextFactory = (globals: GlobalOptions) => CliContext;

/**
 * Where the records are, in this order: SHIPWATCH_TABLE (and
 * STATE_MACHINE_ARN); --stage or SHIPWATCH_STAGE, through the stack's
 * outputs; SHIPWATCH_SANDBOX; a sandbox this clone is running.
 */
export function contextFromEnv(globals: GlobalOptions, env: NodeJS.ProcessEnv = process.env, discoveryFile = DISCOVERY_FILE): CliContext {
  const explicitConfig = globals.config ?? env.SHIPWATCH_CONFIG;
  const settings: AwsSettings = { ...(globals.region ? { region: globals.region } : {}), ...(globals.profile ? { profile: globals.profile } : {}) };
  const stage = globals.stage ?? env.SHIPWATCH_STAGE;
  const err = (text: string) => void process.stderr.write(`${text}\n`);
  // A sandbox keeps simulated time: leases, windows and "since" are judged by its clock.
  let clockOffset = 0;
  let reached: Promise<Reach> | undefined;

  const aws = (
    clients: AwsClients,
    stack: () => Promise<Omit<Stack, 'records' | 'sfn'> & { table: string }>,
    label: string,
    configFile: string,
    slack: Reach['slack'],
  ): Reach => {
    let resolved: Promise<Stack> | undefined;
    return {
      clients,
      configFile,
      label,
      slack,
      stack: () => (resolved ??= stack().then(({ table, ...rest }) => ({ ...rest, records: { db: clients.dynamo(), table }, sfn: clients.sfn() }))),
    };
  };

  const sandbox = (info: SandboxInfo): Reach => {
    if (info.now !== undefined) clockOffset = info.now - Date.now();
    const clients = awsClients({ region: info.region, endpoint: info.endpoint, credentials: { ...SANDBOX_CREDENTIALS } });
    return aws(
      clients,
      async () => ({ table: info.table, stateMachineArn: info.stateMachineArn, source: `the sandbox at ${info.endpoint}` }),
      `the sandbox at ${info.endpoint}`,
      explicitConfig ?? info.config,
      {
        tokenParameter: DEFAULTS.slack.botTokenParameter,
        ...(info.slackApiUrl ? { apiUrl: info.slackApiUrl } : {}),
      },
    );
  };

  async function resolve(): Promise<Reach> {
    const configFile = explicitConfig ?? DEFAULTS.configFile;
    // serverless.yml names the parameter after the stage; without one, what SLACK_BOT_TOKEN_PARAMETER says, as the functions read it.
    const slack = { tokenParameter: stage ? `/shipwatch/${stage}/slack-bot-token` : (env.SLACK_BOT_TOKEN_PARAMETER ?? DEFAULTS.slack.botTokenParameter) };
    if (env.SHIPWATCH_TABLE && !stage) {
      const clients = awsClients(settings);
      const table = env.SHIPWATCH_TABLE;
      return aws(
        clients,
        async () => ({ table, ...(env.STATE_MACHINE_ARN ? { stateMachineArn: env.STATE_MACHINE_ARN } : {}), source: 'SHIPWATCH_TABLE' }),
        'AWS',
        configFile,
        slack,
      );
    }
    if (stage) {
      const clients = awsClients(settings);
      return aws(clients, () => stackOutputs(clients.cloudformation(), stage), `stack shipwatch-${stage}`, configFile, slack);
    }
    if (env.SHIPWATCH_SANDBOX) {
      try {
        return sandbox(await askSandbox(env.SHIPWATCH_SANDBOX));
      } catch (error) {
        throw new SetupError((error as Error).message, { cause: error });
      }
    }
    const running = readDiscovery(discoveryFile);
    if (running) {
      err(`shipwatch: using the sandbox running at ${running.endpoint} (pid ${running.pid}); pass --stage to reach AWS`);
      try {
        return sandbox(await askSandbox(running.endpoint));
      } catch (error) {
        throw new SetupError((error as Error).message, { cause: error });
      }
    }
    // Offline checks against AWS still work with the SDK's own settings; only the records need a stack.
    return aws(
      awsClients(settings),
      async () => {
        throw new SetupError(
          'which Shipwatch? Pass --stage STAGE (the stage of `serverless deploy --stage`; the CLI reads the stack shipwatch-STAGE), or set SHIPWATCH_TABLE, or start a sandbox: npx shipwatch sandbox --serve',
        );
      },
      'AWS',
      configFile,
      slack,
    );
  }

  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err,
    user: env.USER ?? env.USERNAME ?? 'someone',
    now: () => new Date(Date.now() + clockOffset),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    configFile: explicitConfig ?? DEFAULTS.configFile,
    reach: () => (reached ??= resolve()),
  };
}
