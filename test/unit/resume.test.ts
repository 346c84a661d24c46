import { SendTaskSuccessCommand, type SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RecordsDb } from '../../shared/records/db.js';
import { resume } from '../../shared/waits/resume.js';
import { dbMock, freshWaitStores, inputs, sfnMock, TABLE } from '../support/wait-stores.js';

const NOW = new Date('2025-02-21T12:03:00.000Z');
const TTL = Math.floor(NOW.getTime() / 1000) + 24 * 3600;

let records: RecordsDb;
let sfn: SFNClient;

beforeEach(() => {
  ({ records, sfn } = freshWaitStores());
});

const waiter = (key: string, execution: string, taskToken: string) => ({
  pk: `WAIT#${key}`,
  sk: execution,
  taskToken,
  waitingSince: '2025-02-21T12:00:00.000Z',
  ttl: TTL,
});

describe('resume', () => {
  it('marks the event for its key, then wakes every execution waiting on it', async () => {
    // Prepare: every call is logged in order.
    const log: string[] = [];
    const wake = { keys: ['alarm:web-5xx'], what: 'alarm web-5xx changed state' };
    dbMock.on(PutCommand).callsFake(async (put: { Item: { pk: string } }) => {
      log.push(`put ${put.Item.pk}`);
      return {};
    });
    dbMock.on(QueryCommand).callsFake(async (query: { ExpressionAttributeValues: Record<string, string> }) => {
      log.push(`query ${query.ExpressionAttributeValues[':pk']}`);
      return { Items: [waiter('alarm:web-5xx', 'exec-a', 'token-a')] };
    });
    sfnMock.on(SendTaskSuccessCommand).callsFake(async (send: { taskToken: string }) => {
      log.push(`send ${send.taskToken}`);
      return {};
    });
    dbMock.on(DeleteCommand).callsFake(async (del: { Key: { pk: string; sk: string } }) => {
      log.push(`delete ${del.Key.pk} ${del.Key.sk}`);
      return {};
    });

    // Act
    const result = await resume({ records, sfn }, wake, NOW);

    // Assess
    expect(result).toStrictEqual({ keys: ['alarm:web-5xx'], woken: ['exec-a'] });
    expect(inputs(dbMock.commandCalls(PutCommand))).toStrictEqual([
      { TableName: TABLE, Item: { pk: 'EVENT#alarm:web-5xx', sk: 'LAST', what: 'alarm web-5xx changed state', at: '2025-02-21T12:03:00.000Z', ttl: TTL } },
    ]);
    expect(inputs(dbMock.commandCalls(QueryCommand))).toStrictEqual([
      { TableName: TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'WAIT#alarm:web-5xx' }, ConsistentRead: true },
    ]);
    expect(inputs(sfnMock.commandCalls(SendTaskSuccessCommand))).toStrictEqual([
      { taskToken: 'token-a', output: JSON.stringify({ woken: 'alarm web-5xx changed state', key: 'alarm:web-5xx' }) },
    ]);
    expect(inputs(dbMock.commandCalls(DeleteCommand))).toStrictEqual([
      {
        TableName: TABLE,
        Key: { pk: 'WAIT#alarm:web-5xx', sk: 'exec-a' },
        ConditionExpression: 'taskToken = :token',
        ExpressionAttributeValues: { ':token': 'token-a' },
      },
    ]);
    expect(log).toStrictEqual(['put EVENT#alarm:web-5xx', 'query WAIT#alarm:web-5xx', 'send token-a', 'delete WAIT#alarm:web-5xx exec-a']);
  });

  it('marks every key and wakes the waiters of each, key by key, returning every execution woken', async () => {
    // Prepare
    const wake = { keys: ['ecs:prod/web', 'ecs:prod/worker'], what: 'SERVICE_DEPLOYMENT_COMPLETED for ecs:prod/web, ecs:prod/worker' };
    const log: string[] = [];
    dbMock.on(PutCommand).callsFake(async (put: { Item: { pk: string } }) => {
      log.push(`put ${put.Item.pk}`);
      return {};
    });
    dbMock
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'WAIT#ecs:prod/web' } })
      .callsFake(async () => {
        log.push('query WAIT#ecs:prod/web');
        return { Items: [waiter('ecs:prod/web', 'exec-web-1', 'token-web-1'), waiter('ecs:prod/web', 'exec-web-2', 'token-web-2')] };
      })
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'WAIT#ecs:prod/worker' } })
      .callsFake(async () => {
        log.push('query WAIT#ecs:prod/worker');
        return { Items: [waiter('ecs:prod/worker', 'exec-worker', 'token-worker')] };
      });
    sfnMock.on(SendTaskSuccessCommand).resolves({});
    dbMock.on(DeleteCommand).resolves({});

    // Act
    const result = await resume({ records, sfn }, wake, NOW);

    // Assess
    expect(result).toStrictEqual({ keys: ['ecs:prod/web', 'ecs:prod/worker'], woken: ['exec-web-1', 'exec-web-2', 'exec-worker'] });
    expect(inputs(dbMock.commandCalls(PutCommand)).map((i) => i.Item)).toStrictEqual([
      { pk: 'EVENT#ecs:prod/web', sk: 'LAST', what: wake.what, at: NOW.toISOString(), ttl: TTL },
      { pk: 'EVENT#ecs:prod/worker', sk: 'LAST', what: wake.what, at: NOW.toISOString(), ttl: TTL },
    ]);
    expect(log).toStrictEqual(['put EVENT#ecs:prod/web', 'query WAIT#ecs:prod/web', 'put EVENT#ecs:prod/worker', 'query WAIT#ecs:prod/worker']);
    expect(inputs(sfnMock.commandCalls(SendTaskSuccessCommand))).toStrictEqual([
      { taskToken: 'token-web-1', output: JSON.stringify({ woken: wake.what, key: 'ecs:prod/web' }) },
      { taskToken: 'token-web-2', output: JSON.stringify({ woken: wake.what, key: 'ecs:prod/web' }) },
      { taskToken: 'token-worker', output: JSON.stringify({ woken: wake.what, key: 'ecs:prod/worker' }) },
    ]);
    expect(inputs(dbMock.commandCalls(DeleteCommand)).map((i) => i.Key)).toStrictEqual([
      { pk: 'WAIT#ecs:prod/web', sk: 'exec-web-1' },
      { pk: 'WAIT#ecs:prod/web', sk: 'exec-web-2' },
      { pk: 'WAIT#ecs:prod/worker', sk: 'exec-worker' },
    ]);
  });

  it('still marks the event when nobody waits (a waiter about to store its token sees it)', async () => {
    // Prepare
    dbMock.on(PutCommand).resolves({});
    dbMock.on(QueryCommand).resolves({ Items: [] });

    // Act
    const result = await resume({ records, sfn }, { keys: ['scan:web@sha256:abc'], what: 'ECR Image Scan of web@sha256:abc' }, NOW);

    // Assess
    expect(result).toStrictEqual({ keys: ['scan:web@sha256:abc'], woken: [] });
    expect(inputs(dbMock.commandCalls(PutCommand))).toStrictEqual([
      { TableName: TABLE, Item: { pk: 'EVENT#scan:web@sha256:abc', sk: 'LAST', what: 'ECR Image Scan of web@sha256:abc', at: NOW.toISOString(), ttl: TTL } },
    ]);
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('leaves out an execution whose wait had already ended, and forgets its token', async () => {
    // Prepare: delivered twice, or after the wait timed out.
    dbMock.on(PutCommand).resolves({});
    dbMock.on(QueryCommand).resolves({ Items: [waiter('alarm:web-5xx', 'exec-a', 'token-a')] });
    sfnMock.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    dbMock.on(DeleteCommand).resolves({});

    // Act
    const result = await resume({ records, sfn }, { keys: ['alarm:web-5xx'], what: 'alarm web-5xx changed state' }, NOW);

    // Assess
    expect(result).toStrictEqual({ keys: ['alarm:web-5xx'], woken: [] });
    expect(inputs(dbMock.commandCalls(DeleteCommand)).map((i) => i.Key)).toStrictEqual([{ pk: 'WAIT#alarm:web-5xx', sk: 'exec-a' }]);
  });

  it('does nothing for an event with no keys', async () => {
    // Prepare / Act
    const result = await resume({ records, sfn }, { keys: [], what: 'SERVICE_DEPLOYMENT_COMPLETED for ' }, NOW);

    // Assess
    expect(result).toStrictEqual({ keys: [], woken: [] });
    expect(dbMock.calls()).toHaveLength(0);
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('stops at an error that is not a finished wait, so the Lambda retry resumes it', async () => {
    // Prepare
    const failure = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} });
    dbMock.on(PutCommand).resolves({});
    dbMock.on(QueryCommand).resolves({ Items: [waiter('ecs:prod/web', 'exec-a', 'token-a')] });
    sfnMock.on(SendTaskSuccessCommand).rejects(failure);

    // Act
    const act = resume({ records, sfn }, { keys: ['ecs:prod/web', 'ecs:prod/worker'], what: 'x' }, NOW);

    // Assess
    await expect(act).rejects.toBe(failure);
    expect(inputs(dbMock.commandCalls(PutCommand)).map((i) => i.Item?.pk)).toStrictEqual(['EVENT#ecs:prod/web']);
    expect(dbMock.commandCalls(DeleteCommand)).toHaveLength(0);
  });
});
