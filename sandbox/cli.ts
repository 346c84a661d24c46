import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { UsageError } from '../cli/errors.js';
import { parseImageRef } from '../cli/options.js';
import { DISCOVERY_FILE, type SandboxInfo } from '../cli/sandbox-link.js';
import { SCENARIOS } from './scenarios.js';
import { terminalPrompt } from './terminal.js';

const USAGE = `shipwatch sandbox [--scenario NAME] [--seed N] [--speed X|max] [--json FILE] [--interactive|--no-interactive]
                  [--config FILE --push REPOSITORY:TAG ...] [--serve] [--dashboard]

  --config FILE     make the simulated account from your config (a service, task definition or
                    Deployment and alarms for each entry) and run your config
  --push REPO:TAG   play this push instead of the scenarios (repeat for more)
  --serve           stay up after the pushes until Ctrl-C: the shipwatch CLI, the AWS CLI and
                    kubectl reach the simulated cloud (one printed export line)
  --dashboard       serve the dashboard (shipwatch dashboard) over the sandbox and watch the
                    scenarios live: they start when it is opened; --speed defaults to 60, and
                    the sandbox then stays up (--serve), approvals waiting for you in it

Examples:
  $ shipwatch sandbox                                          # every scenario, then exit
  $ shipwatch sandbox --scenario failing-tasks --speed max     # one scenario, flat out
  $ shipwatch sandbox --dashboard --scenario alarm-during-bake  # watch a release roll back in the browser
  $ shipwatch sandbox --config shipwatch.yml --push checkout:v2 --serve
                                                               # your config, your push, then stay up`;

/** The command line, strictly: an unknown option is an error that names it. */
const parseSandboxArgs = (argv: string[]) =>
  parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string' },
      seed: { type: 'string', default: '1' },
      speed: { type: 'string' },
      json: { type: 'string' },
      interactive: { type: 'boolean' },
      'no-interactive': { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      config: { type: 'string' },
      push: { type: 'string', multiple: true },
      serve: { type: 'boolean', default: false },
      dashboard: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });

/** `shipwatch sandbox`: plays the scenarios; at a terminal, a person answers the approval requests. */
export async function sandboxCommand(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseSandboxArgs>;
  try {
    parsed = parseSandboxArgs(argv);
  } catch (error) {
    // Node's parser names the option; the exit code says it is the command line.
    throw new UsageError(`${(error as Error).message}\n${USAGE.split('\n')[0]}`);
  }
  const { values } = parsed;
  if (values.help || values.list) {
    console.log(`${USAGE}\n\nScenarios:`);
    for (const s of SCENARIOS) console.log(`  ${s.name.padEnd(20)} ${s.title} (expect ${s.expect.join(', ')})`);
    return 0;
  }
  const seed = Number(values.seed);
  // Watching in the dashboard, a minute of simulated time takes a second.
  const speedText = values.speed ?? (values.dashboard ? '60' : '600');
  const speed = speedText === 'max' ? Infinity : Number(speedText);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, got "${values.seed}"`);
  if (!(speed > 0)) throw new UsageError(`--speed must be a positive number or "max", got "${speedText}"`);
  const pushes = (values.push ?? []).map((ref) => {
    try {
      const image = parseImageRef(ref);
      if (!image.tag) throw new Error('a push needs a tag');
      return { repository: image.repository, tag: image.tag };
    } catch (error) {
      throw new UsageError(`--push ${ref}: ${(error as Error).message}`);
    }
  });
  if (values.scenario && pushes.length > 0) throw new UsageError('--scenario and --push exclude each other: the pushes replace the scenarios');
  if (pushes.length > 0) {
    // Only repositories the config names exist in the simulated account.
    const { loadConfig } = await import('../shared/config/load.js');
    const repositories = new Set(
      loadConfig(values.config ?? fileURLToPath(new URL('./shipwatch.sandbox.yml', import.meta.url))).services.map((s) => s.image.repository),
    );
    const unknown = pushes.find((p) => !repositories.has(p.repository));
    if (unknown)
      throw new UsageError(
        `--push ${unknown.repository}:${unknown.tag}: no service in the config deploys from repository ${unknown.repository} (repositories: ${[...repositories].join(', ')})`,
      );
  }
  if (values.config && pushes.length === 0) throw new UsageError("--config needs at least one --push: the scenarios are written for the sandbox's own config");
  // Ctrl-C (or a TERM) ends --serve cleanly: servers closed, the discovery file removed.
  const stop = new AbortController();
  const serve = values.serve || values.dashboard;
  if (serve) for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
  // A person answers approvals when there is one at a terminal (and not in CI).
  const interactive = values['no-interactive'] ? false : (values.interactive ?? Boolean(process.stdin.isTTY && process.stdout.isTTY && !process.env.CI));
  // Before the handlers load: their logger reads its level once, at import.
  process.env.POWERTOOLS_LOG_LEVEL = process.env.SHIPWATCH_SANDBOX_LOG_LEVEL ?? 'SILENT';
  const { runSandbox } = await import('./sandbox.js');
  // Ctrl-C at the prompt ends the run at once; with --serve it stops the servers cleanly first.
  const terminal = interactive
    ? terminalPrompt({ input: process.stdin, output: process.stdout, onInterrupt: serve ? () => stop.abort() : interrupted })
    : undefined;
  try {
    const { ok } = await runSandbox({
      ...(values.scenario ? { scenario: values.scenario } : {}),
      seed,
      speed,
      ...(values.json ? { json: values.json } : {}),
      ...(terminal ? { ask: terminal.ask } : {}),
      ...(values.config ? { config: values.config } : {}),
      ...(pushes.length > 0 ? { pushes } : {}),
      ...(serve ? { serve: stop.signal, discoveryFile: DISCOVERY_FILE } : {}),
      ...(values.dashboard ? { dashboard: serveDashboard, ...(Number.isFinite(speed) ? { serveSpeed: speed } : {}) } : {}),
    });
    return ok ? 0 : 1;
  } finally {
    terminal?.close();
  }
}

/** Ctrl-C at the terminal: the run ends now, as an interrupted command does (128 + SIGINT). */
function interrupted(): never {
  process.stdout.write('\nInterrupted: the sandbox run ends here.\n');
  process.exit(130);
}

/** The dashboard over the running sandbox, reached as the CLI reaches it (its endpoint and throwaway keys). */
async function serveDashboard(info: SandboxInfo) {
  const { contextFromEnv } = await import('../cli/context.js');
  const { startDashboard } = await import('../cli/dashboard/start.js');
  const reach = await contextFromEnv({}, { SHIPWATCH_SANDBOX: info.endpoint }).reach();
  return startDashboard(reach, { onError: (error) => console.error(`dashboard: ${error.name}: ${error.message}`) });
}
