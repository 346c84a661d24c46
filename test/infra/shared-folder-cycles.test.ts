import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// shared/ is layered: each folder uses only folders below it (config and
// errors at the bottom, the workflow and the progressive steps near the top),
// so a folder can be read, tested and changed without the ones above it.
// This reads the relative imports of every shared/ file and fails on any
// cycle between folders, naming the imports that close it.

const ROOT = join(import.meta.dirname, '../../shared');
const folderOf = (file: string) => relative(ROOT, file).split('/')[0]!;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** folder → folder → the imports that make that edge, "file → target". */
function folderEdges(): Map<string, Map<string, string[]>> {
  const edges = new Map<string, Map<string, string[]>>();
  for (const file of sourceFiles(ROOT)) {
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s+'(\.[^']+)'/g)) {
      const target = normalize(join(dirname(file), spec!));
      if (!target.startsWith(ROOT)) continue;
      const [from, to] = [folderOf(file), folderOf(target)];
      if (from === to) continue;
      const out = edges.get(from) ?? new Map<string, string[]>();
      out.set(to, [...(out.get(to) ?? []), `${relative(ROOT, file)} → ${spec}`]);
      edges.set(from, out);
    }
  }
  return edges;
}

/** A path from `to` back to `from`, if any. */
function pathBack(edges: Map<string, Map<string, string[]>>, from: string, to: string): string[] | undefined {
  const seen = new Set<string>();
  const walk = (at: string, path: string[]): string[] | undefined => {
    if (at === from) return path;
    if (seen.has(at)) return undefined;
    seen.add(at);
    for (const next of edges.get(at)?.keys() ?? []) {
      const found = walk(next, [...path, next]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(to, [to]);
}

describe('the folders of shared/', () => {
  it('import each other in one direction only', () => {
    const edges = folderEdges();
    const cycles: string[] = [];
    for (const [from, out] of edges) {
      for (const [to, imports] of out) {
        const back = pathBack(edges, from, to);
        if (back) cycles.push(`${from} → ${back.join(' → ')} (first edge: ${imports[0]})`);
      }
    }
    expect(cycles).toEqual([]);
  });

  it('sees the imports it checks (a broken reader would pass the test above vacuously)', () => {
    const edges = folderEdges();
    expect(edges.get('workflow')?.has('records')).toBe(true);
    expect(edges.get('records')?.has('lifecycle')).toBe(true);
  });
});
