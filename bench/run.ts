// `npm run bench`: every benchmark, each in a fresh process (they set their own
// environment and module state), figures printed as Markdown tables for the README.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHES = ['cold-start.ts', 'sandbox-figures.ts', 'scale.ts', 'exposure.ts'];
let failed = 0;
for (const bench of BENCHES) {
  const file = fileURLToPath(new URL(`./${bench}`, import.meta.url));
  console.log(`\n## ${bench} (node ${process.version})\n`);
  const t0 = performance.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit', env: process.env });
  console.log(`\n(${bench}: ${((performance.now() - t0) / 1000).toFixed(1)} s${run.status === 0 ? '' : `, exit ${run.status}`})`);
  if (run.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
