// Cold start per function: the bundle serverless-esbuild would build (same
// esbuild options), its size, and its module init time (median of N fresh
// processes), next to an empty script timed in the same run so the ratio
// stays meaningful on a noisy machine.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const OUT = join(tmpdir(), 'shipwatch-bench-cold-start');

interface Row { fn: string; kb: number; initMs: number; overEmptyMs: number }

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Time from process start to "module evaluated", measured inside a fresh Node each run. */
function initTimes(file: string): number[] {
  const probe = join(OUT, 'probe.mjs');
  writeFileSync(probe, `const t0 = performance.now();\nawait import(${JSON.stringify(file)});\nconsole.log(performance.now() - t0);\n`);
  const env = { ...process.env, AWS_REGION: 'us-east-1', STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:x', SHIPWATCH_CONFIG: join(ROOT, 'shipwatch.yml'), SHIPWATCH_TABLE: 't', POWERTOOLS_LOG_LEVEL: 'SILENT' };
  return Array.from({ length: RUNS }, () => Number(execFileSync(process.execPath, [probe], { env, encoding: 'utf8' }).trim()));
}

export async function coldStart(): Promise<Row[]> {
  mkdirSync(OUT, { recursive: true });
  const sls = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8').replace(/\$\{[^}]+\}/g, 'x')) as { functions: Record<string, { handler: string }> };
  const empty = join(OUT, 'empty.mjs');
  writeFileSync(empty, 'export const handler = async () => ({});\n');
  const emptyMs = median(initTimes(empty));
  const rows: Row[] = [{ fn: '(empty script)', kb: 0, initMs: emptyMs, overEmptyMs: 0 }];
  for (const [fn, def] of Object.entries(sls.functions)) {
    const entry = join(ROOT, `${def.handler.slice(0, def.handler.lastIndexOf('.'))}.ts`);
    const outfile = join(OUT, `${fn}.mjs`);
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      mainFields: ['module', 'main'],
      banner: { js: "import { createRequire as __shipwatchCreateRequire } from 'node:module'; const require = __shipwatchCreateRequire(import.meta.url);" },
      logLevel: 'error',
    });
    const initMs = median(initTimes(outfile));
    rows.push({ fn, kb: Math.round(statSync(outfile).size / 1024), initMs, overEmptyMs: initMs - emptyMs });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await coldStart();
  console.log(`cold start: bundle size and module init (median of ${RUNS} fresh processes, Node ${process.version})`);
  console.log('| function | bundle (KB) | init (ms) | over empty script (ms) |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.fn} | ${r.kb || '-'} | ${r.initMs.toFixed(1)} | ${r.fn.startsWith('(') ? '-' : r.overEmptyMs.toFixed(1)} |`);
}
