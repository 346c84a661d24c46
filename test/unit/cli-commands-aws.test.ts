import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeImagesCommand, DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { awsClients } from '../../cli/aws-clients.js';
import { cliHarness } from '../support/cli-context.js';
import { fixturePath } from '../support/fixtures.js';

// Each command's AWS calls, exactly (aws-sdk-client-mock), with the table and
// state machine a stack's outputs would name. The workflow tests run the same
// commands against dynalite and the simulated cloud.

const CONFIG = fixturePath('shipwatch.cli.yml');
const TABLE = 'shipwatch-prod-RecordsTable-1A2B3C';
const MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:shipwatch-prod-deploy';
const NOW = new Date('2026-11-02T12:00:00Z');
const REPO = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web';
const DIGEST = `sha256:${'b'.repeat(64)}`;

const dynamo = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const ecr = mockClient(ECRClient);
const ecs = mockClient(ECSClient);
const cloudwatch = mockClient(CloudWatchClient);
afterEach(() => [dynamo, sfn, ecr, ecs, cloudwatch].forEach((m) => m.reset()));

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

const deployedRecord = (recordId: string, revision: string, previousRevision: string) => ({
  pk: 'SVC#web',
  sk: `REC#${recordId}`,
  service: 'web',
  recordId,
  repository: 'web',
  tag: 'v3',
  digest: DIGEST,
  imageUri: `${REPO}@${DIGEST}`,
  pushedAt: '2026-11-02T10:00:00Z',
  phase: 'done',
  outcome: 'deployed',
  revision,
  previousRevision,
  platform: 'ecs',
  createdAt: '2026-11-02T10:00:00Z',
  updatedAt: '2026-11-02T10:15:00Z',
});

describe('commands and their AWS calls', () => {
  it("history: one Query of the service's records, newest first, limited", async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    expect(await cli().run(['history', 'web', '--limit', '5'])).toBe(0);

    expect(dynamo.commandCalls(QueryCommand).map((c) => c.args[0].input)).toEqual([
      {
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :rec)',
        ExpressionAttributeValues: { ':pk': 'SVC#web', ':rec': 'REC#' },
        ScanIndexForward: false,
        Limit: 5,
      },
    ]);
  });

  it('status: one Scan of the state items, then one Query per service for pushes under way', async () => {
    dynamo.on(ScanCommand).resolves({ Items: [] });
    dynamo.on(QueryCommand).resolves({ Items: [] });

    expect(await cli().run(['status', '--json'])).toBe(0);

    expect(dynamo.commandCalls(ScanCommand).map((c) => c.args[0].input)).toEqual([
      { TableName: TABLE, FilterExpression: 'sk = :state', ExpressionAttributeValues: { ':state': 'STATE' }, ExclusiveStartKey: undefined },
    ]);
    expect(dynamo.commandCalls(QueryCommand).map((c) => c.args[0].input.ExpressionAttributeValues?.[':pk'])).toEqual(['SVC#web', 'SVC#api']);
  });

  it("stats: one Query per service over the window's key range", async () => {
    dynamo.on(ScanCommand).resolves({ Items: [] });
    dynamo.on(QueryCommand).resolves({ Items: [] });

    expect(await cli().run(['stats', '--since', '7d', '--service', 'web', '--json'])).toBe(0);

    expect(dynamo.commandCalls(QueryCommand).map((c) => c.args[0].input)).toEqual([
      {
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': 'SVC#web', ':from': 'REC#20261026T120000Z-', ':to': 'REC$' },
        ExclusiveStartKey: undefined,
      },
    ]);
  });

  it('rollback: StartExecution in rollback mode from what runs to the release before it, then DescribeExecution until it ends', async () => {
    const v3 = deployedRecord(
      '20261102T100000Z-bbbbbbbbbbbb',
      'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3',
      'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2',
    );
    dynamo.on(GetCommand, { Key: { pk: 'SVC#web', sk: 'STATE' } }).resolves({
      Item: {
        service: 'web',
        lastDeployment: {
          recordId: v3.recordId,
          outcome: 'deployed',
          revision: v3.revision,
          previousRevision: v3.previousRevision,
          platform: 'ecs',
          finishedAt: v3.updatedAt,
        },
      },
    });
    dynamo.on(GetCommand, { Key: { pk: 'SVC#web', sk: `REC#${v3.recordId}` } }).resolves({ Item: v3 });
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${MACHINE.replace(':stateMachine:', ':execution:')}:web-rollback-1`, startDate: NOW });
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({ status: 'RUNNING' })
      .resolves({
        status: 'FAILED',
        error: 'Shipwatch.RolledBack',
        cause: JSON.stringify({ outcome: 'rolled_back', reason: 'rolled back by alice with shipwatch rollback; rolled back to …web:2' }),
      });

    expect(await cli().run(['rollback', 'web'])).toBe(0);

    const [start] = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
    expect(start).toMatchObject({ stateMachineArn: MACHINE, name: `web-rollback-${NOW.getTime()}` });
    expect(JSON.parse(start!.input!)).toMatchObject({
      mode: 'rollback',
      release: { repository: 'web', digest: DIGEST, imageUri: `${REPO}@${DIGEST}`, region: 'eu-west-1' },
      admission: { recordId: v3.recordId },
      deploy: { platform: 'ecs', previousRevision: v3.previousRevision, revision: v3.revision, deploymentId: '' },
      rollbackReason: { trigger: 'manual', detail: 'rolled back by alice with shipwatch rollback' },
    });
    expect(sfn.commandCalls(DescribeExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { executionArn: `${MACHINE.replace(':stateMachine:', ':execution:')}:web-rollback-1` },
      { executionArn: `${MACHINE.replace(':stateMachine:', ':execution:')}:web-rollback-1` },
    ]);
  });

  it('plan --aws: the digest from ECR, then what runs (DescribeServices, DescribeTaskDefinition of the revision and of the family) and the alarms', async () => {
    const running = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7';
    ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [{ repositoryName: 'web', repositoryUri: REPO }] });
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: DIGEST, imageTags: ['v4'] }] });
    ecs.on(DescribeServicesCommand).resolves({ services: [{ serviceName: 'web', status: 'ACTIVE', taskDefinition: running }] });
    ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: running, include: ['TAGS'] }).resolves({
      taskDefinition: { family: 'web', revision: 7, containerDefinitions: [{ name: 'app', image: `${REPO}@sha256:${'a'.repeat(64)}` }] },
      tags: [],
    });
    ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: 'web' }).resolves({ taskDefinition: { family: 'web', revision: 9 } });
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'web-5xx-alarm', StateValue: 'OK' }] });
    const c = cli();

    expect(await c.run(['plan', 'web:v4', '--aws'])).toBe(0);

    expect(ecr.commandCalls(DescribeImagesCommand).map((x) => x.args[0].input)).toEqual([{ repositoryName: 'web', imageIds: [{ imageTag: 'v4' }] }]);
    expect(ecs.commandCalls(DescribeServicesCommand).map((x) => x.args[0].input)).toEqual([{ cluster: 'prod', services: ['web'] }]);
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand).map((x) => x.args[0].input)).toEqual([
      { taskDefinition: running, include: ['TAGS'] },
      { taskDefinition: 'web' },
    ]);
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand).map((x) => x.args[0].input)).toEqual([
      { AlarmNames: ['web-5xx-alarm'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] },
    ]);
    expect(c.take().out).toContain(
      `    change:    register web:10 from web:7 (runs now), then UpdateService\n               containerDefinitions[name=app].image\n               - ${REPO}@sha256:${'a'.repeat(64)}\n               + ${REPO}@${DIGEST}\n               nothing else changes`,
    );
  });
});
