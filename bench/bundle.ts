// esbuild with the options serverless.yml gives serverless-esbuild
// (custom.esbuild), for the benchmark's own modules: the bare-client reference
// and the variants without keepNames are built exactly as the functions are.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { parse } from 'yaml';
import { ROOT } from './package-ref.js';

/** serverless-esbuild's own settings, which esbuild does not take. */
const PLUGIN_ONLY = [
  'exclude',
  'outputFileExtension',
  'packager',
  'packagerOptions',
  'concurrency',
  'zipConcurrency',
  'nativeZip',
  'keepOutputDirectory',
  'plugins',
];

function serverlessEsbuildOptions(): { options: BuildOptions; plugins: Plugin[] } {
  const sls = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as { custom: { esbuild: Record<string, unknown> } };
  const { esbuild } = sls.custom;
  const options = Object.fromEntries(Object.entries(esbuild).filter(([k]) => !PLUGIN_ONLY.includes(k))) as BuildOptions;
  const pluginsFile = esbuild.plugins as string | undefined;
  // serverless-esbuild takes an array, or a function it calls for one.
  const exported = pluginsFile ? (createRequire(join(ROOT, 'package.json'))(join(ROOT, pluginsFile)) as Plugin[] | (() => Plugin[])) : [];
  const plugins = typeof exported === 'function' ? exported() : exported;
  return { options, plugins };
}

/** Bundles `entry` (relative to the project) or inline `code` to `outfile`, as serverless package would. */
export async function bundleLikeServerless(source: { entry: string } | { code: string }, outfile: string, overrides: BuildOptions = {}): Promise<void> {
  const { options, plugins } = serverlessEsbuildOptions();
  const input = 'entry' in source ? { entryPoints: [join(ROOT, source.entry)] } : { stdin: { contents: source.code, resolveDir: ROOT, loader: 'ts' as const } };
  // esbuild resolves aliases against the working directory, as serverless-esbuild runs it.
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    await build({ ...options, ...input, ...overrides, plugins, outfile, logLevel: 'error' });
  } finally {
    process.chdir(cwd);
  }
}
