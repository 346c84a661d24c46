import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { contextFromEnv } from '../../cli/context.js';
import { cliHarness } from '../support/cli-context.js';
import { fixturePath } from '../support/fixtures.js';

// --stage, --region and --profile as the AWS CLI has them: the stack
// shipwatch-<stage> is found through CloudFormation, its outputs name the table
// and the state machine.

const cloudformation = mockClient(CloudFormationClient);
// No sandbox is running as far as these tests know, whatever this clone runs.
const NO_SANDBOX = fixturePath('no-sandbox-here.json');
afterEach(() => cloudformation.reset());

const STACK = {
  StackName: 'shipwatch-prod',
  StackStatus: 'UPDATE_COMPLETE' as const,
  CreationTime: new Date('2026-10-01T00:00:00Z'),
  Outputs: [
    { OutputKey: 'RecordsTableName', OutputValue: 'shipwatch-prod-RecordsTable-1A2B3C' },
    { OutputKey: 'DeployStateMachineArn', OutputValue: 'arn:aws:states:eu-west-1:123456789012:stateMachine:shipwatch-prod-deploy' },
    { OutputKey: 'SlackInteractivityUrl', OutputValue: 'https://abc.lambda-url.eu-west-1.on.aws/' },
  ],
};

describe('--stage, --region, --profile', () => {
  it('--stage reads the outputs of shipwatch-<stage> with DescribeStacks, in --region with --profile', async () => {
    // Prepare
    cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [STACK] });

    // Act
    const reach = await contextFromEnv({ stage: 'prod', region: 'eu-west-1', profile: 'ops' }, {}, NO_SANDBOX).reach();
    const stack = await reach.stack();

    // Assess
    expect(cloudformation.commandCalls(DescribeStacksCommand).map((c) => c.args[0].input)).toEqual([{ StackName: 'shipwatch-prod' }]);
    expect(stack).toMatchObject({
      stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:shipwatch-prod-deploy',
      source: 'stack shipwatch-prod',
    });
    expect(stack.records.table).toBe('shipwatch-prod-RecordsTable-1A2B3C');
    expect(reach.clients.settings).toEqual({ region: 'eu-west-1', profile: 'ops' });
    expect(await reach.clients.ecs().config.region()).toBe('eu-west-1');
    expect(reach.clients.ecs().config.profile).toBe('ops');
    expect(reach.slack.tokenParameter).toBe('/shipwatch/prod/slack-bot-token');
  });

  it('SHIPWATCH_STAGE is --stage from the environment; a missing stack says which and where', async () => {
    cloudformation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Stack with id shipwatch-qa does not exist'), { name: 'ValidationError', $metadata: { httpStatusCode: 400 } }));

    const reach = await contextFromEnv({ region: 'eu-west-1' }, { SHIPWATCH_STAGE: 'qa' }, NO_SANDBOX).reach();

    await expect(reach.stack()).rejects.toThrow('no stack shipwatch-qa in eu-west-1: check --stage and --region');
  });

  it('with neither a stage, SHIPWATCH_TABLE nor a sandbox, says how to name one', async () => {
    const reach = await contextFromEnv({}, {}, NO_SANDBOX).reach();

    await expect(reach.stack()).rejects.toThrow(/^which Shipwatch\? Pass --stage STAGE/);
  });

  it('global options go before or after the command, and bad values are usage errors', async () => {
    const cli = cliHarness({ configFile: 'shipwatch.yml' });

    await cli.run(['--stage', 'prod', 'validate']);
    await cli.run(['validate', '--region', 'eu-west-1', '--profile', 'ops']);
    expect(await cli.run(['validate', '--region', 'Ireland'])).toBe(2);
    expect(await cli.run(['validate', '--stage', 'prod/eu'])).toBe(2);

    expect(cli.globals).toEqual([{ stage: 'prod' }, { region: 'eu-west-1', profile: 'ops' }]);
    expect(cli.take().err).toContain("shipwatch: option '--region <region>' argument 'Ireland' is invalid. expected a region name such as eu-west-1");
  });
});
