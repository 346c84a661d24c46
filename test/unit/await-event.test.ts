import { SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { BatchGetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RecordsDb } from '../../shared/records/db.js';
import { awaitEvent } from '../../shared/waits/await-event.js';
import { dbMock, freshWaitStores, inputs, sfnMock, TABLE } from '../support/wait-stores.js';

/** The look that said "not yet", and the start of the wait a moment later. */
const LOOKED_AT = '2025-02-21T12:03:00.000Z';
const NOW = new Date('2025-02-21T12:03:01.250Z');
const TTL = Math.floor(NOW.getTime() / 1000) + 24 * 3600;
const EXECUTION = 'web-7f5b2640fe6f-1732000000';
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAQ==token-1';
const WAKE = ['alarm:web-5xx', 'ecs:prod/web'];

let records: RecordsDb;
let sfn: SFNClient;

beforeEach(() => {
  ({ records, sfn } = freshWaitStores());
});

const marker = (key: string, what: string, at: string) => ({ pk: `EVENT#${key}`, sk: 'LAST', what, at, ttl: TTL });
const input = (wake = WAKE) => ({ taskToken: TOKEN, execution: EXECUTION, wait: { wake, lookedAt: LOOKED_AT } });

describe('awaitEvent', () => {
  it('stores the token under each key, then reads the markers of those keys: none means wait', async () => {
    // Prepare: every call is logged in order.
    const log: string[] = [];
    dbMock.on(PutCommand).callsFake(async (put: { Item: { pk: string } }) => {
      log.push(`put ${put.Item.pk}`);
      return {};
    });
    dbMock.on(BatchGetCommand).callsFake(async () => {
      log.push('batch-get');
      return { Responses: { [TABLE]: [] } };
    });

    // Act
    const result = await awaitEvent({ records, sfn }, input(), NOW);

    // Assess
    expect(result).toStrictEqual({ waitingOn: WAKE });
    expect(inputs(dbMock.commandCalls(PutCommand))).toStrictEqual([
      { TableName: TABLE, Item: { pk: 'WAIT#alarm:web-5xx', sk: EXECUTION, taskToken: TOKEN, waitingSince: NOW.toISOString(), ttl: TTL } },
      { TableName: TABLE, Item: { pk: 'WAIT#ecs:prod/web', sk: EXECUTION, taskToken: TOKEN, waitingSince: NOW.toISOString(), ttl: TTL } },
    ]);
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
    expect(log).toStrictEqual(['put WAIT#alarm:web-5xx', 'put WAIT#ecs:prod/web', 'batch-get']);
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('ends the wait at once for an event noted after the look (before the token was stored)', async () => {
    // Prepare
    dbMock.on(PutCommand).resolves({});
    dbMock.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [marker('alarm:web-5xx', 'alarm web-5xx changed state', '2025-02-21T12:03:00.800Z')] } });
    sfnMock.on(SendTaskSuccessCommand).resolves({});

    // Act
    const result = await awaitEvent({ records, sfn }, input(), NOW);

    // Assess
    expect(result).toStrictEqual({ waitingOn: WAKE, wokenBy: 'alarm web-5xx changed state' });
    expect(inputs(sfnMock.commandCalls(SendTaskSuccessCommand))).toStrictEqual([
      { taskToken: TOKEN, output: JSON.stringify({ woken: 'alarm web-5xx changed state', key: 'alarm:web-5xx', before: 'the wait began' }) },
    ]);
  });

  it('counts an event one millisecond after the look', async () => {
    // Prepare
    dbMock.on(PutCommand).resolves({});
    dbMock
      .on(BatchGetCommand)
      .resolves({ Responses: { [TABLE]: [marker('ecs:prod/web', 'SERVICE_DEPLOYMENT_COMPLETED for ecs:prod/web', '2025-02-21T12:03:00.001Z')] } });
    sfnMock.on(SendTaskSuccessCommand).resolves({});

    // Act
    const result = await awaitEvent({ records, sfn }, input(), NOW);

    // Assess
    expect(result).toStrictEqual({ waitingOn: WAKE, wokenBy: 'SERVICE_DEPLOYMENT_COMPLETED for ecs:prod/web' });
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
  });

  it.each([
    ['at the very moment of the look', '2025-02-21T12:03:00.000Z'],
    ['before the look', '2025-02-21T12:02:10.000Z'],
  ])('does not count an event noted %s: the look already saw it', async (_when, at) => {
    // Prepare
    dbMock.on(PutCommand).resolves({});
    dbMock.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [marker('alarm:web-5xx', 'alarm web-5xx changed state', at)] } });

    // Act
    const result = await awaitEvent({ records, sfn }, input(), NOW);

    // Assess
    expect(result).toStrictEqual({ waitingOn: WAKE });
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('names the newest of several events after the look', async () => {
    // Prepare
    dbMock.on(PutCommand).resolves({});
    dbMock.on(BatchGetCommand).resolves({
      Responses: {
        [TABLE]: [
          marker('alarm:web-5xx', 'alarm web-5xx changed state', '2025-02-21T12:03:00.500Z'),
          marker('ecs:prod/web', 'SERVICE_DEPLOYMENT_FAILED for ecs:prod/web', '2025-02-21T12:03:00.900Z'),
        ],
      },
    });
    sfnMock.on(SendTaskSuccessCommand).resolves({});

    // Act
    const result = await awaitEvent({ records, sfn }, input(), NOW);

    // Assess
    expect(result.wokenBy).toBe('SERVICE_DEPLOYMENT_FAILED for ecs:prod/web');
    expect(inputs(sfnMock.commandCalls(SendTaskSuccessCommand))).toStrictEqual([
      { taskToken: TOKEN, output: JSON.stringify({ woken: 'SERVICE_DEPLOYMENT_FAILED for ecs:prod/web', key: 'ecs:prod/web', before: 'the wait began' }) },
    ]);
  });

  it('lets a failed store propagate without reading markers or waking', async () => {
    // Prepare
    const throttled = Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException', $metadata: {} });
    dbMock.on(PutCommand).rejects(throttled);

    // Act
    const act = awaitEvent({ records, sfn }, input(), NOW);

    // Assess
    await expect(act).rejects.toBe(throttled);
    expect(dbMock.commandCalls(BatchGetCommand)).toHaveLength(0);
    expect(sfnMock.calls()).toHaveLength(0);
  });
});
