import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { sfnClient } from '../../shared/aws/sfn.js';
import { history } from '../../shared/records/queries.js';
import { cliHarness } from '../support/cli-context.js';
import { STATE_MACHINE_ARN } from '../support/concurrent.js';
import { usePausedCanary } from '../support/paused-canary.js';
import { useLocalDynamo } from '../support/records.js';
import { useKubeApiServer } from '../support/world-fixture.js';

// `shipwatch abort` at a paused EKS canary, the real state machine running in
// virtual time (the promote against a running sandbox: cli-promote.test.ts):
// decided as the operator's IAM identity, answered in words, and refused
// with exit 3 before the pause and once decided.

useLocalDynamo();
useKubeApiServer();
const { given } = usePausedCanary();

describe('a paused EKS canary, decided with the CLI', () => {
  it("`shipwatch abort search` as the operator's IAM identity: the canary deleted, rolled_back naming their ARN, said in words", async () => {
    // Prepare: the operator's credentials are an SSO session (sts:GetCallerIdentity).
    const env = await given();
    const operator = 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Deployers_0123abcd/bob@example.com';
    const sts = mockClient(STSClient);
    sts.on(GetCallerIdentityCommand).resolves({ Arn: operator, Account: '123456789012', UserId: 'AROAEXAMPLE:bob@example.com' });
    const cli = cliHarness({
      configFile: env.configFile,
      records: env.records,
      sfn: sfnClient(),
      stateMachineArn: STATE_MACHINE_ARN,
      now: () => new Date(env.clock.now()),
    });
    const answers: { code: number; out: string; err: string }[] = [];
    const decide = async (argv: string[]) => {
      const code = await env.time.track(cli.run(argv));
      answers.push({ code, ...cli.take() });
    };
    let asked = false;
    env.on((e) => {
      if (asked || e.state !== 'RequestPromotion' || e.type !== 'entered') return;
      asked = true;
      void (async () => {
        await env.time.sleep(2 * 60_000);
        await decide(['abort', 'search']);
        await decide(['abort', 'search']);
      })();
    });

    // Act
    await decide(['promote', 'search']);
    await env.push('v2');
    await env.settle();
    sts.restore();

    // Assess
    const [execution] = env.sfn.executions.values();
    const result = execution!.run!.result;
    const [record] = await history(env.records, 'search');
    expect(answers[0]).toEqual({
      code: 3,
      out: '',
      err: 'shipwatch: nothing of search is paused for promotion: it has no deployments yet; nothing was changed',
    });
    expect(answers[1]!.code).toBe(0);
    expect(answers[1]!.out.split('\n')).toEqual([
      'Aborted by bob@example.com (role AWSReservedSSO_Deployers_0123abcd): all traffic goes back to the previous revision, and the release is rolled back.',
      `search:v2 (record ${record!.recordId}) was paused at step 1 of 2 (20% of traffic)`,
      'follow it: shipwatch follow search',
    ]);
    expect(answers[2]).toMatchObject({
      code: 3,
      err: expect.stringMatching(
        /^shipwatch: (Already aborted by bob@example\.com \(role AWSReservedSSO_Deployers_0123abcd\) at \d\d:\d\d:\d\dZ|nothing of search is paused for promotion: search:v2 \(record \S+\) is rolling back)/,
      ),
    });
    expect(result.outcome).toBe('rolled_back');
    expect(result.reason).toMatch(new RegExp(`^Aborted: ${operator.replace(/[/.]/g, '\\$&')} aborted the canary deployment at the pause \\(step-1\\)`));
    expect(env.canary()).toBeUndefined();
    expect(env.image()).toBe(env.initialImage);
    expect(record!.progress?.decision).toMatchObject({ action: 'abort', by: operator });
  });
});
