import { z } from 'zod';

/** Every key the schema knows, for "did you mean" hints. */
export function knownKeys(schema: z.ZodType): Set<string> {
  const keys = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (s: unknown): void => {
    if (!s || typeof s !== 'object' || seen.has(s)) return;
    seen.add(s);
    if (s instanceof z.ZodObject) {
      for (const [k, v] of Object.entries(s.shape)) {
        keys.add(k);
        walk(v);
      }
      return;
    }
    const def = (s as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return;
    for (const key of ['innerType', 'in', 'out', 'element', 'valueType', 'schema']) walk(def[key]);
    if (Array.isArray(def.options)) def.options.forEach(walk);
  };
  walk(schema);
  return keys;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      prev = row[j]!;
      row[j] = next;
    }
  }
  return row[b.length]!;
}

/** The known key closest to a typo, if it is close enough to be what was meant. */
export function closest(typo: string, known: Iterable<string>): string | undefined {
  let best: { key: string; d: number } | undefined;
  for (const key of known) {
    const d = distance(typo, key);
    if (d < (best?.d ?? Infinity)) best = { key, d };
  }
  return best && best.d <= Math.max(1, Math.floor(typo.length / 3)) ? best.key : undefined;
}
