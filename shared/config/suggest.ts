import type { z } from 'zod';

type Def = { innerType?: unknown; in?: unknown; out?: unknown; options?: unknown[]; shape?: Record<string, unknown>; element?: unknown; valueType?: unknown };
const defOf = (schema: unknown): Def | undefined => (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;

/** The schemas a value is checked against, through defaults, optionals, pipes and unions. */
function alternatives(schema: unknown): unknown[] {
  const def = defOf(schema);
  if (!def) return [];
  if (def.innerType) return alternatives(def.innerType);
  if (def.in || def.out) return [...alternatives(def.in), ...alternatives(def.out)];
  if (def.options) return def.options.flatMap(alternatives);
  return [schema];
}

/** The schemas a value at `path` of the document is checked against. */
function schemasAt(schema: z.ZodType, path: readonly PropertyKey[]): unknown[] {
  return path.reduce<unknown[]>(
    (schemas, key) =>
      schemas.flatMap(alternatives).flatMap((s) => {
        const def = defOf(s)!;
        if (def.shape) return typeof key === 'string' && Object.hasOwn(def.shape, key) ? [def.shape[key]] : [];
        if (def.element) return typeof key === 'number' ? [def.element] : [];
        return def.valueType ? [def.valueType] : [];
      }),
    [schema],
  );
}

/** The keys an object at `path` may have: the only sensible hints for an unknown key there. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): Set<string> {
  return new Set(
    schemasAt(schema, path)
      .flatMap(alternatives)
      .flatMap((s) => Object.keys(defOf(s)!.shape ?? {})),
  );
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

/** The known key closest to a typo, if it is close enough to be what was meant (and is not the typo itself). */
export function closest(typo: string, known: Iterable<string>): string | undefined {
  let best: { key: string; d: number } | undefined;
  for (const key of known) {
    if (key === typo) continue;
    const d = distance(typo, key);
    if (d < (best?.d ?? Infinity)) best = { key, d };
  }
  return best && best.d <= Math.max(1, Math.floor(typo.length / 3)) ? best.key : undefined;
}
