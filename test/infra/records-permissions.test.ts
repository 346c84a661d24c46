import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as alarmRollback } from '../../functions/alarm-rollback.js';
import { handler as closeRecord } from '../../functions/close-record.js';
import { lambdaContext } from '../../local/task-handlers.js';
import { loadConfig } from '../../shared/config/load.js';
import { recordSk, servicePk, STATE_SK } from '../../shared/records/keys.js';
import { alarmEvent, statusEvent } from '../support/reliability/events.js';
import { NOW, PREVIOUS, RECORD_ID, RELEASE, WEB, taskDefinition } from '../support/reliability/world.js';
import { actionsOf, iam } from '../support/iam.js';

// Item 15 of issue #11: the roles of the two EventBridge-invoked record
// keepers name the DynamoDB operations their handlers send, and no others.
// The handlers run for real against a mocked document client; each path they
// can take is played, and what they sent is compared with what the role grants.

const ddb = mockClient(DynamoDBDocumentClient);
const cloudwatch = mockClient(CloudWatchClient);
const sfn = mockClient(SFNClient);
const roles = iam.statementsFor(loadConfig(), 'test');

/** The IAM action behind each document-client command (lib-dynamodb names them after the item operations). */
const IAM_ACTION: Record<string, string> = {
  GetCommand: 'dynamodb:GetItem',
  PutCommand: 'dynamodb:PutItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  QueryCommand: 'dynamodb:Query',
  ScanCommand: 'dynamodb:Scan',
};
const sentCommands = () => ddb.calls().map((call) => (call.args[0] as object).constructor.name);
const _conditionFailed = () =>
  Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException', $metadata: { httpStatusCode: 400 } });

const stateKey = { pk: servicePk('web'), sk: STATE_SK };
const previousRecordKey = { pk: servicePk('web'), sk: recordSk(PREVIOUS.recordId) };
const previousRecord = {
  ...previousRecordKey,
  service: 'web',
  recordId: PREVIOUS.recordId,
  repository: RELEASE.repository,
  digest: PREVIOUS.digest,
  imageUri: `${RELEASE.registry}/${RELEASE.repository}@${PREVIOUS.digest}`,
  pushedAt: PREVIOUS.pushedAt,
  phase: 'done',
  outcome: 'deployed',
  createdAt: PREVIOUS.pushedAt,
  updatedAt: PREVIOUS.finishedAt,
};
const lastDeployment = (finishedAt: string) => ({
  recordId: PREVIOUS.recordId,
  outcome: 'deployed',
  previousRevision: taskDefinition(41),
  revision: taskDefinition(42),
  platform: 'ecs',
  finishedAt,
});

beforeEach(() => {
  process.env.SHIPWATCH_TABLE = 'shipwatch-records';
  ddb.reset();
  sfn.reset();
  cloudwatch.reset();
  // alarm-rollback acts only on an alarm that is in ALARM now.
  cloudwatch
    .on(DescribeAlarmsCommand)
    .resolves({ MetricAlarms: [{ AlarmName: 'web-5xx-alarm', StateValue: 'ALARM', StateReason: 'Threshold Crossed', StateUpdatedTimestamp: NOW }] });
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('closeRecord role: the records-table operations close-record sends', () => {
  const played: string[] = [];

  it('closes a record without an outcome: reads it, asks Step Functions why the execution failed, writes the outcome, then the lease', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED', error: 'States.TaskFailed', cause: 'the task failed' });

    // Act
    const result = await closeRecord(statusEvent(), lambdaContext('close-record'));

    // Assess
    expect(result).toMatchObject({ recordId: RECORD_ID, closed: true, outcome: 'failed' });
    expect(sentCommands()).toEqual(['GetCommand', 'UpdateCommand', 'UpdateCommand']);
    expect(sfn.commandCalls(DescribeExecutionCommand).map((c) => c.args[0].input)).toEqual([{ executionArn: statusEvent().detail.executionArn }]);
    played.push(...sentCommands());
  });

  it('leaves a record that has its outcome, and still gives the lease back', async () => {
    // Prepare
    ddb.on(GetCommand).resolves({ Item: previousRecord });
    ddb.on(UpdateCommand).resolves({});

    // Act
    const result = await closeRecord(statusEvent(), lambdaContext('close-record'));

    // Assess
    expect(result).toMatchObject({ recordId: RECORD_ID, closed: false });
    expect(sentCommands()).toEqual(['GetCommand', 'UpdateCommand']);
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
    played.push(...sentCommands());
  });

  it('records the true outcome of an amended rollback whose Finish failed: the history read names the last good release', async () => {
    // Prepare: an alarm's rollback of a deployed release rolled back, then could not record it.
    const state = {
      mode: 'rollback',
      release: RELEASE,
      service: WEB,
      admission: { recordId: RECORD_ID, admittedAt: NOW.toISOString() },
      deploy: {
        platform: 'ecs',
        previousRevision: taskDefinition(41),
        revision: taskDefinition(42),
        deploymentId: '',
        startedAt: NOW.toISOString(),
        alreadyRunning: false,
      },
      outcome: 'rolled_back',
    };
    ddb.on(GetCommand).resolves({ Item: { ...previousRecord, outcome: undefined } });
    ddb.on(UpdateCommand).resolves({});
    ddb.on(QueryCommand).resolves({ Items: [] });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED', error: 'Shipwatch.OutcomeNotRecorded', cause: JSON.stringify(state) });

    // Act
    const result = await closeRecord(statusEvent(), lambdaContext('close-record'));

    // Assess
    expect(result).toMatchObject({ closed: true, outcome: 'rolled_back' });
    expect(sentCommands()).toContain('QueryCommand');
    played.push(...sentCommands());
  });

  it('is granted exactly those operations', () => {
    // Assess
    expect(actionsOf(roles.closeRecord!, 'dynamodb:')).toEqual([...new Set(played.map((c) => IAM_ACTION[c]!))].sort());
    expect(actionsOf(roles.closeRecord!, 'dynamodb:')).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
  });
});

describe('alarmRollback role: the records-table operations alarm-rollback sends', () => {
  const played: string[] = [];

  it('inside the guard window: reads the state and the record, then starts the rollback', async () => {
    // Prepare
    ddb.on(GetCommand, { Key: stateKey }).resolves({ Item: { ...stateKey, service: 'web', lastDeployment: lastDeployment(PREVIOUS.finishedAt) } });
    ddb.on(GetCommand, { Key: previousRecordKey }).resolves({ Item: previousRecord });
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:shipwatch-deploy:web-alarm-x' });

    // Act
    const result = (await alarmRollback(alarmEvent(), lambdaContext('alarm-rollback'))) as { services: { decision: { action: string } }[] };

    // Assess
    expect(result.services.map((s) => s.decision.action)).toEqual(['rollback']);
    expect(sentCommands()).toEqual(['GetCommand', 'GetCommand']);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
    played.push(...sentCommands());
  });

  it('outside the guard window: notes the alarm on the record', async () => {
    // Prepare
    const longAgo = new Date(NOW.getTime() - 6 * 3600_000).toISOString();
    ddb.on(GetCommand, { Key: stateKey }).resolves({ Item: { ...stateKey, service: 'web', lastDeployment: lastDeployment(longAgo) } });
    ddb.on(UpdateCommand).resolves({});

    // Act
    const result = (await alarmRollback(alarmEvent(), lambdaContext('alarm-rollback'))) as { services: { decision: { action: string } }[] };

    // Assess
    expect(result.services.map((s) => s.decision.action)).toEqual(['notify']);
    expect(sentCommands()).toEqual(['GetCommand', 'UpdateCommand']);
    played.push(...sentCommands());
  });

  it('is granted exactly those operations (no Query: it never reads a history)', () => {
    // Assess
    expect(actionsOf(roles.alarmRollback!, 'dynamodb:')).toEqual([...new Set(played.map((c) => IAM_ACTION[c]!))].sort());
    expect(actionsOf(roles.alarmRollback!, 'dynamodb:')).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
  });
});
