import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SFNClient } from '@aws-sdk/client-sfn';

// One client per container, created on first use so a function only pays for
// the clients it calls. Endpoints come from AWS_ENDPOINT_URL_<SERVICE> when set
// (the sandbox's simulated cloud), which the SDK reads by itself.
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

export const clients = {
  ecs: once(() => new ECSClient({})),
  ecr: once(() => new ECRClient({})),
  cloudwatch: once(() => new CloudWatchClient({})),
  sfn: once(() => new SFNClient({})),
  dynamo: once(() => DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } })),
};

/** The records table: SHIPWATCH_TABLE names it (serverless.yml sets it for every function that needs it). */
export function recordsDb(): { db: DynamoDBDocumentClient; table: string } {
  const table = process.env.SHIPWATCH_TABLE;
  if (!table) throw new Error('SHIPWATCH_TABLE is not set: the records table is unknown');
  return { db: clients.dynamo(), table };
}
