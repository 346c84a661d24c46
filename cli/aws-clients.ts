import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EKSClient } from '@aws-sdk/client-eks';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { once } from '../shared/aws/once.js';

/** Where the operator's calls go: `--region`, `--profile`, and for a sandbox its endpoint and throwaway keys. */
export interface AwsSettings {
  region?: string;
  profile?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The SDK clients the commands use, each made on first use with the same settings. */
export interface AwsClients {
  readonly settings: AwsSettings;
  cloudformation(): CloudFormationClient;
  cloudwatch(): CloudWatchClient;
  dynamo(): DynamoDBDocumentClient;
  ecr(): ECRClient;
  ecs(): ECSClient;
  eks(): EKSClient;
  sfn(): SFNClient;
  ssm(): SSMClient;
  sts(): STSClient;
}

/**
 * A client's configuration from the settings: only what was given, so the SDK's own
 * chain (AWS_REGION, AWS_PROFILE, ~/.aws/config, AWS_ENDPOINT_URL_*) fills in the
 * rest, as the AWS CLI does.
 */
export const clientConfig = (settings: AwsSettings) => ({
  ...(settings.region ? { region: settings.region } : {}),
  ...(settings.profile ? { profile: settings.profile } : {}),
  ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
  ...(settings.credentials ? { credentials: settings.credentials } : {}),
});

export function awsClients(settings: AwsSettings): AwsClients {
  const config = clientConfig(settings);
  return {
    settings,
    cloudformation: once(() => new CloudFormationClient(config)),
    cloudwatch: once(() => new CloudWatchClient(config)),
    dynamo: once(() => DynamoDBDocumentClient.from(new DynamoDBClient(config), { marshallOptions: { removeUndefinedValues: true } })),
    ecr: once(() => new ECRClient(config)),
    ecs: once(() => new ECSClient(config)),
    eks: once(() => new EKSClient(config)),
    sfn: once(() => new SFNClient(config)),
    ssm: once(() => new SSMClient(config)),
    sts: once(() => new STSClient(config)),
  };
}
