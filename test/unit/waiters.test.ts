import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { InvalidOutput, InvalidToken, SendTaskSuccessCommand, type SFNClient, TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';
import { BatchGetCommand, DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RecordsDb } from '../../shared/records/db.js';
import { eventSince, markEvent, storeWaiter, wakeWaiters } from '../../shared/waits/waiters.js';
import { dbMock, freshWaitStores, inputs, sfnMock, TABLE } from '../support/wait-stores.js';

const NOW = new Date('2025-02-21T12:03:00.000Z');
/** A day after NOW, in epoch seconds: the table's TTL attribute. */
const TTL = Math.floor(NOW.getTime() / 1000) + 24 * 3600;
const EXECUTION = 'web-7f5b2640fe6f-1732000000';
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAQ==token-1';

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

describe('storeWaiter', () => {
  it('puts the task token under WAIT#<key>, the execution as sort key, with when and a TTL a day later', async () => {
    // Prepare
    dbMock.on(PutCommand).resolves({});

    // Act
    await storeWaiter(records, ['scan:web@sha256:abc'], EXECUTION, TOKEN, NOW);

    // Assess
    expect(inputs(dbMock.commandCalls(PutCommand))).toStrictEqual([
      { TableName: TABLE, Item: { pk: 'WAIT#scan:web@sha256:abc', sk: EXECUTION, taskToken: TOKEN, waitingSince: '2025-02-21T12:03:00.000Z', ttl: TTL } },
    ]);
    expect(TTL).toBe(1740225780);
    expect(dbMock.calls()).toHaveLength(1);
  });

  it('puts one item per key, in order', async () => {
    // Prepare
    dbMock.on(PutCommand).resolves({});

    // Act
    await storeWaiter(records, ['alarm:web-5xx', 'ecs:prod/web'], EXECUTION, TOKEN, NOW);

    // Assess
    expect(inputs(dbMock.commandCalls(PutCommand)).map((i) => i.Item)).toStrictEqual([
      { pk: 'WAIT#alarm:web-5xx', sk: EXECUTION, taskToken: TOKEN, waitingSince: NOW.toISOString(), ttl: TTL },
      { pk: 'WAIT#ecs:prod/web', sk: EXECUTION, taskToken: TOKEN, waitingSince: NOW.toISOString(), ttl: TTL },
    ]);
  });

  it('writes nothing for no keys', async () => {
    // Prepare / Act
    await storeWaiter(records, [], EXECUTION, TOKEN, NOW);

    // Assess
    expect(dbMock.calls()).toHaveLength(0);
  });

  it('lets a DynamoDB error propagate', async () => {
    // Prepare
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
    dbMock.on(PutCommand).rejects(throttled);

    // Act
    const act = storeWaiter(records, ['ecs:prod/web'], EXECUTION, TOKEN, NOW);

    // Assess
    await expect(act).rejects.toBe(throttled);
  });
});

describe('markEvent', () => {
  it('puts EVENT#<key> / LAST with what came, when, and a TTL a day later', async () => {
    // Prepare
    dbMock.on(PutCommand).resolves({});

    // Act
    await markEvent(records, 'alarm:web-5xx', 'alarm web-5xx changed state', NOW);

    // Assess
    expect(inputs(dbMock.commandCalls(PutCommand))).toStrictEqual([
      { TableName: TABLE, Item: { pk: 'EVENT#alarm:web-5xx', sk: 'LAST', what: 'alarm web-5xx changed state', at: '2025-02-21T12:03:00.000Z', ttl: TTL } },
    ]);
  });
});

describe('eventSince', () => {
  it('reads the markers of every key in one consistent BatchGet and returns the newest at or after `since`', async () => {
    // Prepare
    dbMock.on(BatchGetCommand).resolves({
      Responses: {
        [TABLE]: [
          { pk: 'EVENT#alarm:web-5xx', sk: 'LAST', what: 'alarm web-5xx changed state', at: '2025-02-21T12:02:00.000Z', ttl: TTL },
          { pk: 'EVENT#ecs:prod/web', sk: 'LAST', what: 'SERVICE_DEPLOYMENT_COMPLETED for ecs:prod/web', at: '2025-02-21T12:02:30.000Z', ttl: TTL },
        ],
      },
    });

    // Act
    const seen = await eventSince(records, ['alarm:web-5xx', 'ecs:prod/web'], new Date('2025-02-21T12:02:00.000Z'));

    // Assess
    expect(inputs(dbMock.commandCalls(BatchGetCommand))).toStrictEqual([
      {
        RequestItems: {
          [TABLE]: {
            Keys: [
              { pk: 'EVENT#alarm:web-5xx', sk: 'LAST' },
              { pk: 'EVENT#ecs:prod/web', sk: 'LAST' },
            ],
            ConsistentRead: true,
          },
        },
      },
    ]);
    expect(seen).toStrictEqual({ key: 'ecs:prod/web', what: 'SERVICE_DEPLOYMENT_COMPLETED for ecs:prod/web', at: '2025-02-21T12:02:30.000Z' });
  });

  it('ignores markers older than `since`', async () => {
    // Prepare
    dbMock.on(BatchGetCommand).resolves({
      Responses: { [TABLE]: [{ pk: 'EVENT#alarm:web-5xx', sk: 'LAST', what: 'alarm web-5xx changed state', at: '2025-02-21T12:01:59.999Z' }] },
    });

    // Act
    const seen = await eventSince(records, ['alarm:web-5xx'], new Date('2025-02-21T12:02:00.000Z'));

    // Assess
    expect(seen).toBeUndefined();
  });

  it('finds nothing when no marker exists (no Responses at all)', async () => {
    // Prepare
    dbMock.on(BatchGetCommand).resolves({});

    // Act
    const seen = await eventSince(records, ['alarm:web-5xx'], NOW);

    // Assess
    expect(seen).toBeUndefined();
  });

  it('reads nothing for no keys', async () => {
    // Prepare / Act
    const seen = await eventSince(records, [], NOW);

    // Assess
    expect(seen).toBeUndefined();
    expect(dbMock.calls()).toHaveLength(0);
  });
});

describe('wakeWaiters', () => {
  const KEY = 'ecs:prod/web';
  const WHAT = 'SERVICE_DEPLOYMENT_COMPLETED for ecs:prod/web';
  const OUTPUT = JSON.stringify({ woken: WHAT, key: KEY });
  const deleteOf = (execution: string, taskToken: string) => ({
    TableName: TABLE,
    Key: { pk: `WAIT#${KEY}`, sk: execution },
    ConditionExpression: 'taskToken = :token',
    ExpressionAttributeValues: { ':token': taskToken },
  });

  it('queries WAIT#<key> consistently, sends SendTaskSuccess to each token, then deletes exactly that token', async () => {
    // Prepare: two executions wait on the service; every call is logged in order.
    const log: string[] = [];
    dbMock.on(QueryCommand).callsFake(async () => {
      log.push('query');
      return { Items: [waiter(KEY, 'exec-a', 'token-a'), waiter(KEY, 'exec-b', 'token-b')] };
    });
    sfnMock.on(SendTaskSuccessCommand).callsFake(async (input: { taskToken: string }) => {
      log.push(`send ${input.taskToken}`);
      return {};
    });
    dbMock.on(DeleteCommand).callsFake(async (input: { Key: { sk: string } }) => {
      log.push(`delete ${input.Key.sk}`);
      return {};
    });

    // Act
    const woken = await wakeWaiters({ records, sfn }, KEY, WHAT);

    // Assess
    expect(woken).toStrictEqual(['exec-a', 'exec-b']);
    expect(inputs(dbMock.commandCalls(QueryCommand))).toStrictEqual([
      { TableName: TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'WAIT#ecs:prod/web' }, ConsistentRead: true },
    ]);
    expect(inputs(sfnMock.commandCalls(SendTaskSuccessCommand))).toStrictEqual([
      { taskToken: 'token-a', output: OUTPUT },
      { taskToken: 'token-b', output: OUTPUT },
    ]);
    expect(JSON.parse(OUTPUT)).toStrictEqual({ woken: 'SERVICE_DEPLOYMENT_COMPLETED for ecs:prod/web', key: 'ecs:prod/web' });
    expect(inputs(dbMock.commandCalls(DeleteCommand))).toStrictEqual([deleteOf('exec-a', 'token-a'), deleteOf('exec-b', 'token-b')]);
    expect(log).toStrictEqual(['query', 'send token-a', 'delete exec-a', 'send token-b', 'delete exec-b']);
  });

  it('does nothing more when nobody waits', async () => {
    // Prepare
    dbMock.on(QueryCommand).resolves({ Items: [] });

    // Act
    const woken = await wakeWaiters({ records, sfn }, KEY, WHAT);

    // Assess
    expect(woken).toStrictEqual([]);
    expect(sfnMock.calls()).toHaveLength(0);
    expect(dbMock.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('treats a query without Items as nobody waiting', async () => {
    // Prepare
    dbMock.on(QueryCommand).resolves({});

    // Act
    const woken = await wakeWaiters({ records, sfn }, KEY, WHAT);

    // Assess
    expect(woken).toStrictEqual([]);
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it.each([
    ['TaskTimedOut', () => new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} })],
    ['TaskDoesNotExist', () => new TaskDoesNotExist({ message: 'Task does not exist anymore', $metadata: {} })],
    ['InvalidToken', () => new InvalidToken({ message: 'Invalid token', $metadata: {} })],
  ])('treats %s as a wait already over: not woken, but its token is still deleted, and the others are woken', async (_name, gone) => {
    // Prepare
    dbMock.on(QueryCommand).resolves({ Items: [waiter(KEY, 'exec-gone', 'token-gone'), waiter(KEY, 'exec-b', 'token-b')] });
    sfnMock.on(SendTaskSuccessCommand, { taskToken: 'token-gone' }).rejects(gone()).on(SendTaskSuccessCommand, { taskToken: 'token-b' }).resolves({});
    dbMock.on(DeleteCommand).resolves({});

    // Act
    const woken = await wakeWaiters({ records, sfn }, KEY, WHAT);

    // Assess
    expect(woken).toStrictEqual(['exec-b']);
    expect(inputs(sfnMock.commandCalls(SendTaskSuccessCommand)).map((i) => i.taskToken)).toStrictEqual(['token-gone', 'token-b']);
    expect(inputs(dbMock.commandCalls(DeleteCommand))).toStrictEqual([deleteOf('exec-gone', 'token-gone'), deleteOf('exec-b', 'token-b')]);
  });

  it.each([
    ['a throttled SendTaskSuccess', () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} })],
    ['InvalidOutput', () => new InvalidOutput({ message: 'bad output', $metadata: {} })],
  ])('lets %s propagate and keeps that token (a retry wakes it)', async (_what, error) => {
    // Prepare
    const failure = error();
    dbMock.on(QueryCommand).resolves({ Items: [waiter(KEY, 'exec-a', 'token-a'), waiter(KEY, 'exec-b', 'token-b')] });
    sfnMock.on(SendTaskSuccessCommand).rejects(failure);
    dbMock.on(DeleteCommand).resolves({});

    // Act
    const act = wakeWaiters({ records, sfn }, KEY, WHAT);

    // Assess
    await expect(act).rejects.toBe(failure);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    expect(dbMock.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('ignores a failed delete condition: the execution already waits again with a newer token', async () => {
    // Prepare
    dbMock.on(QueryCommand).resolves({ Items: [waiter(KEY, 'exec-a', 'token-a')] });
    sfnMock.on(SendTaskSuccessCommand).resolves({});
    dbMock.on(DeleteCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));

    // Act
    const woken = await wakeWaiters({ records, sfn }, KEY, WHAT);

    // Assess
    expect(woken).toStrictEqual(['exec-a']);
    expect(inputs(dbMock.commandCalls(DeleteCommand))).toStrictEqual([deleteOf('exec-a', 'token-a')]);
  });

  it('lets any other delete error propagate', async () => {
    // Prepare
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
    dbMock.on(QueryCommand).resolves({ Items: [waiter(KEY, 'exec-a', 'token-a')] });
    sfnMock.on(SendTaskSuccessCommand).resolves({});
    dbMock.on(DeleteCommand).rejects(throttled);

    // Act
    const act = wakeWaiters({ records, sfn }, KEY, WHAT);

    // Assess
    await expect(act).rejects.toBe(throttled);
  });
});
