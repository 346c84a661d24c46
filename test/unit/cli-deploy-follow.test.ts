import { readFileSync } from 'node:fs';
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { awsClients } from '../../cli/aws-clients.js';
import { deployTag } from '../../cli/deploy/image.js';
import { parseConfigText } from '../../shared/config/load.js';
import { cliHarness } from '../support/cli-context.js';
import { fixture, fixturePath } from '../support/fixtures.js';

// `shipwatch deploy`, `follow` and `rollback --follow`: each one's AWS calls,
// exactly (aws-sdk-client-mock), with the table and state machine a stack's
// outputs would name. test/sandbox/sandbox-deploy.test.ts runs them against
// the sandbox.

const CONFIG = fixturePath('shipwatch.cli.yml');
const TABLE = 'shipwatch-prod-RecordsTable-1A2B3C';
const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:shipwatch-prod-deploy';
const EXECUTION = (name: string) => `arn:aws:states:eu-west-1:123456789012:execution:shipwatch-prod-deploy:${name}`;
const NOW = new Date('2026-11-02T12:00:00.250Z');
const REGISTRY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const DIGEST = `sha256:${'b'.repeat(64)}`;
const TD = (n: number) => `arn:aws:ecs:eu-west-1:123456789012:task-definition/web:${n}`;
/** BOTOCORE's GetCallerIdentity example for an assumed role (test/fixtures/SOURCES.md). */
const CALLER = fixture<{ Arn: string; Account: string; UserId: string }>('sts-get-caller-identity-response-assumed-role-botocore-example');

const dynamo = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const ecr = mockClient(ECRClient);
const sts = mockClient(STSClient);
afterEach(() => [dynamo, sfn, ecr, sts].forEach((m) => m.reset()));

function cli() {
  const records = { db: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })), table: TABLE };
  return cliHarness({
    configFile: CONFIG,
    records,
    sfn: new SFNClient({ region: 'eu-west-1' }),
    stateMachineArn: MACHINE,
    clients: awsClients({ region: 'eu-west-1' }),
    now: () => NOW,
    sleep: async () => undefined,
  });
}

const rejected = {
  pk: 'SVC#web',
  sk: 'REC#20261102T100000Z-bbbbbbbbbbbb-1c0f9e2b',
  service: 'web',
  recordId: '20261102T100000Z-bbbbbbbbbbbb-1c0f9e2b',
  repository: 'web',
  tag: 'v4',
  digest: DIGEST,
  imageUri: `${REGISTRY}/web@${DIGEST}`,
  pushedAt: '2026-11-02T10:00:00Z',
  executionName: `web-bbbbbbbbbbbb-${'c'.repeat(24)}`,
  phase: 'done',
  outcome: 'rejected',
  reason: 'rejected by <@U0ALICE> at 2026-11-02T10:05:00.000Z',
  createdAt: '2026-11-02T10:00:00Z',
  updatedAt: '2026-11-02T10:05:00Z',
};

/** A short, finished history of a deployment, as GetExecutionHistory reports it (newest first when asked so). */
function finishedHistory(): HistoryEvent[] {
  const at = (s: number) => new Date(NOW.getTime() + s * 1000);
  return [
    { id: 1, timestamp: at(0), type: 'ExecutionStarted', executionStartedEventDetails: { input: '{}' } },
    { id: 2, timestamp: at(0), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'Deploy' } },
    {
      id: 3,
      timestamp: at(1),
      type: 'LambdaFunctionSucceeded',
      lambdaFunctionSucceededEventDetails: {
        output: JSON.stringify({
          platform: 'ecs',
          previousRevision: TD(7),
          revision: TD(8),
          deploymentId: 'ecs-svc/1',
          startedAt: at(1).toISOString(),
          alreadyRunning: false,
        }),
      },
    },
    { id: 4, timestamp: at(121), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'WatchRollout' } },
    {
      id: 5,
      timestamp: at(121),
      type: 'LambdaFunctionSucceeded',
      lambdaFunctionSucceededEventDetails: {
        output: JSON.stringify({ done: true, completedAt: at(121).toISOString(), detail: 'ecs-svc/1 completed: 4/4 tasks running, 0 failed' }),
      },
    },
    { id: 6, timestamp: at(722), type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: '{}' } },
  ];
}

const result = (outcome: string, reason: string) => ({
  service: 'web',
  repository: 'web',
  tag: 'v4',
  digest: DIGEST,
  imageUri: `${REGISTRY}/web@${DIGEST}`,
  outcome,
  reason,
  steps: [{ step: 'rollout', startedAt: NOW.toISOString(), endedAt: new Date(NOW.getTime() + 121_000).toISOString() }],
  startedAt: NOW.toISOString(),
  finishedAt: NOW.toISOString(),
});

describe('shipwatch deploy', () => {
  it('DescribeImages for the digest, the service state, GetCallerIdentity, the history, then StartExecution with the input a push makes and who asked', async () => {
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ registryId: '123456789012', repositoryName: 'web', imageDigest: DIGEST, imageTags: ['v4'] }] });
    dynamo.on(GetCommand).resolves({
      Item: {
        service: 'web',
        lastGood: {
          recordId: 'r3',
          revision: TD(7),
          imageUri: `${REGISTRY}/web@sha256:${'a'.repeat(64)}`,
          digest: `sha256:${'a'.repeat(64)}`,
          deployedAt: '2026-11-01T00:00:00Z',
        },
      },
    });
    dynamo.on(QueryCommand).resolves({ Items: [rejected] });
    sts.on(GetCallerIdentityCommand).resolves(CALLER);
    const name = `web-deploy-bbbbbbbbbbbb-${NOW.getTime()}`;
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION(name), startDate: NOW });
    const c = cli();

    expect(await c.run(['deploy', 'web', 'v4'])).toBe(0);

    expect(ecr.commandCalls(DescribeImagesCommand).map((x) => x.args[0].input)).toEqual([{ repositoryName: 'web', imageIds: [{ imageTag: 'v4' }] }]);
    expect(dynamo.commandCalls(GetCommand).map((x) => x.args[0].input)).toEqual([
      { TableName: TABLE, Key: { pk: 'SVC#web', sk: 'STATE' }, ConsistentRead: true },
    ]);
    expect(sts.commandCalls(GetCallerIdentityCommand).map((x) => x.args[0].input)).toEqual([{}]);
    expect(dynamo.commandCalls(QueryCommand).map((x) => x.args[0].input)).toEqual([
      {
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :rec)',
        ExpressionAttributeValues: { ':pk': 'SVC#web', ':rec': 'REC#' },
        ScanIndexForward: false,
        Limit: 25,
      },
    ]);
    const [start] = sfn.commandCalls(StartExecutionCommand).map((x) => x.args[0].input);
    expect(start).toEqual({ stateMachineArn: MACHINE, name, input: expect.any(String) });
    const config = parseConfigText(readFileSync(CONFIG, 'utf8'), CONFIG);
    expect(JSON.parse(start!.input!)).toEqual({
      release: {
        repository: 'web',
        registry: REGISTRY,
        digest: DIGEST,
        tag: 'v4',
        imageUri: `${REGISTRY}/web@${DIGEST}`,
        pushedAt: '2026-11-02T12:00:00Z',
        eventId: name,
        region: 'eu-west-1',
        requestedBy: CALLER.Arn,
      },
      service: config.services[0],
    });
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
    const { out, err } = c.take();
    expect(err).toBe('');
    expect(out.split('\n')).toEqual([
      `deploying web:v4@${DIGEST} to web, asked by ${CALLER.Arn}`,
      `this image last ended rejected as v4 (record ${rejected.recordId}): ${rejected.reason}`,
      expect.stringMatching(/^record 20261102T120000Z-bbbbbbbbbbbb-[a-f0-9]{8}$/),
      `execution ${EXECUTION(name)}`,
    ]);
  });

  it("by digest: the image's tag the service deploys; --json prints what it started", async () => {
    ecr
      .on(DescribeImagesCommand)
      .resolves({ imageDetails: [{ registryId: '123456789012', repositoryName: 'web', imageDigest: DIGEST, imageTags: ['latest', 'v4'] }] });
    dynamo.on(GetCommand).resolves({});
    dynamo.on(QueryCommand).resolves({ Items: [] });
    sts.on(GetCallerIdentityCommand).resolves(CALLER);
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION('x'), startDate: NOW });
    const c = cli();

    expect(await c.run(['deploy', 'web', DIGEST, '--json'])).toBe(0);

    expect(ecr.commandCalls(DescribeImagesCommand).map((x) => x.args[0].input)).toEqual([{ repositoryName: 'web', imageIds: [{ imageDigest: DIGEST }] }]);
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!).release.tag).toBe('v4');
    expect(JSON.parse(c.take().out)).toEqual({
      service: 'web',
      image: `web:v4@${DIGEST}`,
      record: expect.stringMatching(/^20261102T120000Z-bbbbbbbbbbbb-/),
      requestedBy: CALLER.Arn,
      executionArn: EXECUTION('x'),
    });
  });

  it('refuses, starting nothing: a tag the service does not deploy, an image ECR does not have, the image that already runs, an unknown service', async () => {
    const c = cli();
    ecr
      .on(DescribeImagesCommand, { imageIds: [{ imageTag: 'nightly' }] })
      .resolves({ imageDetails: [{ registryId: '123456789012', imageDigest: DIGEST, imageTags: ['nightly'] }] });
    ecr
      .on(DescribeImagesCommand, { imageIds: [{ imageTag: 'v9' }] })
      .rejects(
        Object.assign(
          new Error(
            "The image with imageId {imageDigest:'null', imageTag:'v9'} does not exist within the repository with name 'web' in the registry with id '123456789012'",
          ),
          { name: 'ImageNotFoundException', $metadata: { httpStatusCode: 400 } },
        ),
      );
    ecr
      .on(DescribeImagesCommand, { imageIds: [{ imageTag: 'v4' }] })
      .resolves({ imageDetails: [{ registryId: '123456789012', imageDigest: DIGEST, imageTags: ['v4'] }] });
    dynamo.on(GetCommand).resolves({
      Item: {
        service: 'web',
        lastGood: { recordId: 'r4', revision: TD(8), imageUri: `${REGISTRY}/web@${DIGEST}`, digest: DIGEST, deployedAt: '2026-11-01T00:00:00Z' },
        lastDeployment: { recordId: 'r4', outcome: 'deployed', revision: TD(8), previousRevision: TD(7), finishedAt: '2026-11-01T00:00:00Z' },
      },
    });

    expect(await c.run(['deploy', 'web', 'nightly'])).toBe(3);
    expect(await c.run(['deploy', 'web', 'v9'])).toBe(3);
    expect(await c.run(['deploy', 'web', 'v4'])).toBe(3);
    expect(await c.run(['deploy', 'nope', 'v4'])).toBe(3);
    expect(await c.run(['deploy', 'web', 'sha256:123'])).toBe(2);

    expect(
      c
        .take()
        .err.split('\n')
        .filter((l) => l.startsWith('shipwatch:')),
    ).toEqual([
      'shipwatch: web: web:nightly does not match its image.tags (v*), so a push of it would not deploy to web either',
      'shipwatch: web: no image web:v9 in ECR; push it first (a push deploys it by itself)',
      `shipwatch: web already runs web@${DIGEST} (last good release r4); nothing to deploy`,
      expect.stringMatching(/^shipwatch: no service "nope" in .*shipwatch\.cli\.yml \(services: web, api\)$/),
      `shipwatch: command-argument value 'sha256:123' is invalid for argument 'image'. "sha256:123" is not an image digest (sha256: and 64 hex digits)`,
    ]);
    expect(sts.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('--follow: DescribeExecution, then the history newest first down to what it has read, until it ends; exit 0 only when deployed', async () => {
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ registryId: '123456789012', imageDigest: DIGEST, imageTags: ['v4'] }] });
    dynamo.on(GetCommand).resolves({});
    dynamo.on(QueryCommand).resolves({ Items: [] });
    sts.on(GetCallerIdentityCommand).resolves(CALLER);
    const arn = EXECUTION(`web-deploy-bbbbbbbbbbbb-${NOW.getTime()}`);
    sfn.on(StartExecutionCommand).resolves({ executionArn: arn, startDate: NOW });
    const events = finishedHistory();
    const input = JSON.stringify({ release: { repository: 'web', digest: DIGEST, tag: 'v4' }, service: { name: 'web', health: { bakeMinutes: 10 } } });
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({ status: 'RUNNING', input, startDate: NOW })
      .resolves({
        status: 'SUCCEEDED',
        input,
        startDate: NOW,
        output: JSON.stringify(result('deployed', `deployed ${REGISTRY}/web@${DIGEST}; healthy through the bake`)),
      });
    // First poll: three events so far; second: all of them.
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: events.slice(0, 3).reverse() })
      .resolves({ events: [...events].reverse() });
    const c = cli();

    expect(await c.run(['deploy', 'web', 'v4', '--follow'])).toBe(0);

    expect(sfn.commandCalls(DescribeExecutionCommand).map((x) => x.args[0].input)).toEqual([{ executionArn: arn }, { executionArn: arn }]);
    expect(sfn.commandCalls(GetExecutionHistoryCommand).map((x) => x.args[0].input)).toEqual([
      { executionArn: arn, reverseOrder: true, maxResults: 100 },
      { executionArn: arn, reverseOrder: true, maxResults: 100 },
    ]);
    // No earlier record of this image: three lines say what started, then the progress.
    expect(c.take().out.split('\n').slice(3)).toEqual([
      'following it (Ctrl-C stops following, not the deployment)…',
      '12:00:01Z  +1s      deploying: web:7 → web:8',
      '12:02:01Z  +2m01s   rolled out: ecs-svc/1 completed: 4/4 tasks running, 0 failed',
      `deployed: deployed ${REGISTRY}/web@${DIGEST}; healthy through the bake`,
      'steps: rollout 2m01s',
    ]);

    sfn.on(DescribeExecutionCommand).resolves({
      status: 'FAILED',
      input,
      startDate: NOW,
      error: 'Shipwatch.RolledBack',
      cause: JSON.stringify(result('rolled_back', 'Unhealthy: 5xx rate 7% > 2%; rolled back to web:7')),
    });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    expect(await c.run(['deploy', 'web', 'v4', '--follow'])).toBe(1);
    expect(c.take().out).toMatch(/\nrolled_back: Unhealthy: 5xx rate 7% > 2%; rolled back to web:7\nsteps: rollout 2m01s$/);
  });
});

describe('shipwatch follow', () => {
  it("lists the running executions, keeps the service's own (by its input), follows the newest; a rollback that ends rolled_back exits 0", async () => {
    const rollback = EXECUTION('web-rollback-1793620000000');
    const other = EXECUTION('web-api-0123456789ab-ffffffffffffffffffffffff');
    const push = EXECUTION(`web-bbbbbbbbbbbb-${'c'.repeat(24)}`);
    sfn.on(ListExecutionsCommand).resolves({
      executions: [
        {
          executionArn: rollback,
          stateMachineArn: MACHINE,
          name: 'web-rollback-1793620000000',
          status: 'RUNNING',
          startDate: new Date('2026-11-02T11:59:00Z'),
        },
        {
          executionArn: other,
          stateMachineArn: MACHINE,
          name: 'web-api-0123456789ab-ffffffffffffffffffffffff',
          status: 'RUNNING',
          startDate: new Date('2026-11-02T11:59:30Z'),
        },
        {
          executionArn: push,
          stateMachineArn: MACHINE,
          name: `web-bbbbbbbbbbbb-${'c'.repeat(24)}`,
          status: 'RUNNING',
          startDate: new Date('2026-11-02T11:50:00Z'),
        },
      ],
    });
    const rollbackInput = JSON.stringify({
      mode: 'rollback',
      release: { repository: 'web', digest: DIGEST, tag: 'v4' },
      service: { name: 'web', health: { bakeMinutes: 10 } },
      admission: { recordId: rejected.recordId },
    });
    sfn.on(DescribeExecutionCommand, { executionArn: other }).resolves({ status: 'RUNNING', input: JSON.stringify({ service: { name: 'web-api' } }) });
    sfn.on(DescribeExecutionCommand, { executionArn: push }).resolves({ status: 'RUNNING', input: JSON.stringify({ service: { name: 'web' } }) });
    sfn
      .on(DescribeExecutionCommand, { executionArn: rollback })
      .resolvesOnce({ status: 'RUNNING', input: rollbackInput, startDate: NOW })
      .resolvesOnce({ status: 'RUNNING', input: rollbackInput, startDate: NOW })
      .resolves({
        status: 'FAILED',
        input: rollbackInput,
        startDate: NOW,
        error: 'Shipwatch.RolledBack',
        cause: JSON.stringify(result('rolled_back', 'rolled back by alice with shipwatch rollback; rolled back to web:7')),
      });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    dynamo.on(QueryCommand).resolves({ Items: [{ ...rejected, outcome: 'deployed', reason: 'deployed' }] });
    const c = cli();

    expect(await c.run(['follow', 'web'])).toBe(0);

    expect(sfn.commandCalls(ListExecutionsCommand).map((x) => x.args[0].input)).toEqual([
      { stateMachineArn: MACHINE, statusFilter: 'RUNNING', maxResults: 100 },
    ]);
    expect(sfn.commandCalls(DescribeExecutionCommand).map((x) => x.args[0].input.executionArn)).toEqual([rollback, other, push, rollback, rollback]);
    expect(c.take().out.split('\n')).toEqual([
      `following web:v4 (record ${rejected.recordId})`,
      `execution ${rollback}`,
      `also running for web: web-bbbbbbbbbbbb-${'c'.repeat(24)}`,
      'rolled_back: rolled back by alice with shipwatch rollback; rolled back to web:7',
      'steps: rollout 2m01s',
    ]);
  });

  it("with nothing running, replays the newest record's execution and exits by its outcome; with no record at all, refuses", async () => {
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    dynamo.on(QueryCommand).resolves({ Items: [rejected] });
    const input = JSON.stringify({ release: { repository: 'web', digest: DIGEST, tag: 'v4' }, service: { name: 'web', health: { bakeMinutes: 10 } } });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED', input, startDate: NOW, output: JSON.stringify(result('rejected', rejected.reason)) });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
    const c = cli();

    expect(await c.run(['follow', 'web'])).toBe(1);
    expect(sfn.commandCalls(DescribeExecutionCommand).map((x) => x.args[0].input)).toEqual([{ executionArn: EXECUTION(rejected.executionName) }]);
    expect(c.take().out.split('\n')[0]).toBe(`nothing under way; the newest: web:v4 (record ${rejected.recordId})`);

    dynamo.on(QueryCommand).resolves({ Items: [] });
    expect(await c.run(['follow', 'api'])).toBe(3);
    expect(c.take().err).toBe('shipwatch: api: Shipwatch has not deployed it yet, so there is nothing to follow');
  });
});

describe('shipwatch rollback --follow', () => {
  it('follows the rollback execution it started, and refuses --follow with --no-wait', async () => {
    const v3 = { ...rejected, tag: 'v3', outcome: 'deployed', revision: TD(8), previousRevision: TD(7), platform: 'ecs' };
    dynamo.on(GetCommand, { Key: { pk: 'SVC#web', sk: 'STATE' } }).resolves({
      Item: {
        service: 'web',
        lastDeployment: { recordId: v3.recordId, outcome: 'deployed', revision: TD(8), previousRevision: TD(7), platform: 'ecs', finishedAt: v3.updatedAt },
      },
    });
    dynamo.on(GetCommand, { Key: { pk: 'SVC#web', sk: v3.sk } }).resolves({ Item: v3 });
    const arn = EXECUTION(`web-rollback-${NOW.getTime()}`);
    sfn.on(StartExecutionCommand).resolves({ executionArn: arn, startDate: NOW });
    const input = JSON.stringify({
      mode: 'rollback',
      release: { repository: 'web', digest: DIGEST, tag: 'v3' },
      service: { name: 'web', health: { bakeMinutes: 10 } },
    });
    const at = (s: number) => new Date(NOW.getTime() + s * 1000);
    sfn.on(DescribeExecutionCommand).resolves({
      status: 'FAILED',
      input,
      startDate: NOW,
      error: 'Shipwatch.RolledBack',
      cause: JSON.stringify(result('rolled_back', `rolled back by alice with shipwatch rollback; rolled back to ${TD(7)}`)),
    });
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: [
        {
          id: 3,
          timestamp: at(2),
          type: 'LambdaFunctionSucceeded',
          lambdaFunctionSucceededEventDetails: {
            output: JSON.stringify({ revision: TD(7), deploymentId: 'ecs-svc/2', startedAt: at(2).toISOString(), adopted: false }),
          },
        },
        { id: 2, timestamp: at(1), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'RollBack' } },
        { id: 1, timestamp: at(0), type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'AcquireRollbackLease' } },
      ],
    });
    const c = cli();

    expect(await c.run(['rollback', 'web', '--follow'])).toBe(0);
    expect(await c.run(['rollback', 'web', '--follow', '--no-wait'])).toBe(2);

    expect(sfn.commandCalls(GetExecutionHistoryCommand).map((x) => x.args[0].input)).toEqual([{ executionArn: arn, reverseOrder: true, maxResults: 100 }]);
    const { out, err } = c.take();
    expect(out.split('\n').slice(3)).toEqual([
      '12:00:00Z  +0s      rolling back',
      '12:00:02Z  +2s      rolling back to web:7',
      `rolled_back: rolled back by alice with shipwatch rollback; rolled back to ${TD(7)}`,
      'steps: rollout 2m01s',
    ]);
    expect(err).toMatch(/option '--follow' cannot be used with option '--no-wait'/);
  });
});

describe('deployTag', () => {
  const [web, payments, anything] = parseConfigText(
    `services:
  - name: web
    image: { repository: web, tags: ["v*"] }
    target: { ecs: { cluster: prod, service: web, container: app } }
  - name: payments
    image: { repository: payments, tags: ["v*", "release-*"] }
    target: { ecs: { cluster: prod, service: payments, container: api } }
    approval: { required: ["release-*"], channel: C0DEPLOYS, approvers: [U0ALICE] }
  - name: anything
    image: { repository: anything }
    target: { ecs: { cluster: prod, service: anything, container: app } }
`,
    'inline.yml',
  ).services as [never, never, never];
  const image = (repository: string, tags: string[]) => ({ repository, account: '123456789012', digest: DIGEST, tags });

  it('keeps a tag the service deploys, and refuses one it does not', () => {
    expect(deployTag(web, image('web', ['v4']), { tag: 'v4' })).toBe('v4');
    expect(() => deployTag(web, image('web', ['nightly']), { tag: 'nightly' })).toThrow(
      'web: web:nightly does not match its image.tags (v*), so a push of it would not deploy to web either',
    );
  });

  it('by digest: of the tags that match, one that needs approval, else the first in order; tagless only where a push by digest deploys', () => {
    expect(deployTag(payments, image('payments', ['v4.2', 'release-4.2', 'latest']), { digest: DIGEST })).toBe('release-4.2');
    expect(deployTag(web, image('web', ['v4.2', 'v4', 'latest']), { digest: DIGEST })).toBe('v4');
    expect(deployTag(anything, image('anything', []), { digest: DIGEST })).toBeUndefined();
    expect(() => deployTag(web, image('web', ['latest']), { digest: DIGEST })).toThrow(
      `web: web@${DIGEST} has no tag matching its image.tags (v*) (its tags: latest); tag it, and the push deploys it`,
    );
    expect(() => deployTag(web, image('web', []), { digest: DIGEST })).toThrow('(it has no tag)');
  });
});
