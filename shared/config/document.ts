// Where the functions that need the whole config (the trigger, the alarm
// rule) get it from.
//
// From source (tests, the sandbox): SHIPWATCH_CONFIG, read and validated now.
// In the zips, infra/esbuild-plugins.cjs replaces this module with the config
// that `serverless package` validated, as JSON: there is no file to find at
// cold start (whatever path SHIPWATCH_CONFIG gave when packaging), and neither
// the YAML parser nor the full schema ships in a function.
import { configPath, loadConfig } from './load.js';

/** The config and the file it came from (for messages). */
export function configDocument(): { file: string; config: unknown } {
  const file = configPath();
  return { file, config: loadConfig(file) };
}
