import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** What `serverless package` reads; node_modules is linked, not copied. */
const PROJECT = ['serverless.yml', 'package.json', 'tsconfig.json', 'functions', 'shared', 'infra', 'statemachines'];

/**
 * Packages a copy of this project at `dir/project` (its own .esbuild/ and
 * .serverless/, so it never races another test's packaging), with `env` on top
 * of this process's environment. Returns the package directory.
 */
export async function packageCopy(dir: string, env: Record<string, string>): Promise<string> {
  const project = join(dir, 'project');
  mkdirSync(project, { recursive: true });
  for (const entry of PROJECT) cpSync(join(ROOT, entry), join(project, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'dir');
  const serverless = createRequire(join(ROOT, 'package.json')).resolve('osls/bin/serverless.js');
  await promisify(execFile)(process.execPath, [serverless, 'package', '--stage', 'test'], {
    cwd: project,
    env: { ...process.env, ...env },
    maxBuffer: 16 << 20,
  });
  return join(project, '.serverless');
}
