/**
 * Answers kept for a while, per key: every open page asks again each second,
 * and AWS need not be asked that often. A failed read is not kept.
 */
export class Cache {
  private readonly entries = new Map<string, { at: number; key: string; value: Promise<unknown> }>();

  /** `ttlMs` in real time; `version` (when it changes, the answer is read again) for what depends on simulated time. */
  get<T>(name: string, ttlMs: number, read: () => Promise<T>, version = ''): Promise<T> {
    const now = performance.now();
    const hit = this.entries.get(name);
    if (hit && hit.key === version && now - hit.at < ttlMs) return hit.value as Promise<T>;
    const value = read();
    this.entries.set(name, { at: now, key: version, value });
    value.catch(() => {
      if (this.entries.get(name)?.value === value) this.entries.delete(name);
    });
    return value;
  }
}
