import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import * as v from 'valibot';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../shared/config/load.js';
import { parseEcrPushEvent } from '../../shared/events/ecr-push.js';
import { executionName } from '../../shared/match/match-push.js';
import { startDeployments } from '../../shared/trigger/start-deployments.js';
import { workflowStateSchema } from '../../shared/workflow/state.js';
import { eventSample, type EventSample } from '../support/fixtures.js';

// No `aws-sdk-client-mock-vitest` in node_modules: commands are asserted
// through `commandCalls(...)[i].args[0].input`.

const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:shipwatch-deploy';
const DIGEST = 'sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234';
const REGISTRY = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
/** The published push sample's event id. */
const EVENT_ID = '13cde686-328b-6117-af20-0e5566167482';

/** The published push sample, re-aimed at another repository and tag. */
function pushSample(repository: string, tag?: string): EventSample {
  const event = eventSample('eventbridge-ecr-image-action-push-success');
  event.detail['repository-name'] = repository;
  if (tag === undefined) delete event.detail['image-tag'];
  else event.detail['image-tag'] = tag;
  return event;
}

const config = parseConfigText(
  `services:
  - name: web
    image:
      repository: web
      tags: ["v*"]
    target:
      ecs: { cluster: prod, service: web, container: app }
    scan:
      blockAt: HIGH
  - name: worker
    image:
      repository: web
      tags: ["v*", "release-*"]
    target:
      ecs: { cluster: prod, service: worker, container: worker }
  - name: api
    image:
      repository: api
    target:
      ecs: { cluster: prod, service: api, container: api }
`,
  'inline.yml',
);

const service = (name: string) => {
  const found = config.services.find((s) => s.name === name);
  if (!found) throw new Error(`no service ${name} in the test config`);
  return found;
};

const releaseOf = (repository: string, tag?: string) => ({
  repository,
  registry: REGISTRY,
  digest: DIGEST,
  ...(tag ? { tag } : {}),
  imageUri: `${REGISTRY}/${repository}@${DIGEST}`,
  pushedAt: '2019-11-16T01:54:34Z',
  eventId: EVENT_ID,
  region: 'us-west-2',
});

const arnOf = (name: string) => `arn:aws:states:us-east-1:123456789012:execution:shipwatch-deploy:${name}`;

const sfnMock = mockClient(SFNClient);

beforeEach(() => {
  sfnMock.reset();
});

afterAll(() => {
  sfnMock.restore();
});

describe('startDeployments', () => {
  it('starts one execution named after service, digest and event id, with release and service as input', async () => {
    // Prepare
    const push = parseEcrPushEvent(pushSample('api', 'latest'));
    const name = executionName('api', DIGEST, EVENT_ID);
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: arnOf(name), startDate: new Date('2019-11-16T01:54:40Z') });

    // Act
    const result = await startDeployments(new SFNClient({}), STATE_MACHINE_ARN, config, push);

    // Assess
    const calls = sfnMock.commandCalls(StartExecutionCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input).toEqual({ stateMachineArn: STATE_MACHINE_ARN, name: 'api-7f5b2640fe6f-29c601c64ef17252decbf633', input: expect.any(String) });
    expect(input?.name).toBe(name);
    expect(JSON.parse(input?.input ?? '')).toEqual({ release: releaseOf('api', 'latest'), service: service('api') });
    expect(result).toEqual({
      repository: 'api',
      tag: 'latest',
      digest: DIGEST,
      started: [{ service: 'api', executionArn: arnOf(name) }],
      duplicates: [],
    });
  });

  it('gives an input every task of the workflow can parse', async () => {
    // Prepare
    const push = parseEcrPushEvent(pushSample('api', 'latest'));
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: arnOf('x') });

    // Act
    await startDeployments(new SFNClient({}), STATE_MACHINE_ARN, config, push);

    // Assess
    const input = JSON.parse(sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '');
    const state = v.parse(workflowStateSchema, input);
    expect(state.release.imageUri).toBe(`${REGISTRY}/api@${DIGEST}`);
    // The task-definition family (default: the service name) travels with the config: deploy checks it.
    expect(state.service.target.ecs).toEqual({ cluster: 'prod', service: 'api', container: 'api', family: 'api' });
  });

  it('starts one execution per matching service', async () => {
    // Prepare
    const push = parseEcrPushEvent(pushSample('web', 'v1.2.3'));
    const webName = executionName('web', DIGEST, EVENT_ID);
    const workerName = executionName('worker', DIGEST, EVENT_ID);
    sfnMock.on(StartExecutionCommand, { name: webName }).resolves({ executionArn: arnOf(webName) });
    sfnMock.on(StartExecutionCommand, { name: workerName }).resolves({ executionArn: arnOf(workerName) });

    // Act
    const result = await startDeployments(new SFNClient({}), STATE_MACHINE_ARN, config, push);

    // Assess
    const inputs = sfnMock.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
    expect(inputs.map(({ stateMachineArn, name }) => ({ stateMachineArn, name }))).toEqual([
      { stateMachineArn: STATE_MACHINE_ARN, name: webName },
      { stateMachineArn: STATE_MACHINE_ARN, name: workerName },
    ]);
    expect(inputs.map((i) => JSON.parse(i.input ?? ''))).toEqual([
      { release: releaseOf('web', 'v1.2.3'), service: service('web') },
      { release: releaseOf('web', 'v1.2.3'), service: service('worker') },
    ]);
    expect(result.started).toEqual([
      { service: 'web', executionArn: arnOf(webName) },
      { service: 'worker', executionArn: arnOf(workerName) },
    ]);
    expect(result.duplicates).toEqual([]);
  });

  it('sends nothing when the push matches no service', async () => {
    // Prepare
    const push = parseEcrPushEvent(pushSample('web', 'nightly'));

    // Act
    const result = await startDeployments(new SFNClient({}), STATE_MACHINE_ARN, config, push);

    // Assess
    expect(sfnMock.calls()).toHaveLength(0);
    expect(result).toEqual({ repository: 'web', tag: 'nightly', digest: DIGEST, started: [], duplicates: [] });
  });

  it('starts only `*` services for a push without a tag, and reports no tag', async () => {
    // Prepare
    const push = parseEcrPushEvent(pushSample('api'));
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: arnOf('api') });

    // Act
    const result = await startDeployments(new SFNClient({}), STATE_MACHINE_ARN, config, push);

    // Assess
    const calls = sfnMock.commandCalls(StartExecutionCommand);
    expect(calls.map((c) => c.args[0].input.name)).toEqual([executionName('api', DIGEST, EVENT_ID)]);
    expect(JSON.parse(calls[0]?.args[0].input.input ?? '').release).toEqual(releaseOf('api'));
    expect(result).not.toHaveProperty('tag');
  });

  it('reports ExecutionAlreadyExists as a duplicate instead of throwing', async () => {
    // Prepare
    const push = parseEcrPushEvent(pushSample('web', 'v1.2.3'));
    const webName = executionName('web', DIGEST, EVENT_ID);
    const workerName = executionName('worker', DIGEST, EVENT_ID);
    sfnMock
      .on(StartExecutionCommand, { name: webName })
      .rejects(Object.assign(new Error(`Execution Already Exists: '${arnOf(webName)}'`), { name: 'ExecutionAlreadyExists' }));
    sfnMock.on(StartExecutionCommand, { name: workerName }).resolves({ executionArn: arnOf(workerName) });

    // Act
    const result = await startDeployments(new SFNClient({}), STATE_MACHINE_ARN, config, push);

    // Assess
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(2);
    expect(result.duplicates).toEqual([{ service: 'web', execution: webName }]);
    expect(result.started).toEqual([{ service: 'worker', executionArn: arnOf(workerName) }]);
  });

  it('starts a new execution for a new tag of the same digest (another event), and none for the same event again', async () => {
    // Prepare: the same image pushed again under another tag is another event.
    const first = parseEcrPushEvent(pushSample('api', 'latest'));
    const retag = parseEcrPushEvent({ ...pushSample('api', 'v2'), id: 'a8d3b59e-12c4-4f0b-9d6e-7e3c2b1a0f99' });
    const firstName = executionName('api', DIGEST, EVENT_ID);
    const retagName = executionName('api', DIGEST, 'a8d3b59e-12c4-4f0b-9d6e-7e3c2b1a0f99');
    sfnMock
      .on(StartExecutionCommand, { name: firstName })
      .resolvesOnce({ executionArn: arnOf(firstName) })
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: { httpStatusCode: 400 } }));
    sfnMock.on(StartExecutionCommand, { name: retagName }).resolves({ executionArn: arnOf(retagName) });

    // Act
    const results = [
      await startDeployments(new SFNClient({}), STATE_MACHINE_ARN, config, first),
      await startDeployments(new SFNClient({}), STATE_MACHINE_ARN, config, retag),
      await startDeployments(new SFNClient({}), STATE_MACHINE_ARN, config, first),
    ];

    // Assess
    expect(firstName).not.toBe(retagName);
    expect(sfnMock.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual([firstName, retagName, firstName]);
    expect(results.map((r) => [r.started.map((s) => s.executionArn), r.duplicates.map((d) => d.execution)])).toEqual([
      [[arnOf(firstName)], []],
      [[arnOf(retagName)], []],
      [[], [firstName]],
    ]);
  });

  it('recognises the SDK ExecutionAlreadyExists exception as a duplicate too', async () => {
    // Prepare
    const push = parseEcrPushEvent(pushSample('api', 'latest'));
    sfnMock.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: { httpStatusCode: 400 } }));

    // Act
    const result = await startDeployments(new SFNClient({}), STATE_MACHINE_ARN, config, push);

    // Assess
    expect(result).toEqual({
      repository: 'api',
      tag: 'latest',
      digest: DIGEST,
      started: [],
      duplicates: [{ service: 'api', execution: executionName('api', DIGEST, EVENT_ID) }],
    });
  });

  it('still starts the other service when one is throttled, then rethrows the throttling error', async () => {
    // Prepare
    const push = parseEcrPushEvent(pushSample('web', 'v1.2.3'));
    const webName = executionName('web', DIGEST, EVENT_ID);
    const workerName = executionName('worker', DIGEST, EVENT_ID);
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    sfnMock.on(StartExecutionCommand, { name: webName }).rejects(throttled);
    sfnMock.on(StartExecutionCommand, { name: workerName }).resolves({ executionArn: arnOf(workerName) });

    // Act
    const outcome = startDeployments(new SFNClient({}), STATE_MACHINE_ARN, config, push);

    // Assess
    await expect(outcome).rejects.toBe(throttled);
    expect(sfnMock.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual([webName, workerName]);
  });
});

describe('functions/start-deployments handler', () => {
  type Handler = (event: unknown, context: Context) => Promise<unknown>;
  let handler: Handler;

  const context: Context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'shipwatch-start-deployments',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:shipwatch-start-deployments',
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/shipwatch-start-deployments',
    logStreamName: '2026/01/01/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };

  beforeAll(async () => {
    // Loads SHIPWATCH_CONFIG (test/fixtures/shipwatch.test.yml) and STATE_MACHINE_ARN at import, as at cold start.
    expect(process.env.SHIPWATCH_CONFIG).toBe('test/fixtures/shipwatch.test.yml');
    expect(process.env.STATE_MACHINE_ARN).toBe(STATE_MACHINE_ARN);
    ({ handler } = (await import('../../functions/start-deployments.js')) as { handler: Handler });
  });

  it('starts web and worker for a v1.2.3 push to the web repository', async () => {
    // Prepare
    const webName = executionName('web', DIGEST, EVENT_ID);
    const workerName = executionName('worker', DIGEST, EVENT_ID);
    sfnMock.on(StartExecutionCommand, { name: webName }).resolves({ executionArn: arnOf(webName) });
    sfnMock.on(StartExecutionCommand, { name: workerName }).resolves({ executionArn: arnOf(workerName) });

    // Act
    const result = await handler(pushSample('web', 'v1.2.3'), context);

    // Assess
    const inputs = sfnMock.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
    expect(inputs.map(({ stateMachineArn, name }) => ({ stateMachineArn, name }))).toEqual([
      { stateMachineArn: STATE_MACHINE_ARN, name: webName },
      { stateMachineArn: STATE_MACHINE_ARN, name: workerName },
    ]);
    const bodies = inputs.map((i) => JSON.parse(i.input ?? ''));
    expect(bodies.map((b) => b.release)).toEqual([releaseOf('web', 'v1.2.3'), releaseOf('web', 'v1.2.3')]);
    expect(bodies.map((b) => [b.service.name, b.service.target.ecs.service])).toEqual([
      ['web', 'web'],
      ['worker', 'worker'],
    ]);
    expect(bodies[0].service.scan.ignore).toEqual([{ id: 'CVE-2023-0001', until: '2099-12-31', reason: 'not reachable in our build' }]);
    expect(result).toEqual({
      repository: 'web',
      tag: 'v1.2.3',
      digest: DIGEST,
      started: [
        { service: 'web', executionArn: arnOf(webName) },
        { service: 'worker', executionArn: arnOf(workerName) },
      ],
      duplicates: [],
    });
  });

  it('starts only web (release-* glob) for a release-7 push', async () => {
    // Prepare
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: arnOf('web') });

    // Act
    await handler(pushSample('web', 'release-7'), context);

    // Assess
    expect(sfnMock.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual([executionName('web', DIGEST, EVENT_ID)]);
  });

  it('throws InvalidInput for the delete sample and sends no command', async () => {
    // Prepare
    const event = eventSample('eventbridge-ecr-image-action-delete-success');

    // Act
    const outcome = handler(event, context);

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'InvalidInput', message: expect.stringContaining('detail.action-type') });
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('returns an empty result and sends nothing for a push no service matches', async () => {
    // Prepare
    const event = pushSample('my-repository-name', 'latest');

    // Act
    const result = await handler(event, context);

    // Assess
    expect(result).toEqual({ repository: 'my-repository-name', tag: 'latest', digest: DIGEST, started: [], duplicates: [] });
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('turns a throttled StartExecution into Transient for the state machine to retry', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    sfnMock.on(StartExecutionCommand).rejects(throttled);

    // Act
    const outcome = handler(pushSample('api', 'v9'), context);

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'Transient', message: 'ThrottlingException: Rate exceeded', cause: throttled });
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });
});
