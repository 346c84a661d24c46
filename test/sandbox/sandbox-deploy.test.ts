import { describe, expect, it } from 'vitest';
import { contextFromEnv } from '../../cli/context.js';
import { main } from '../../cli/main.js';
import { runSandbox } from '../../sandbox/sandbox.js';
import { until } from '../support/until.js';
import { fixturePath } from '../support/fixtures.js';

// Issue #15: `shipwatch deploy` is the way to deploy an image again after a
// rejection. Against a running sandbox (`shipwatch sandbox --push … --serve`):
// a push of payments:release-4.2 is rejected in Slack; an operator deploys the
// same image with the CLI, following it; it goes through the scan gate and the
// approval again (approved this time), deploys, and its record keeps who asked.

const NO_SANDBOX = fixturePath('no-sandbox-here.json');
/** Who the sandbox's STS says the operator is. */
const OPERATOR = 'arn:aws:sts::123456789012:assumed-role/sandbox-operator/you';

describe('shipwatch deploy against the sandbox', () => {
  it('deploys a rejected push again: the same scan gate and approval, and the record keeps who asked', async () => {
    const lines: string[] = [];
    const stop = new AbortController();
    // The person at the sandbox's terminal: rejects the push, approves the deploy.
    const answers = ['r', 'a'];
    const asked: string[] = [];
    const cli = async (argv: string[], env: NodeJS.ProcessEnv) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(argv, (g) => ({ ...contextFromEnv(g, env, NO_SANDBOX), out: (t) => out.push(t), err: (t) => err.push(t) }), {
        out: (t) => out.push(t),
        err: (t) => err.push(t),
      });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };

    const person = (async () => {
      const line = await until(async () => lines.find((l) => l.trim().startsWith('export SHIPWATCH_SANDBOX=')), 'the export line');
      const env = { SHIPWATCH_SANDBOX: /SHIPWATCH_SANDBOX=(\S+)/.exec(line)![1]! };
      const before = JSON.parse((await cli(['history', 'payments', '--json'], env)).out);
      const deploy = await cli(['deploy', 'payments', 'release-4.2', '--follow'], env);
      const after = JSON.parse((await cli(['history', 'payments', '--json'], env)).out);
      const follow = await cli(['follow', 'payments'], env);
      const again = await cli(['deploy', 'payments', 'release-4.2'], env);
      const unknown = await cli(['deploy', 'payments', 'release-9'], env);
      stop.abort();
      return { before, deploy, after, follow, again, unknown };
    })();

    const run = await runSandbox({
      pushes: [{ repository: 'payments', tag: 'release-4.2' }],
      speed: Infinity,
      serve: stop.signal,
      serveSpeed: 3000,
      print: (l) => lines.push(l),
      ask: async (question) => {
        asked.push(question);
        return answers.shift();
      },
    });
    const seen = await person;

    // The push: rejected at the terminal, as the person chose.
    expect(run.rows.map((r) => [r.image.split('@')[0], r.outcome, r.expected])).toEqual([['payments:release-4.2', 'rejected', 'rejected']]);
    expect(seen.before.map((r: { tag: string; outcome: string }) => [r.tag, r.outcome])).toEqual([['release-4.2', 'rejected']]);
    const digest = seen.before[0].digest;

    // The deploy: started, asked for approval again, followed to `deployed`.
    expect(asked).toHaveLength(2);
    expect(seen.deploy.err).toBe('');
    expect(seen.deploy.code).toBe(0);
    const out = seen.deploy.out.split('\n');
    expect(out[0]).toBe(`deploying payments:release-4.2@${digest} to payments, asked by ${OPERATOR}`);
    expect(out[1]).toMatch(/^this image last ended rejected as release-4\.2 \(record \d{8}T\d{6}Z-[a-f0-9]{12}-[a-f0-9]{8}\): rejected by <@U0SANDBOXYOU> at /);
    expect(out[3]).toMatch(/^execution arn:aws:states:us-east-1:123456789012:execution:shipwatch-sandbox-deploy:payments-deploy-[a-f0-9]{12}-\d{13}$/);
    const progress = seen.deploy.out;
    expect(progress).toMatch(/\n\d\d:\d\d:\d\dZ {2}\+\S+ +admitted: record /);
    expect(progress).toMatch(/\n\S+ +\S+ +scan passed: /);
    expect(progress).toMatch(/\n\S+ +\S+ +waiting for approval in Slack \(U0SANDBOXYOU, S0SANDBOXSRE, within 30 min\)/);
    expect(progress).toMatch(/\n\S+ +\S+ +approved by U0SANDBOXYOU/);
    expect(progress).toMatch(/\n\S+ +\S+ +deploying: payments:\d+ → payments:\d+/);
    expect(progress).toMatch(/\n\S+ +\S+ +baking {2}\[[#-]{20}\] +\d+%/);
    expect(progress).toMatch(/\n\S+ +\S+ +baked {3}\[#{20}\] 100%/);
    expect(out.at(-2)).toMatch(/^deployed: deployed 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/payments@sha256:[a-f0-9]{64}; healthy through the bake/);
    expect(out.at(-1)).toMatch(/^steps: scan \S+, approval wait \S+, deploy \S+, rollout \S+, bake \S+$/);

    // The records: the rejected push, and the deploy of the same digest with who asked.
    expect(seen.after.map((r: { tag: string; outcome: string; digest: string }) => [r.tag, r.outcome, r.digest])).toEqual([
      ['release-4.2', 'deployed', digest],
      ['release-4.2', 'rejected', digest],
    ]);
    expect(seen.after[0].requestedBy).toBe(OPERATOR);
    expect(seen.after[0].executionName).toMatch(/^payments-deploy-/);
    expect(seen.after[1].requestedBy).toBeUndefined();

    // follow, afterwards: the newest replayed, exit 0 since it ended deployed.
    expect(seen.follow.code).toBe(0);
    expect(seen.follow.out).toMatch(
      new RegExp(
        `^nothing under way; the newest: payments:release-4\\.2 \\(record ${seen.after[0].recordId}, asked by ${OPERATOR.replace(/[/.]/g, '\\$&')}\\)\n`,
      ),
    );
    expect(seen.follow.out).toMatch(/\ndeployed: deployed /);

    // Once it runs, deploying it again is refused; an image ECR does not have, too.
    expect(seen.again.code).toBe(3);
    expect(seen.again.err).toBe(`shipwatch: payments already runs payments@${digest} (last good release ${seen.after[0].recordId}); nothing to deploy`);
    expect(seen.unknown.code).toBe(3);
    expect(seen.unknown.err).toBe('shipwatch: payments: no image payments:release-9 in ECR; push it first (a push deploys it by itself)');
  }, 900_000);
});
