import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { formatPath } from '../validation/format-path.js';
import { expandUnions } from '../validation/union-issues.js';
import { DEFAULTS } from './defaults.js';
import { configSchema, type Config } from './schema.js';
import { closest, keysAt } from './suggest.js';

export { formatPath };

/** One line per problem: `services[2].health.bakeMinute: unknown key`. */
function describeIssue(issue: z.core.$ZodIssue): string[] {
  const where = (path: readonly PropertyKey[]) => formatPath(path) || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => {
      const hint = closest(k, keysAt(configSchema, issue.path));
      return `${where([...issue.path, k])}: unknown key${hint ? ` (did you mean "${hint}"?)` : ''}`;
    });
  }
  if (issue.code === 'invalid_key') {
    return [`${where(issue.path)}: invalid key: ${issue.issues.map((i) => i.message).join('; ')}`];
  }
  const missing = /^Invalid input: expected (\w+), received undefined$/.exec(issue.message);
  return [`${where(issue.path)}: ${missing ? `missing (expected ${missing[1]})` : issue.message}`];
}

/** Validates an already-parsed document; every problem is listed, each with its path. */
export function parseConfig(document: unknown, file: string): Config {
  const parsed = configSchema.safeParse(document);
  if (parsed.success) return parsed.data;
  const lines = expandUnions(parsed.error.issues)
    .flatMap(describeIssue)
    .map((line) => `  ${line}`);
  throw new ConfigError(`${file} is not a valid Shipwatch config:\n${lines.join('\n')}`);
}

export function parseConfigText(text: string, file: string): Config {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(`${file} is not valid YAML:\n${doc.errors.map((e) => `  ${e.message}`).join('\n')}`);
  }
  let document: unknown;
  try {
    document = doc.toJS();
  } catch (error) {
    // Parsing passed, but expanding the aliases can still fail: an alias bomb trips yaml's maxAliasCount.
    throw new ConfigError(`${file} is not valid YAML:\n  ${(error as Error).message}`, { cause: error });
  }
  return parseConfig(document, file);
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.SHIPWATCH_CONFIG ?? DEFAULTS.configFile;
}

export function loadConfig(file: string = configPath()): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the Shipwatch config ${file}: ${(error as Error).message}`, { cause: error });
  }
  return parseConfigText(text, file);
}
