import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Where records live: the document client and the table name (SHIPWATCH_TABLE). */
export interface RecordsDb {
  db: DynamoDBDocumentClient;
  table: string;
}

/** The table's shape, shared by serverless.yml (CloudFormation), the sandbox and the tests (dynalite). */
export const TABLE_KEYS = {
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' as const },
    { AttributeName: 'sk', AttributeType: 'S' as const },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' as const },
    { AttributeName: 'sk', KeyType: 'RANGE' as const },
  ],
};

export const isConditionFailure = (error: unknown) => (error as Error)?.name === 'ConditionalCheckFailedException';
