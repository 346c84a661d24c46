// esbuild plugins for the Lambda bundles (serverless.yml: custom.esbuild.plugins).
//
// The packaged config: shared/config/document.ts reads and validates
// SHIPWATCH_CONFIG when it runs from source. In a bundle it is replaced by the
// config validated here, at packaging time, with the same schema and the same
// error messages, and shipped as JSON inside the function: whatever path
// SHIPWATCH_CONFIG names (outside the project too), the function carries its
// config, and neither a YAML parser nor the full schema ships in it.
const path = require('node:path');
const { tsImport } = require('tsx/esm/api');

const DOCUMENT = path.join(__dirname, '..', 'shared', 'config', 'document.ts');

let validated;
/** Once per `serverless package`, however many functions are bundled. */
function validatedConfig() {
  validated ??= (async () => {
    const { loadConfig } = await tsImport('../shared/config/load.ts', __filename);
    // The same file infra/iam.cjs derives the roles from: one config per package.
    const file = process.env.SHIPWATCH_CONFIG || 'shipwatch.yml';
    return { file, config: loadConfig(file) };
  })();
  return validated;
}

const packagedConfig = {
  name: 'shipwatch-packaged-config',
  setup(build) {
    build.onLoad({ filter: /[\\/]shared[\\/]config[\\/]document\.ts$/ }, async (args) => {
      if (path.resolve(args.path) !== DOCUMENT) return undefined;
      const document = await validatedConfig();
      return {
        contents: `// The config validated by \`serverless package\` (infra/esbuild-plugins.cjs).\nexport const configDocument = () => (${JSON.stringify(document)});\n`,
        loader: 'js',
      };
    });
  },
};

module.exports = [packagedConfig];
