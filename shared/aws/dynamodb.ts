import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientConfig } from './client-config.js';
import { once } from './once.js';

export const dynamoClient = once(() => DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig()), { marshallOptions: { removeUndefinedValues: true } }));

/**
 * The records table: SHIPWATCH_TABLE names it (serverless.yml sets it for every function).
 * A records/db.ts RecordsDb by its shape: the client layer does not import the domain.
 */
export function recordsDb(): { db: DynamoDBDocumentClient; table: string } {
  const table = process.env.SHIPWATCH_TABLE;
  if (!table) throw new Error('SHIPWATCH_TABLE is not set: the records table is unknown');
  return { db: dynamoClient(), table };
}
