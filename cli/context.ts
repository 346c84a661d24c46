import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { RecordsDb } from '../shared/records/db.js';

/** What the CLI commands work with; tests hand in their own. */
export interface CliContext {
  records: RecordsDb;
  sfn: SFNClient;
  stateMachineArn?: string;
  configFile: string;
  print: (line: string) => void;
  user: string;
}

/** From the environment: SHIPWATCH_TABLE and STATE_MACHINE_ARN are the stack outputs RecordsTableName and DeployStateMachineArn. */
export function contextFromEnv(env: NodeJS.ProcessEnv = process.env): CliContext {
  const table = env.SHIPWATCH_TABLE;
  if (!table) throw new Error('set SHIPWATCH_TABLE to the stack output RecordsTableName (npx serverless info --verbose shows it)');
  return {
    records: { db: DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }), table },
    sfn: new SFNClient({}),
    ...(env.STATE_MACHINE_ARN ? { stateMachineArn: env.STATE_MACHINE_ARN } : {}),
    configFile: env.SHIPWATCH_CONFIG ?? 'shipwatch.yml',
    print: (line) => console.log(line),
    user: env.USER ?? env.USERNAME ?? 'someone',
  };
}
