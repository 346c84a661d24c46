// Cold start per function, measured on the zips `serverless package` writes,
// loaded as Lambda loads them (local/lambda/): each zip's uncompressed code
// size, and the import of its handler module in a fresh Node 22 process,
// paired in every round with an empty script and with one bare SDK client
// (@aws-sdk/client-ecs, env-only credentials, bundled with the same options).
// Rounds are interleaved in a shuffled order, and each figure is the median
// with its interquartile range of the per-round differences, so a noisy,
// shared machine moves all variants of a round together and drops out.
//
//   tsx bench/cold-start.ts [--before <git ref>] [--keep-names] [--rounds N] [--seed N]
//   (or BENCH_BEFORE, BENCH_KEEP_NAMES=1, BENCH_ROUNDS through `npm run bench`)
//
// --before packages that commit in a checkout of its own (bench/package-ref.ts)
// and measures it in the same rounds; --keep-names adds each function built
// without esbuild's keepNames, to price it.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { FunctionPackage } from '../local/lambda-runtime/environments.js';
import { loadPackage, type PackagedApp } from '../local/lambda-runtime/packaged.js';
import { bundleLikeServerless } from './bundle.js';
import { codeBytes, initMs } from './init-time.js';
import { packageCommit, packageWorkingTree } from './package-ref.js';
import { formatSummary, seededRandom, shuffle, summary } from './stats.js';

interface Variant {
  id: string;
  pkg: FunctionPackage;
  kb: number;
  times: number[];
}

const { values: args } = parseArgs({
  options: { before: { type: 'string' }, 'keep-names': { type: 'boolean' }, rounds: { type: 'string' }, seed: { type: 'string' } },
});
const ROUNDS = Number(args.rounds ?? process.env.BENCH_ROUNDS ?? 25);
const BEFORE = args.before ?? process.env.BENCH_BEFORE;
const KEEP_NAMES = args['keep-names'] ?? process.env.BENCH_KEEP_NAMES === '1';
const SEED = Number(args.seed ?? 14);
const WORK = join(tmpdir(), 'shipwatch-bench-cold-start');
const TARGET_KB = 300;
const TARGET_MS = 40;

// On a shared machine, other work takes CPU from whichever variant runs: the
// rounds pair the variants against that, and where the OS allows it (root, or
// CAP_SYS_NICE) the benchmark and the processes it starts (they inherit it)
// also run at the highest priority, so what is timed is the function's init
// more than the neighbours' load. The output says which it was.
let priority = 'normal priority';
if (process.env.BENCH_PRIORITY !== 'normal') {
  try {
    setPriority(-20);
    priority = 'highest priority (nice -20)';
  } catch {
    priority = 'normal priority (raising it was not allowed)';
  }
}

const variants: Variant[] = [];
const apps: PackagedApp[] = [];
const kb = (bytes: number) => bytes / 1024;
const STACK = { table: 'shipwatch-bench-records', stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:shipwatch-bench-deploy' };

async function addPackage(label: string, packageDir: string): Promise<FunctionPackage[]> {
  const app = await loadPackage(packageDir, STACK);
  apps.push(app);
  for (const pkg of app.functions.values()) variants.push({ id: `${label}:${pkg.name}`, pkg, kb: kb(codeBytes(pkg.root)), times: [] });
  return [...app.functions.values()];
}

/** A module made here (the references, the keepNames variants), in a task root of its own. */
async function addBuilt(id: string, make: (file: string) => void | Promise<void>, env: Record<string, string> = {}): Promise<void> {
  const root = join(WORK, ...id.split(':'));
  mkdirSync(root, { recursive: true });
  await make(join(root, 'index.mjs'));
  variants.push({ id, pkg: { name: id, root, handler: 'index.handler', timeoutSeconds: 30, env }, kb: kb(codeBytes(root)), times: [] });
}

rmSync(WORK, { recursive: true, force: true });
console.error('packaging the working tree…');
const functions = await addPackage('after', packageWorkingTree());
let beforeSha: string | undefined;
if (BEFORE) {
  console.error(`packaging ${BEFORE} (first time: a checkout and npm ci)…`);
  const before = packageCommit(BEFORE);
  beforeSha = before.sha;
  await addPackage('before', before.dir);
}
await addBuilt('empty', (file) => writeFileSync(file, 'export const handler = async () => ({});\n'));
const BARE_CLIENT =
  "import { ECSClient } from '@aws-sdk/client-ecs';\nconst ecs = new ECSClient({});\nexport const handler = async () => ecs.config.serviceId;\n";
await addBuilt('bare-client', (file) => bundleLikeServerless({ code: BARE_CLIENT }, file));
if (KEEP_NAMES) {
  for (const fn of functions) {
    const entry = `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.ts`;
    await addBuilt(`no-keep-names:${fn.name}`, (file) => bundleLikeServerless({ entry }, file, { keepNames: false }), fn.env);
  }
}

const random = seededRandom(SEED);
for (let round = 1; round <= ROUNDS; round++) {
  for (const v of shuffle(variants, random)) {
    v.times.push(await initMs(v.pkg));
  }
  console.error(`round ${round}/${ROUNDS}`);
}

const byId = new Map(variants.map((v) => [v.id, v]));
const get = (id: string) => byId.get(id);
/** Per-round differences: each round's noise is shared by the two variants it compares. */
const diff = (a: Variant, b: Variant) => a.times.map((t, i) => t - b.times[i]!);
const empty = get('empty')!;
const bare = get('bare-client')!;

console.log(
  `Cold start, ${ROUNDS} interleaved rounds (seed ${SEED}), Node ${process.version}, ${priority}${beforeSha ? `, before = ${beforeSha.slice(0, 7)}` : ''}.`,
);
console.log(
  "KB: uncompressed code in the zip. ms: import of the handler module in a fresh process, minus the same round's empty script (or bare client); median [interquartile range].\n",
);
console.log(
  `(empty script: ${formatSummary(empty.times)} ms absolute; bare ECS client with env-only credentials: ${bare.kb.toFixed(0)} KB, ${formatSummary(diff(bare, empty))} ms over the empty script)\n`,
);
const beforeCols = beforeSha ? ' before: KB | before: ms over empty | before: ms over bare client |' : '';
console.log(`| function |${beforeCols} KB | ms over empty script | ms over bare client | ≤ ${TARGET_KB} KB and ≤ ${TARGET_MS} ms |`);
console.log(`| --- |${beforeSha ? ' ---: | ---: | ---: |' : ''} ---: | ---: | ---: | :---: |`);
for (const { name } of functions) {
  const after = get(`after:${name}`)!;
  const before = get(`before:${name}`);
  const overEmpty = summary(diff(after, empty)).median;
  const met = after.kb <= TARGET_KB && overEmpty <= TARGET_MS ? 'yes' : 'no';
  const beforeCells = before ? ` ${before.kb.toFixed(0)} | ${formatSummary(diff(before, empty))} | ${formatSummary(diff(before, bare))} |` : '';
  console.log(`| ${name} |${beforeCells} ${after.kb.toFixed(0)} | ${formatSummary(diff(after, empty))} | ${formatSummary(diff(after, bare))} | ${met} |`);
}
if (KEEP_NAMES) {
  console.log('\nkeepNames: the same functions built without it (same options otherwise), in the same rounds.\n');
  console.log('| function | KB with keepNames | KB without | ms it costs |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const { name } of functions) {
    const withNames = get(`after:${name}`)!;
    const without = get(`no-keep-names:${name}`)!;
    console.log(`| ${name} | ${withNames.kb.toFixed(0)} | ${without.kb.toFixed(0)} | ${formatSummary(diff(withNames, without))} |`);
  }
}

for (const app of apps) await app.dispose();
