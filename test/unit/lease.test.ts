import { ConditionalCheckFailedException, DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Superseded } from '../../shared/errors.js';
import type { RecordsDb } from '../../shared/records/db.js';
import { acquireLease, leaseFor, type LeaseRequest } from '../../shared/records/lease.js';

// No `aws-sdk-client-mock-vitest` in node_modules: commands are asserted
// through `commandCalls(...)[i].args[0].input`.

const TABLE = 'shipwatch-records';
const NOW = new Date('2025-02-21T12:00:00.000Z');
const ME = 'web#sha256:7f5b2640fe6f#1732000000';
const OTHER = 'web#sha256:0123456789ab#1731990000';

const dbMock = mockClient(DynamoDBDocumentClient);
let records: RecordsDb;

beforeEach(() => {
  dbMock.reset();
  records = { db: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), table: TABLE };
});

const request = (over: Partial<LeaseRequest> = {}): LeaseRequest => ({
  service: 'web',
  recordId: ME,
  phase: 'deploying',
  durationMs: 90 * 60_000,
  mustBeNewest: true,
  ...over,
});
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const otherLease = { holder: OTHER, phase: 'rolling_back' as const, acquiredAt: '2025-02-21T11:50:00.000Z', expiresAt: '2025-02-21T13:20:00.000Z' };

describe('acquireLease', () => {
  it('takes a free lease with one conditional update and returns it, done', async () => {
    // Prepare
    dbMock.on(UpdateCommand).resolves({});
    const lease = leaseFor(request(), NOW);

    // Act
    const look = await acquireLease(records, request(), NOW);

    // Assess
    expect(look).toStrictEqual({ done: true, holder: ME, phase: 'deploying', acquiredAt: '2025-02-21T12:00:00.000Z', expiresAt: '2025-02-21T13:30:00.000Z' });
    expect(dbMock.commandCalls(UpdateCommand).map((c) => c.args[0].input)).toStrictEqual([
      {
        TableName: TABLE,
        Key: { pk: 'SVC#web', sk: 'STATE' },
        UpdateExpression: 'SET lease = :lease, service = :service',
        ConditionExpression: '(attribute_not_exists(lease) OR lease.expiresAt < :now OR lease.holder = :me) AND newest.recordId = :me',
        ExpressionAttributeValues: { ':lease': lease, ':now': '2025-02-21T12:00:00.000Z', ':me': ME, ':service': 'web' },
      },
    ]);
    expect(dbMock.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('says who holds the lease while another deployment holds it (the handler waits pollSeconds; no event ends it)', async () => {
    // Prepare
    dbMock.on(UpdateCommand).rejects(conditionFailed());
    dbMock.on(GetCommand).resolves({ Item: { pk: 'SVC#web', sk: 'STATE', newest: { recordId: ME }, lease: { ...otherLease, phase: 'deploying' } } });

    // Act
    const look = await acquireLease(records, request(), NOW);

    // Assess
    expect(look).toStrictEqual({ done: false, heldBy: `${OTHER} (deploying until 2025-02-21T13:20:00.000Z at the latest)` });
    expect(dbMock.commandCalls(GetCommand).map((c) => c.args[0].input)).toStrictEqual([
      { TableName: TABLE, Key: { pk: 'SVC#web', sk: 'STATE' }, ConsistentRead: true },
    ]);
  });

  it('says "rolling back" for a holder rolling back', async () => {
    // Prepare
    dbMock.on(UpdateCommand).rejects(conditionFailed());
    dbMock.on(GetCommand).resolves({ Item: { newest: { recordId: ME }, lease: otherLease } });

    // Act
    const look = await acquireLease(records, request(), NOW);

    // Assess
    expect(look).toStrictEqual({ done: false, heldBy: `${OTHER} (rolling back until 2025-02-21T13:20:00.000Z at the latest)` });
  });

  it('throws Superseded when a newer push arrived while it waited', async () => {
    // Prepare
    dbMock.on(UpdateCommand).rejects(conditionFailed());
    dbMock.on(GetCommand).resolves({ Item: { newest: { recordId: OTHER }, lease: otherLease } });

    // Act
    const act = acquireLease(records, request(), NOW);

    // Assess
    await expect(act).rejects.toThrow(Superseded);
    await expect(act).rejects.toThrow(`web: a newer image (${OTHER}) arrived while this one waited its turn`);
  });

  it('a rollback need not be the newest, and leaves a held service to its holder (Superseded)', async () => {
    // Prepare
    dbMock.on(UpdateCommand).rejects(conditionFailed());
    dbMock.on(GetCommand).resolves({ Item: { newest: { recordId: OTHER }, lease: { ...otherLease, phase: 'deploying' } } });

    // Act
    const act = acquireLease(records, request({ phase: 'rolling_back', mustBeNewest: false }), NOW);

    // Assess
    await expect(act).rejects.toThrow(Superseded);
    await expect(act).rejects.toThrow(`web: ${OTHER} is deploying; its own watch handles the service`);
    expect(dbMock.commandCalls(UpdateCommand)[0]!.args[0].input.ConditionExpression).toBe(
      '(attribute_not_exists(lease) OR lease.expiresAt < :now OR lease.holder = :me)',
    );
  });

  it('lets any other DynamoDB error propagate', async () => {
    // Prepare
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
    dbMock.on(UpdateCommand).rejects(throttled);

    // Act
    const act = acquireLease(records, request(), NOW);

    // Assess
    await expect(act).rejects.toBe(throttled);
    expect(dbMock.commandCalls(GetCommand)).toHaveLength(0);
  });
});
