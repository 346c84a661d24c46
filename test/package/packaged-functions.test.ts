import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalLambda } from '../../local/lambda-runtime/environments.js';
import { loadPackage, type PackagedApp } from '../../local/lambda-runtime/packaged.js';
import { lambdaContext } from '../../local/task-handlers.js';
import { ERROR_NAMES } from '../../shared/errors.js';

// `.serverless/` as `serverless package` writes it from shipwatch.yml: every
// function loads from its zip as the Lambda Node.js runtime loads it, and the
// errors it throws carry the names the state machine's Retry and Catch match.
// A bundler that renames classes (minify without keepNames, with names
// derived from the class) fails here, and in the scenarios over
// .serverless-sandbox/ (packaged-scenarios.test.ts).

let app: PackagedApp;
let lambda: LocalLambda;
beforeAll(async () => {
  app = await loadPackage('.serverless', {
    table: 'shipwatch-package-test',
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:shipwatch-dev-deploy',
  });
  lambda = new LocalLambda(app.functions, () => Date.parse('2026-11-02T10:00:00Z'), {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    // Nothing here should reach AWS: a call would fail fast on this closed port.
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_MAX_ATTEMPTS: '1',
  });
});
afterAll(async () => {
  await lambda?.close();
  await app?.dispose();
});

// The Slack endpoint reads its signing secret before it reads the request; the scenarios cover it.
const validatingFirst = () => lambda.names.filter((n) => n !== 'slackInteraction');

describe('the packaged functions', () => {
  it('are every function serverless.yml declares, each on nodejs22.x with its own zip', () => {
    expect(lambda.names.sort()).toEqual(
      [
        'acquireLease',
        'admitRelease',
        'advanceRelease',
        'alarmRollback',
        'awaitEvent',
        'checkHealth',
        'closeRecord',
        'deployRelease',
        'ecsLifecycleHook',
        'finishDeployment',
        'requestApproval',
        'resumeWaiters',
        'rollBack',
        'scanImage',
        'slackInteraction',
        'startDeployments',
        'watchRollout',
      ].sort(),
    );
  });

  it('each refuses an empty event with an error named InvalidInput, the literal the ASL expects', async () => {
    for (const name of validatingFirst()) {
      const error = (await lambda.invoke(name, {}, lambdaContext(name)).catch((e: Error) => e)) as Error;
      expect(error, `${name} accepted an empty event`).toBeInstanceOf(Error);
      expect({ name, errorType: error.name }).toEqual({ name, errorType: 'InvalidInput' });
      expect(ERROR_NAMES).toContain(error.name);
    }
  });

  it('deployRelease is given the lifecycle hook ECS invokes and the role it assumes, as the stack names them', () => {
    expect(app.functions.get('deployRelease')!.env).toMatchObject({
      SHIPWATCH_ECS_HOOK_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:shipwatch-dev-ecsLifecycleHook',
      SHIPWATCH_ECS_HOOK_ROLE_ARN: 'arn:aws:iam::123456789012:role/EcsHookInvokeRole',
    });
  });

  it('the rendered state machine invokes only packaged functions, and every Retry and Catch names a known error', () => {
    const known = new Set<string>([...ERROR_NAMES, 'States.ALL', 'States.Timeout', 'Sandbox.Timedout']);
    for (const [state, fn] of Object.entries(app.definition.taskFunctions)) {
      expect(lambda.names, `${state} invokes ${fn}`).toContain(fn);
      const def = app.definition.definition.States[state]!;
      const named = [...(def.Retry ?? []), ...((def.Catch as { ErrorEquals: string[] }[] | undefined) ?? [])].flatMap((r) => r.ErrorEquals);
      for (const error of named) {
        if (/^NotYet\d+s$/.test(error) || error.startsWith('Lambda.')) continue;
        expect(known, `${state} matches ${error}, which nothing throws`).toContain(error);
      }
    }
  });
});
