import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// The one way tests reach test/fixtures/: the published samples (sources in
// test/fixtures/SOURCES.md) and the configs. Names are checked to stay inside
// that folder, so a test never reads outside the repository.

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** An EventBridge event as AWS publishes it: the envelope's fields and its `detail`. */
export type EventSample = Record<string, unknown> & { detail: Record<string, unknown>; resources: string[] };

/** The absolute path of `name` (with its extension) in test/fixtures/, whether or not the file exists. */
export function fixturePath(name: string): string {
  const path = resolve(FIXTURES, name);
  const inside = relative(FIXTURES, path);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new Error(`fixture ${JSON.stringify(name)} is not a file inside test/fixtures/`);
  }
  return path;
}

/**
 * The JSON sample `name` (without `.json`), parsed and read afresh each call so
 * that a test may change its copy. `T` is what the sample is published as.
 */
export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(fixturePath(`${name}.json`), 'utf8')) as T;
}

/** The published EventBridge event `name` (without `.json`), parsed afresh. */
export function eventSample(name: string): EventSample {
  return fixture<EventSample>(name);
}
