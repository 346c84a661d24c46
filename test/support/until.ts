/** Polls `check` in real time until it returns a value: for a sandbox serving in the background. */
export async function until<T>(check: () => Promise<T | undefined>, what: string, ms = 300_000): Promise<T> {
  const end = performance.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
