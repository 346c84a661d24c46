import * as v from 'valibot';
import '../validation/messages.js';
import { ConfigError } from '../errors.js';
import { describeIssues } from '../validation/issues.js';
import { packagedConfigSchema } from './service-config.js';
import { configDocument } from './document.js';
import type { Config } from './schema.js';

/**
 * The config a function was packaged with. The full schema ran when
 * packaging (and, from source, in configDocument); this is the cheap check at
 * cold start that what arrived is still a config: every field the functions
 * read, with its type.
 */
export function packagedConfig(): Config {
  const { file, config } = configDocument();
  const parsed = v.safeParse(packagedConfigSchema, config);
  if (parsed.success) return parsed.output;
  throw new ConfigError(
    `${file}, as packaged, is not a Shipwatch config: ${describeIssues(parsed.issues, '(config)', packagedConfigSchema).join('; ')}; package the functions again`,
  );
}
