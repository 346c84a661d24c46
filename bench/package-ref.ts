// Packages the project as it is, or as it was at a git commit, with
// `serverless package`, so the cold-start benchmark measures the zips Lambda
// would get: the working tree into a fresh directory, a commit into a checkout
// of its own with its own `npm ci` (its dependencies may differ), cached by
// commit in the temp directory.
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const quiet: ExecFileSyncOptions = { stdio: ['ignore', 'ignore', 'inherit'] };

function serverlessPackage(project: string, out: string): void {
  // The project's own serverless (osls) on the Node running this benchmark (Node 22).
  const cli = join(project, 'node_modules', 'osls', 'bin', 'serverless.js');
  execFileSync(process.execPath, [cli, 'package', '--package', out], { ...quiet, cwd: project, env: { ...process.env, SHIPWATCH_CONFIG: '' } });
}

/** The working tree, packaged now. */
export function packageWorkingTree(): string {
  const out = join(tmpdir(), 'shipwatch-bench-package', 'working-tree');
  rmSync(out, { recursive: true, force: true });
  serverlessPackage(ROOT, out);
  return out;
}

/** A commit (`main`, a SHA), packaged in a checkout of its own; reused while the commit is the same. */
export function packageCommit(ref: string): { sha: string; dir: string } {
  const sha = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: ROOT, encoding: 'utf8' }).trim();
  const checkout = join(tmpdir(), 'shipwatch-bench-package', sha);
  const out = join(checkout, '.serverless-bench');
  if (existsSync(join(out, 'cloudformation-template-update-stack.json'))) return { sha, dir: out };
  rmSync(checkout, { recursive: true, force: true });
  mkdirSync(checkout, { recursive: true });
  execFileSync('sh', ['-c', `git -C "${ROOT}" archive "${sha}" | tar -x -C "${checkout}"`], quiet);
  execFileSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { ...quiet, cwd: checkout });
  serverlessPackage(checkout, out);
  return { sha, dir: out };
}
