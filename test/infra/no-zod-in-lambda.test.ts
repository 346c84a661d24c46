import { build, type Plugin } from 'esbuild';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// zod is the edge's schema (packaging, the CLI); the functions check their
// input with Valibot (#14). A value import of a module that also holds a zod
// schema pulls all of zod into a bundle: the strategy schema did so for seven
// functions before the traffic steps moved to config/traffic-steps.ts. Each
// function is bundled as packaging bundles it (the project's esbuild plugins,
// the sandbox's config: ECS, EKS and every strategy) and its inputs are read.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FUNCTIONS = readdirSync(new URL('../../functions/', import.meta.url)).filter((f) => f.endsWith('.ts'));
const plugins = createRequire(import.meta.url)('../../infra/esbuild-plugins.cjs') as () => Plugin[];
const saved = process.env.SHIPWATCH_CONFIG;
afterAll(() => {
  process.env.SHIPWATCH_CONFIG = saved;
});

describe('the Lambda bundles', () => {
  it('hold no zod, whatever strategy the config uses', async () => {
    process.env.SHIPWATCH_CONFIG = fileURLToPath(new URL('../../sandbox/shipwatch.sandbox.yml', import.meta.url));
    const out = await build({
      absWorkingDir: ROOT,
      entryPoints: FUNCTIONS.map((f) => `functions/${f}`),
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      mainFields: ['module', 'main'],
      outdir: 'out',
      write: false,
      metafile: true,
      logLevel: 'silent',
      plugins: plugins(),
    });
    const withZod = Object.values(out.metafile.outputs)
      .filter((o) => o.entryPoint && Object.keys(o.inputs).some((i) => i.includes('node_modules/zod/')))
      .map((o) => o.entryPoint);

    expect(Object.values(out.metafile.outputs).filter((o) => o.entryPoint)).toHaveLength(FUNCTIONS.length);
    expect(withZod).toEqual([]);
  });
});
