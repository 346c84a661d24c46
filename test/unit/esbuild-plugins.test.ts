import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import picomatch from 'picomatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/load.js';

// infra/esbuild-plugins.cjs replaces three modules in the bundles with what
// the packaged config says. Built here as serverless-esbuild builds them (the
// same plugins, the esbuild options that matter for resolution), then imported.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const plugins = createRequire(import.meta.url)('../../infra/esbuild-plugins.cjs') as () => Plugin[];
let dir: string;
const saved = process.env.SHIPWATCH_CONFIG;

const service = (name: string, target: string, extra = '') => `  - name: ${name}
    image: { repository: ${name}, tags: ["v*", "release-[0-9]*", "+(alpha|beta)-*"] }
    target: ${target}
    health: { fixForwardTags: ["hotfix-*"] }
${extra}`;
const ECS = '{ ecs: { cluster: prod, service: web, container: app } }';
const EKS = '{ eks: { cluster: shop, deployment: catalog, container: web } }';

/** Bundles `code` (resolved from the project root) with the plugins and `config` as SHIPWATCH_CONFIG; imports it. */
async function bundle(config: string, code: string): Promise<{ module: Record<string, unknown>; inputs: string[] }> {
  const configFile = join(dir, `shipwatch-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(configFile, config);
  process.env.SHIPWATCH_CONFIG = configFile;
  const outfile = join(dir, `${Math.random().toString(36).slice(2)}.mjs`);
  const result = await build({
    stdin: { contents: code, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    outfile,
    metafile: true,
    logLevel: 'silent',
    banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
    plugins: plugins(),
  });
  return { module: (await import(pathToFileURL(outfile).href)) as Record<string, unknown>, inputs: Object.keys(result.metafile.inputs) };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'shipwatch-esbuild-plugins-'));
});
afterAll(() => {
  process.env.SHIPWATCH_CONFIG = saved;
  rmSync(dir, { recursive: true, force: true });
});

describe('the packaged config', () => {
  it('is the validated config, defaults applied, with the file it came from', async () => {
    // Prepare / Act
    const { module, inputs } = await bundle(`services:\n${service('web', ECS)}`, "export { configDocument } from './shared/config/document.ts';");
    const document = (module.configDocument as () => { file: string; config: unknown })();

    // Assess
    expect(document).toEqual({ file: process.env.SHIPWATCH_CONFIG, config: loadConfig(process.env.SHIPWATCH_CONFIG) });
    expect(inputs.filter((i) => /node_modules\/(yaml|zod)\//.test(i))).toEqual([]);
  });

  it('fails the build with the message the CLI gives for the same file', async () => {
    // Prepare
    const broken = `services:\n${service('web', ECS).replace('fixForwardTags', 'fixForwardTag')}`;

    // Act
    const error = await bundle(broken, "export { configDocument } from './shared/config/document.ts';").catch((e: unknown) => e as Error);

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(
      'is not a valid Shipwatch config:\n  services[0].health.fixForwardTag: unknown key (did you mean "fixForwardTags"?)',
    );
  });
});

describe('tag globs', () => {
  it('match as picomatch matches, from expressions compiled while packaging, without picomatch in the bundle', async () => {
    // Prepare
    const config = `services:\n${service('web', ECS, '    approval: { required: ["rc-*"], channel: C0DEPLOYS, approvers: [U0ALICE] }\n')}`;
    const { module, inputs } = await bundle(config, "export { tagMatches } from './shared/match/tag-glob.ts';");
    const tagMatches = module.tagMatches as (glob: string, tag: string) => boolean;
    const globs = ['v*', 'release-[0-9]*', '+(alpha|beta)-*', 'hotfix-*', 'rc-*'];
    const tags = ['v1', 'v', 'V1', 'release-4', 'release-x', 'alpha-1', 'beta-', 'gamma-1', 'hotfix-7', 'rc-1', 'rc', '', 'x.v1'];

    // Act
    const matches = globs.flatMap((glob) => tags.map((tag) => [glob, tag, tagMatches(glob, tag)]));

    // Assess
    expect(matches).toEqual(globs.flatMap((glob) => tags.map((tag) => [glob, tag, picomatch(glob, { dot: true })(tag)])));
    expect(inputs.filter((i) => i.includes('node_modules/picomatch/'))).toEqual([]);
  });

  it('refuses a glob the packaged config does not have, naming it, instead of guessing', async () => {
    // Prepare
    const { module } = await bundle(`services:\n${service('web', ECS)}`, "export { tagMatches } from './shared/match/tag-glob.ts';");

    // Act
    const error = (() => {
      try {
        (module.tagMatches as (glob: string, tag: string) => boolean)('nightly-*', 'nightly-1');
      } catch (e) {
        return e as Error;
      }
    })();

    // Assess
    expect(error).toMatchObject({
      name: 'ConfigError',
      message: expect.stringMatching(
        /^tag glob "nightly-\*" is not in the config these functions were packaged with \(.*\.yml\); package and deploy Shipwatch again$/,
      ),
    });
  });
});

describe('deploy platforms', () => {
  const targetFor = "export { targetFor } from './shared/targets/target-for.ts';";
  /** The platforms a bundle can drive: the ECS client, the EKS target (whose one AWS call needs no client). */
  const sdk = (inputs: string[]) =>
    [
      ...new Set(
        inputs.map((i) => (i.includes('node_modules/@aws-sdk/client-ecs/') ? 'ecs' : i.includes('shared/targets/eks/') ? 'eks' : undefined)).filter(Boolean),
      ),
    ].sort();

  it('are only those the config uses: an ECS-only package has no EKS target, an EKS-only one no ECS client', async () => {
    // Act
    const ecsOnly = await bundle(`services:\n${service('web', ECS)}`, targetFor);
    const eksOnly = await bundle(`services:\n${service('catalog', EKS)}`, targetFor);
    const both = await bundle(`services:\n${service('web', ECS)}${service('catalog', EKS)}`, targetFor);

    // Assess
    expect(sdk(ecsOnly.inputs)).toEqual(['ecs']);
    expect(sdk(eksOnly.inputs)).toEqual(['eks']);
    expect(sdk(both.inputs)).toEqual(['ecs', 'eks']);
  });

  it('refuse a service on a platform the package left out, saying what to do', async () => {
    // Prepare
    const { module } = await bundle(`services:\n${service('web', ECS)}`, targetFor);
    const eksService = loadConfigText(`services:\n${service('catalog', EKS)}`).services[0];

    // Act
    const error = (() => {
      try {
        (module.targetFor as (s: unknown) => unknown)(eksService);
      } catch (e) {
        return e as Error;
      }
    })();

    // Assess
    expect(error).toMatchObject({
      name: 'TargetMisconfigured',
      message:
        'catalog deploys to eks, but these functions were packaged for ecs only (the packaged config has no such service); package and deploy Shipwatch again',
    });
  });
});

function loadConfigText(text: string) {
  const file = join(dir, 'inline.yml');
  writeFileSync(file, text);
  return loadConfig(file);
}
