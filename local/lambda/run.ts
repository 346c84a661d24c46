import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const RUNTIME = fileURLToPath(new URL('./runtime.mjs', import.meta.url));

export interface LambdaRun {
  /** The handler module's import, in milliseconds: the function's own share of a cold start. */
  initMs?: number;
  initError?: { name: string; message: string };
  response?: unknown;
  invokeError?: { name: string; message: string };
  /** What the process wrote (the function's logs). */
  stdout: string;
  stderr: string;
}

/**
 * One cold start of a handler module in a fresh Node process, with exactly
 * `env` (nothing inherited) and the task root as working directory, as in
 * Lambda; with `event`, one invocation after it. Asynchronous, so a local
 * stand-in for an AWS API in this process can answer the function.
 */
export async function coldStart(handlerFile: string, handlerExport: string, env: Record<string, string>, options: { cwd: string; event?: unknown; node?: string }): Promise<LambdaRun> {
  const scratch = mkdtempSync(join(tmpdir(), 'shipwatch-lambda-run-'));
  try {
    const resultFile = join(scratch, 'result.json');
    const args = [RUNTIME, handlerFile, handlerExport, resultFile];
    if (options.event !== undefined) {
      writeFileSync(join(scratch, 'event.json'), JSON.stringify(options.event));
      args.push(join(scratch, 'event.json'));
    }
    // PATH only so that a child process of the function could find a binary; Lambda sets one too.
    const { stdout, stderr } = await promisify(execFile)(options.node ?? process.execPath, args, { cwd: options.cwd, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', maxBuffer: 16 << 20 });
    return { ...(JSON.parse(readFileSync(resultFile, 'utf8')) as Omit<LambdaRun, 'stdout' | 'stderr'>), stdout, stderr };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
