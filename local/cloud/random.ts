import { createHash } from 'node:crypto';

/** Deterministic noise in [-1, 1] for a (seed, key, time) triple: the same run gives the same metrics. */
export function noise(seed: number, key: string, t: number): number {
  const h = createHash('sha256').update(`${seed}|${key}|${t}`).digest();
  return (h.readUInt32BE(0) / 0xffffffff) * 2 - 1;
}

export function digestOf(seed: number, ...parts: string[]): string {
  return `sha256:${createHash('sha256')
    .update([seed, ...parts].join('|'))
    .digest('hex')}`;
}
