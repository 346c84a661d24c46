// esbuild plugins for the Lambda bundles (serverless.yml: custom.esbuild.plugins).
//
// The config is validated once, at packaging time, with the same schema and
// the same error messages as everywhere else, and three modules that read it
// at run time from source are replaced in the bundles by what it says:
//
// - shared/config/document.ts: the validated config itself, as JSON. Whatever
//   path SHIPWATCH_CONFIG names (outside the project too), the functions carry
//   their config; neither a YAML parser nor the full schema ships.
// - shared/match/glob-regex.ts: the regular expression of every tag glob in
//   the config, compiled by picomatch now; picomatch does not ship.
// - shared/targets/platforms.ts: only the deploy platforms the config uses;
//   an EKS-only package carries no ECS client, an ECS-only one no EKS target.
const path = require('node:path');
const { tsImport } = require('tsx/esm/api');

const ROOT = path.join(__dirname, '..');
const source = (file) => path.join(ROOT, ...file.split('/'));

async function packagedConfig() {
  const { loadConfig } = await tsImport('../shared/config/load.ts', __filename);
  // The same file infra/iam.cjs derives the roles from: one config per package.
  const file = process.env.SHIPWATCH_CONFIG || 'shipwatch.yml';
  return { file, config: loadConfig(file) };
}

const unique = (xs) => [...new Set(xs)];

/** Every tag glob a function may match: image tags, approval globs, fix-forward tags. */
function tagGlobs(config) {
  return unique(
    config.services.flatMap((s) => [...s.image.tags, ...(Array.isArray(s.approval?.required) ? s.approval.required : []), ...s.health.fixForwardTags]),
  );
}

/** The generated modules, by the source file they replace. TypeScript, so `../x.js` resolves to `../x.ts` as from source. */
const MODULES = {
  'shared/config/document.ts': async ({ file, config }) => `export const configDocument = () => (${JSON.stringify({ file, config })});\n`,

  'shared/match/glob-regex.ts': async ({ file, config }) => {
    const { globRegex, GLOB_OPTIONS } = await tsImport('../shared/match/glob-regex.ts', __filename);
    const entries = tagGlobs(config).map((glob) => `  [${JSON.stringify(glob)}, ${String(globRegex(glob))}],`);
    return [
      `import { ConfigError } from '../errors.js';`,
      `export const GLOB_OPTIONS = ${JSON.stringify(GLOB_OPTIONS)};`,
      `const REGEX = new Map<string, RegExp>([\n${entries.join('\n')}\n]);`,
      `export function globRegex(glob: string): RegExp {`,
      `  const regex = REGEX.get(glob);`,
      `  if (regex) return regex;`,
      `  throw new ConfigError(\`tag glob "\${glob}" is not in the config these functions were packaged with (${file.replace(/[`\\$]/g, '\\$&')}); package and deploy Shipwatch again\`);`,
      `}`,
    ].join('\n');
  },

  'shared/targets/platforms.ts': async ({ config }) => {
    const used = unique(config.services.flatMap((s) => Object.keys(s.target).filter((key) => s.target[key])));
    return [
      ...used.map((key) => `import { ${key}Platform } from './${key}/platform.js';`),
      `export const platforms = { ${used.map((key) => `${key}: ${key}Platform`).join(', ')} };`,
    ].join('\n');
  },
};

/** A fresh set of plugins (serverless-esbuild calls this once per `serverless package`). */
module.exports = function shipwatchPlugins() {
  let validated;
  const replaced = new Map(Object.entries(MODULES).map(([file, generate]) => [source(file), generate]));
  return [
    {
      name: 'shipwatch-packaged-config',
      setup(build) {
        build.onLoad({ filter: /[\\/]shared[\\/](config[\\/]document|match[\\/]glob-regex|targets[\\/]platforms)\.ts$/ }, async (args) => {
          const generate = replaced.get(path.resolve(args.path));
          if (!generate) return undefined;
          validated ??= packagedConfig();
          return {
            contents: `// Generated while packaging (infra/esbuild-plugins.cjs).\n${await generate(await validated)}\n`,
            loader: 'ts',
            resolveDir: path.dirname(args.path),
          };
        });
      },
    },
  ];
};
