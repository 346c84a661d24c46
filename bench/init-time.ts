import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionPackage } from '../local/lambda-runtime/environments.js';

// One cold start of a packaged function, timed by the local Lambda runtime's
// own bootstrap (local/lambda-runtime/bootstrap.mjs): a fresh Node process
// with the function's environment, its unpacked zip as working directory, the
// handler module imported as the Node.js runtime imports it. `initMs` is that
// import, as the bootstrap measures it, reported before any invocation.

const BOOTSTRAP = fileURLToPath(new URL('../local/lambda-runtime/bootstrap.mjs', import.meta.url));

/** What Lambda sets beside the function's own variables (as local/lambda-runtime/environments.ts does). */
export const LAMBDA_ENV = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_SESSION_TOKEN: 'test' };

export function initMs(pkg: FunctionPackage): Promise<number> {
  const env = {
    PATH: process.env.PATH ?? '',
    ...LAMBDA_ENV,
    ...pkg.env,
    AWS_LAMBDA_FUNCTION_NAME: `shipwatch-bench-${pkg.name}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    LAMBDA_TASK_ROOT: pkg.root,
    _HANDLER: pkg.handler,
    TZ: ':UTC',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BOOTSTRAP], { cwd: pkg.root, env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json' });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('message', (message: { type: string; initMs?: number; error?: { errorType: string; errorMessage: string } }) => {
      if (message.type === 'ready') resolve(message.initMs!);
      else reject(new Error(`${pkg.name} failed at cold start: ${message.error?.errorType}: ${message.error?.errorMessage}`));
      child.kill();
    });
    child.once('exit', (code) => reject(new Error(`${pkg.name}: exited (${code}) before init finished: ${stderr.slice(-500)}`)));
  });
}

/** The unpacked code's size in bytes: what Node reads and compiles at cold start. */
export function codeBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}
