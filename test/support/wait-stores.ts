import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { RecordsDb } from '../../shared/records/db.js';

// The records table and Step Functions as the waits tests (await-event,
// resume, waiters) reach them: both mocked. No `aws-sdk-client-mock-vitest`
// in node_modules: commands are asserted through their inputs.

export const TABLE = 'shipwatch-records';
export const dbMock = mockClient(DynamoDBDocumentClient);
export const sfnMock = mockClient(SFNClient);

/** Both mocks reset, and new clients for the next test. */
export function freshWaitStores(): { records: RecordsDb; sfn: SFNClient } {
  dbMock.reset();
  sfnMock.reset();
  return {
    records: { db: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), table: TABLE },
    sfn: new SFNClient({ region: 'us-east-1' }),
  };
}

/** The inputs of the commands sent, in the order they were sent. */
export const inputs = <T>(calls: { args: [{ input: T }] }[]) => calls.map((c) => c.args[0].input);
