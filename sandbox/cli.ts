import { parseArgs } from 'node:util';
import { SCENARIOS } from './scenarios.js';

/** `shipwatch sandbox [--scenario NAME] [--seed N] [--speed X] [--json FILE]` */
export async function sandboxCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string' },
      seed: { type: 'string', default: '1' },
      speed: { type: 'string', default: '600' },
      json: { type: 'string' },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help || values.list) {
    console.log('shipwatch sandbox [--scenario NAME] [--seed N] [--speed X|max] [--json FILE]\n\nScenarios:');
    for (const s of SCENARIOS) console.log(`  ${s.name.padEnd(18)} ${s.title} (expect ${s.expect})`);
    return 0;
  }
  const seed = Number(values.seed);
  const speed = values.speed === 'max' ? Infinity : Number(values.speed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got "${values.seed}"`);
  if (!(speed > 0)) throw new Error(`--speed must be a positive number or "max", got "${values.speed}"`);
  // Before the handlers load: their logger reads its level once, at import.
  process.env.POWERTOOLS_LOG_LEVEL = process.env.SHIPWATCH_SANDBOX_LOG_LEVEL ?? 'SILENT';
  const { runSandbox } = await import('./sandbox.js');
  const { ok } = await runSandbox({ ...(values.scenario ? { scenario: values.scenario } : {}), seed, speed, ...(values.json ? { json: values.json } : {}) });
  return ok ? 0 : 1;
}
