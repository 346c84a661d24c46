import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * `shipwatch sandbox …` in a process of its own, as a person starts it: its
 * output line by line, a wait for a line, and a clean stop (SIGINT, as
 * Ctrl-C), which ends --serve and removes what it left in the clone.
 */
export function sandboxProcess(args: string[]) {
  // The Node 22 npm ci installed (bin/shipwatch.mjs refuses older ones).
  const child: ChildProcess = spawn(`${ROOT}node_modules/.bin/node`, [`${ROOT}bin/shipwatch.mjs`, 'sandbox', ...args], {
    cwd: ROOT,
    env: { ...process.env, CI: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let exited: number | null | undefined;
  const onData = (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n'));
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve((exited = code))));

  return {
    lines,
    /** The first line matching `pattern` (waiting for it), as its match. */
    async line(pattern: RegExp, ms = 120_000): Promise<RegExpExecArray> {
      const end = performance.now() + ms;
      for (;;) {
        for (const l of lines) {
          const m = pattern.exec(l);
          if (m) return m;
        }
        if (exited !== undefined) throw new Error(`the sandbox exited (${exited}) before printing ${pattern}:\n${lines.join('\n')}`);
        if (performance.now() > end) throw new Error(`timed out waiting for ${pattern}:\n${lines.slice(-40).join('\n')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(): Promise<number | null> {
      if (exited === undefined) child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
}
