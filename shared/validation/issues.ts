import * as v from 'valibot';
import { formatPath } from './format-path.js';

/** The parts of a Valibot schema that lead to the schema of a field. */
interface Walkable {
  entries?: Record<string, Walkable>;
  item?: Walkable;
  value?: Walkable;
  wrapped?: Walkable;
  options?: Walkable[];
  getter?: (input: unknown) => Walkable;
  /** A pipe: its first schema's parts are its own, except where that is a check (shared/validation/object.ts). */
  pipe?: Walkable[];
}

/** The schema a value at `path` below `schema` is checked against (through optional, lazy, pipe and union), if any. */
function schemaAt(schema: Walkable | undefined, path: readonly v.IssuePathItem[]): Walkable | undefined {
  let current = schema;
  for (const item of path) {
    while (current?.wrapped || current?.getter) current = current.wrapped ?? current.getter!(item.input);
    current = current?.pipe?.find((p) => p.entries || p.item || p.value || p.options) ?? current;
    const key = item.key as string | number;
    const child = (s: Walkable): Walkable | undefined => (typeof key === 'number' ? s.item : (s.entries?.[key] ?? s.value));
    current = current?.options ? current.options.map(child).find(Boolean) : current && child(current);
  }
  return current;
}

/**
 * What a problem says. A missing field is reported as its own schema reports
 * `undefined` (`Invalid input: expected string, received undefined`), as zod
 * says it, not as Valibot's `expected "name"`.
 */
function messageOf(issue: v.BaseIssue<unknown>, schema: Walkable | undefined): string {
  if (issue.path?.at(-1)?.origin !== 'key') return issue.message;
  const field = schemaAt(schema, issue.path);
  const own = field && v.safeParse(field as v.GenericSchema, undefined).issues?.[0];
  return own?.message ?? issue.message;
}

/**
 * One line per problem, `path: message` (`root` where the problem is the
 * whole value). A union reports the issues of the one option whose type the
 * value has (Valibot does that itself); a value of no option's type gets the
 * union's own message.
 */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[], root: string, schema?: unknown, limit = 10): string[] {
  return issues
    .slice(0, limit)
    .map((issue) => `${formatPath((issue.path ?? []).map((item) => item.key as PropertyKey)) || root}: ${messageOf(issue, schema as Walkable)}`);
}

/** An ISO 8601 date and time with seconds and a `Z` or `±hh:mm` offset, on a real calendar day: what zod's `iso.datetime({ offset: true })` accepts. */
export function isIsoDateTime(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
