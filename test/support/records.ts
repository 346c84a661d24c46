import { afterAll, beforeAll } from 'vitest';
import { createRecordsTable, startLocalDynamo } from '../../local/dynamo.js';
import { dynamoClient } from '../../shared/aws/dynamodb.js';
import type { RecordsDb } from '../../shared/records/db.js';

let endpoint = '';
let tables = 0;

/**
 * A real local DynamoDB (dynalite) for the whole test file; the handlers reach
 * it through AWS_ENDPOINT_URL_DYNAMODB exactly as the sandbox's do.
 */
export function useLocalDynamo(): void {
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const local = await startLocalDynamo();
    endpoint = local.endpoint;
    close = local.close;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
  });
  afterAll(async () => {
    await close?.();
  });
}

/** A fresh, empty records table for one test; SHIPWATCH_TABLE points at it. */
export async function freshRecordsTable(): Promise<RecordsDb> {
  tables += 1;
  const table = `shipwatch-test-${process.pid}-${tables}`;
  await createRecordsTable(endpoint, table);
  process.env.SHIPWATCH_TABLE = table;
  return { db: dynamoClient(), table };
}
