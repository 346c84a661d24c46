import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SetupError } from './errors.js';

/** Where a deployed Shipwatch keeps its records and runs its workflow. */
export interface StackOutputs {
  table: string;
  stateMachineArn?: string;
  /** How it was found, for messages: `stack shipwatch-prod`, `SHIPWATCH_TABLE`. */
  source: string;
}

/** serverless.yml names the stack `<service>-<stage>`; the service is `shipwatch`. */
export const stackName = (stage: string) => `shipwatch-${stage}`;

/** The stack outputs RecordsTableName and DeployStateMachineArn of `shipwatch-<stage>` (CloudFormation DescribeStacks). */
export async function stackOutputs(cloudformation: CloudFormationClient, stage: string): Promise<StackOutputs> {
  const name = stackName(stage);
  let outputs: { OutputKey?: string | undefined; OutputValue?: string | undefined }[];
  try {
    const out = await cloudformation.send(new DescribeStacksCommand({ StackName: name }));
    outputs = out.Stacks?.[0]?.Outputs ?? [];
  } catch (error) {
    // CloudFormation answers a missing stack with a ValidationError naming it.
    if ((error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message)) {
      const region = await cloudformation.config.region().catch(() => 'the current region');
      throw new SetupError(
        `no stack ${name} in ${region}: check --stage and --region (it is the stage you deployed with \`serverless deploy --stage ${stage}\`)`,
        { cause: error },
      );
    }
    throw error;
  }
  const output = (key: string) => outputs.find((o) => o.OutputKey === key)?.OutputValue;
  const table = output('RecordsTableName');
  if (!table) throw new SetupError(`stack ${name} has no output RecordsTableName: is it a Shipwatch stack? (serverless.yml declares the output)`);
  const stateMachineArn = output('DeployStateMachineArn');
  return { table, ...(stateMachineArn ? { stateMachineArn } : {}), source: `stack ${name}` };
}
