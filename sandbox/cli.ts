import { parseArgs } from 'node:util';
import { SCENARIOS } from './scenarios.js';
import { terminalPrompt } from './terminal.js';

const USAGE = 'shipwatch sandbox [--scenario NAME] [--seed N] [--speed X|max] [--json FILE] [--interactive|--no-interactive]';

/** `shipwatch sandbox`: plays the scenarios; at a terminal, a person answers the approval requests. */
export async function sandboxCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string' },
      seed: { type: 'string', default: '1' },
      speed: { type: 'string', default: '600' },
      json: { type: 'string' },
      interactive: { type: 'boolean' },
      'no-interactive': { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help || values.list) {
    console.log(`${USAGE}\n\nScenarios:`);
    for (const s of SCENARIOS) console.log(`  ${s.name.padEnd(20)} ${s.title} (expect ${s.expect.join(', ')})`);
    return 0;
  }
  const seed = Number(values.seed);
  const speed = values.speed === 'max' ? Infinity : Number(values.speed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got "${values.seed}"`);
  if (!(speed > 0)) throw new Error(`--speed must be a positive number or "max", got "${values.speed}"`);
  // A person answers approvals when there is one at a terminal (and not in CI).
  const interactive = values['no-interactive'] ? false : (values.interactive ?? Boolean(process.stdin.isTTY && process.stdout.isTTY && !process.env.CI));
  // Before the handlers load: their logger reads its level once, at import.
  process.env.POWERTOOLS_LOG_LEVEL = process.env.SHIPWATCH_SANDBOX_LOG_LEVEL ?? 'SILENT';
  const { runSandbox } = await import('./sandbox.js');
  const terminal = interactive ? terminalPrompt({ input: process.stdin, output: process.stdout, onInterrupt: interrupted }) : undefined;
  try {
    const { ok } = await runSandbox({
      ...(values.scenario ? { scenario: values.scenario } : {}),
      seed,
      speed,
      ...(values.json ? { json: values.json } : {}),
      ...(terminal ? { ask: terminal.ask } : {}),
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
