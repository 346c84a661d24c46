import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../cli/commands/index.js';
import type { CliContext } from '../../cli/context.js';
import { main } from '../../cli/main.js';
import { cliHarness } from '../support/cli-context.js';
import { fixturePath } from '../support/fixtures.js';

// The command line itself: help with examples for every command, typed option
// errors, and the exit codes the README documents.

const NAMES = ['validate', 'plan', 'status', 'history', 'stats', 'deploy', 'follow', 'rollback', 'promote', 'abort', 'dashboard'];

describe('shipwatch command line', () => {
  it('every command has --help with examples, exit 0, and no parser error', async () => {
    const cli = cliHarness({ configFile: 'shipwatch.yml' });
    for (const name of NAMES) {
      expect(await cli.run([name, '--help'])).toBe(0);
      const { out, err } = cli.take();
      expect(out).toMatch(new RegExp(`^Usage: shipwatch ${name} `));
      expect(out).toContain('\nExamples:\n  $ shipwatch ');
      expect(out).toContain('--json');
      expect(err).toBe('');
    }
    expect(COMMANDS).toHaveLength(NAMES.length + 1);
  });

  it('`help history` is `history --help`', async () => {
    const cli = cliHarness({ configFile: 'shipwatch.yml' });

    expect(await cli.run(['help', 'history'])).toBe(0);

    expect(cli.take().out).toMatch(/^Usage: shipwatch history \[options\] <service>/);
  });

  it('usage errors exit 2 and say what is wrong: a bad number, a missing argument, an unknown option or command, nothing at all', async () => {
    const cli = cliHarness({ configFile: 'shipwatch.yml' });

    expect(await cli.run(['history', 'web', '--limit', 'abc'])).toBe(2);
    expect(await cli.run(['history', 'web', '--limit', '0'])).toBe(2);
    expect(await cli.run(['history'])).toBe(2);
    expect(await cli.run(['status', '--jsn'])).toBe(2);
    expect(await cli.run(['deploi'])).toBe(2);
    expect(await cli.run([])).toBe(2);

    const err = cli.take().err;
    expect(err).toContain(`shipwatch: option '--limit <n>' argument 'abc' is invalid. expected a whole number from 1 to 1000, got "abc"`);
    expect(err).toContain(`shipwatch: option '--limit <n>' argument '0' is invalid. expected a whole number from 1 to 1000, got 0`);
    expect(err).toContain("shipwatch: missing required argument 'service'");
    expect(err).toContain("shipwatch: unknown option '--jsn'\n(Did you mean --json?)");
    expect(err).toContain("shipwatch: unknown command 'deploi'");
    expect(err).toMatch(/Usage: shipwatch \[options\] \[command\]/);
    expect(err).not.toMatch(/at .*\.ts:\d+/);
  });

  it('sandbox: its own options are checked before anything starts, --config (also a global option) included', async () => {
    const config = fixturePath('shipwatch.sandbox-user.yml');
    const cli = cliHarness({ configFile: 'shipwatch.yml' });

    expect(await cli.run(['sandbox', '--config', config, '--push', 'checkout:v2'])).toBe(2);
    expect(await cli.run(['sandbox', '--config', config])).toBe(2);
    expect(await cli.run(['sandbox', '--scenario', 'burst', '--push', 'checkout:v9'])).toBe(2);
    expect(await cli.run(['sandbox', '--push', 'Checkout'])).toBe(2);
    expect(await cli.run(['sandbox', '--sped', '60'])).toBe(2);

    expect(
      cli
        .take()
        .err.split('\n')
        .filter((l) => l.startsWith('shipwatch:')),
    ).toEqual([
      'shipwatch: --push checkout:v2: no service in the config deploys from repository checkout (repositories: web, api)',
      "shipwatch: --config needs at least one --push: the scenarios are written for the sandbox's own config",
      'shipwatch: --scenario and --push exclude each other: the pushes replace the scenarios',
      expect.stringMatching(/^shipwatch: --push Checkout: "Checkout" is not an ECR repository name/),
      expect.stringMatching(/^shipwatch: Unknown option '--sped'/),
    ]);
  });

  it('errors from AWS exit 4 with a hint; a bug exits 70 without a stack trace', async () => {
    const err: string[] = [];
    const io = { out: () => undefined, err: (t: string) => err.push(t) };
    const failing = (error: Error) => (): CliContext => ({
      out: () => undefined,
      err: (t) => err.push(t),
      user: 'alice',
      now: () => new Date(),
      sleep: async () => undefined,
      configFile: 'shipwatch.yml',
      reach: async () => {
        throw error;
      },
    });

    const denied = Object.assign(new Error('User: arn:aws:iam::123456789012:user/bob is not authorized to perform: dynamodb:Query'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(await main(['status'], failing(denied), io)).toBe(4);
    expect(await main(['status'], failing(new TypeError("Cannot read properties of undefined (reading 'x')")), io)).toBe(70);

    expect(err).toEqual([
      'shipwatch: AWS answered AccessDeniedException: User: arn:aws:iam::123456789012:user/bob is not authorized to perform: dynamodb:Query\n  your credentials are not allowed to do this: use a profile with read access to the stack (--profile)',
      "shipwatch: internal error: Cannot read properties of undefined (reading 'x') (SHIPWATCH_DEBUG=1 shows where)",
    ]);
  });
});
