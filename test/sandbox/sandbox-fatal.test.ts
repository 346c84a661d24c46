import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// A sandbox that meets a fatal error exits non-zero instead of hanging. The
// loopback interface is taken away the way it happens: a network namespace of
// its own (unshare -rn), where `lo` is down, so 127.0.0.1 is unreachable.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE = process.execPath;

describe('sandbox fatal errors', () => {
  it('with the loopback interface down, exits 4 naming the cause, within seconds', () => {
    // Prepare: this machine lets an unprivileged process make its own network namespace.
    expect(spawnSync('unshare', ['-rn', 'true']).status).toBe(0);

    // Act
    const run = spawnSync('unshare', ['-rn', NODE, 'bin/shipwatch.mjs', 'sandbox', '--scenario', 'good-release', '--speed', 'max', '--no-interactive'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 600_000,
    });

    // Assess
    expect(run.signal).toBeNull();
    expect(run.status).toBe(4);
    expect(run.stderr).toMatch(/connect ENETUNREACH 127\.0\.0\.1:\d+.*\n {2}127\.0\.0\.1 is unreachable: the loopback interface is down/);
  }, 900_000);
});
