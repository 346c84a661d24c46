import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import { TABLE_KEYS } from '../shared/records/db.js';

/** A real DynamoDB API (dynalite, in memory) on 127.0.0.1, for the sandbox and the tests. */
export async function startLocalDynamo(port = 0): Promise<{ endpoint: string; requests: Map<string, number>; close: () => Promise<void> }> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  // Operations served, by name (DynamoDB_20120810.PutItem → PutItem): what the benchmarks price.
  const requests = new Map<string, number>();
  server.on('request', (req) => {
    const op =
      String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? '';
    requests.set(op, (requests.get(op) ?? 0) + 1);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const bound = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${bound}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * The records table as serverless.yml declares it (keys only: on-demand, no
 * indexes), ready for use. CreateTable answers while the table is still
 * CREATING, and reads and writes before it is ACTIVE fail with
 * ResourceNotFoundException (DynamoDB developer guide, "Creating a table":
 * "wait until the table status is ACTIVE"); dynalite flips the status on a
 * timer as DynamoDB does, so this waits as a real client would. The waiter's
 * delays are shortened: a local table is ACTIVE within milliseconds.
 */
export async function createRecordsTable(endpoint: string, table: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    await client.send(new CreateTableCommand({ TableName: table, BillingMode: 'PAY_PER_REQUEST', ...TABLE_KEYS }));
    await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 0.02, maxDelay: 0.2 }, { TableName: table });
  } finally {
    client.destroy();
  }
}
