/**
 * EventBridge content filtering, the part Shipwatch's rules use
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html,
 * "Content filtering"): every field of the pattern must match; an array lists
 * the values that match, with `prefix`, `anything-but` and `exists`; an
 * object descends into the event. An array in the event matches when any of
 * its values does. Any other filter is refused by name rather than ignored.
 */
export function matches(pattern: Record<string, unknown>, event: unknown): boolean {
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = (event as Record<string, unknown> | undefined)?.[field];
    if (Array.isArray(expected)) return expected.some((m) => matchesOne(m, actual));
    if (expected && typeof expected === 'object') return matches(expected as Record<string, unknown>, actual);
    throw new Error(`event pattern field ${field}: expected an array or an object, got ${JSON.stringify(expected)}`);
  });
}

function matchesOne(matcher: unknown, actual: unknown): boolean {
  if (matcher !== null && typeof matcher === 'object') {
    const [kind, arg] = Object.entries(matcher)[0] ?? [];
    if (kind === 'exists') return (actual !== undefined) === arg;
    if (actual === undefined) return false;
    const values = Array.isArray(actual) ? actual : [actual];
    if (kind === 'prefix') return values.some((v) => typeof v === 'string' && v.startsWith(String(arg)));
    if (kind === 'anything-but') {
      const excluded = Array.isArray(arg) ? arg : [arg];
      return values.some((v) => !excluded.includes(v));
    }
    throw new Error(`event pattern: ${kind} is not supported by the local EventBridge`);
  }
  const values = Array.isArray(actual) ? actual : [actual];
  return values.some((v) => v === matcher);
}
