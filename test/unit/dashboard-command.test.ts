import { describe, expect, it } from 'vitest';
import { awsClients } from '../../cli/aws-clients.js';
import { cliHarness } from '../support/cli-context.js';

// `shipwatch dashboard` on the command line: its options are checked before
// anything starts, and without an identity AWS can vouch for it does not start.

describe('shipwatch dashboard', () => {
  it('refuses a port that is not one, and says the URL carries the session', async () => {
    const cli = cliHarness({ configFile: 'test/fixtures/shipwatch.test.yml' });

    expect(await cli.run(['dashboard', '--port', 'abc'])).toBe(2);
    expect(await cli.run(['dashboard', '--port', '70000'])).toBe(2);
    expect(await cli.run(['dashboard', '--help'])).toBe(0);

    const { out, err } = cli.take();
    expect(err).toContain(`shipwatch: option '--port <n>' argument 'abc' is invalid. expected a whole number from 1 to 65535, got "abc"`);
    expect(err).toContain('got 70000');
    expect(out).toContain('It listens on 127.0.0.1 only. The printed URL carries a random session token: whoever has it acts as you.');
  });

  it('does not start when sts:GetCallerIdentity cannot say who the operator is (exit 4)', async () => {
    // Nothing listens on port 9: the call fails at once, without leaving the machine.
    const cli = cliHarness({
      configFile: 'test/fixtures/shipwatch.test.yml',
      clients: awsClients({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }),
    });

    expect(await cli.run(['dashboard'])).toBe(4);

    expect(cli.take().err).toMatch(/^shipwatch: cannot tell who you are to AWS \(sts:GetCallerIdentity: .*\); every dashboard action is done as you$/m);
  });
});
