import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { BatchGetImageCommand, DescribeImagesCommand, ECRClient, ListImagesCommand, PutImageCommand } from '@aws-sdk/client-ecr';
import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  ListServicesCommand,
  RegisterTaskDefinitionCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { BEHAVIOUR_ANNOTATION } from '../../local/cloud/ecr-images.js';
import { startCloudServer } from '../../local/cloud/http.js';
import { CloudFormationModel } from '../../local/cloud/query-protocol.js';
import type { CloudService } from '../../local/cloud/world.js';
import { createRecordsTable, startLocalDynamo } from '../../local/dynamo.js';
import { cloudEndpoint, SANDBOX_CREDENTIALS } from '../support/cloud-endpoint.js';

// The operations a new user reached for at the sandbox's endpoint, over the
// real wire protocols, with the SDK clients the AWS CLI is built like.

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});
const credentials = SANDBOX_CREDENTIALS;
const endpoint = () => cloudEndpoint(closers);

describe('the simulated cloud over the wire', () => {
  it('ECR: describe-images, list-images, and batch-get-image + put-image (the retag recipe) push as ECR does', async () => {
    const { world, config } = await endpoint();
    const ecr = new ECRClient(config);
    const pushed: unknown[] = [];
    world.ecr.onPutImage = (event) => pushed.push(event);

    const described = await ecr.send(new DescribeImagesCommand({ repositoryName: 'checkout', imageIds: [{ imageTag: 'v1' }] }));
    const listed = await ecr.send(new ListImagesCommand({ repositoryName: 'checkout' }));
    const got = await ecr.send(new BatchGetImageCommand({ repositoryName: 'checkout', imageIds: [{ imageTag: 'v1' }] }));
    const manifest = got.images![0]!.imageManifest!;
    const retag = await ecr.send(new PutImageCommand({ repositoryName: 'checkout', imageTag: 'v2', imageManifest: manifest }));
    const again = await ecr.send(new PutImageCommand({ repositoryName: 'checkout', imageTag: 'v2', imageManifest: manifest })).catch((e: Error) => e);
    const missing = await ecr.send(new DescribeImagesCommand({ repositoryName: 'checkout', imageIds: [{ imageTag: 'v9' }] })).catch((e: Error) => e);

    const digest = described.imageDetails![0]!.imageDigest!;
    expect(described.imageDetails![0]).toMatchObject({
      repositoryName: 'checkout',
      imageTags: ['v1'],
      imagePushedAt: expect.any(Date),
      imageSizeInBytes: 29_123_456,
    });
    expect(listed.imageIds).toEqual([{ imageDigest: digest, imageTag: 'v1' }]);
    expect(retag.image!.imageId).toEqual({ imageDigest: digest, imageTag: 'v2' });
    expect(again).toMatchObject({ name: 'ImageAlreadyExistsException' });
    expect(missing).toMatchObject({ name: 'ImageNotFoundException' });
    expect(pushed).toEqual([
      expect.objectContaining({
        'detail-type': 'ECR Image Action',
        detail: { result: 'SUCCESS', 'repository-name': 'checkout', 'image-digest': digest, 'action-type': 'PUSH', 'image-tag': 'v2' },
      }),
    ]);
  });

  it('ECR: put-image of a new manifest gets the SHA-256 of its bytes as digest, and behaves as its sandbox annotation says', async () => {
    const { world, config } = await endpoint();
    const ecr = new ECRClient(config);
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'1'.repeat(64)}`, size: 7 },
      layers: [],
      annotations: { [BEHAVIOUR_ANNOTATION]: '{"healthy":false}' },
    });

    const out = await ecr.send(new PutImageCommand({ repositoryName: 'checkout', imageTag: 'v3', imageManifest: manifest }));

    const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
    expect(out.image!.imageId!.imageDigest).toBe(digest);
    expect(world.ecr.profileOf(`${world.ecr.registry}/checkout@${digest}`)).toMatchObject({ healthy: false });
  });

  it('ECS: list-services, and describe-task-definition by family:revision and by family', async () => {
    const { config } = await endpoint();
    const ecs = new ECSClient(config);

    const services = await ecs.send(new ListServicesCommand({ cluster: 'prod' }));
    const byRevision = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'checkout:1' }));
    const byFamily = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'payments' }));

    expect(services.serviceArns).toEqual(
      ['checkout', 'payments', 'ledger', 'storefront', 'listings', 'inventory', 'orders'].map((s) => `arn:aws:ecs:us-east-1:123456789012:service/prod/${s}`),
    );
    expect(byRevision.taskDefinition).toMatchObject({ family: 'checkout', revision: 1 });
    expect(byFamily.taskDefinition).toMatchObject({ family: 'payments', revision: 1 });
  });

  it('ECS: a canary over the wire, followed and stopped with the service-deployment operations', async () => {
    const { config, advance } = await endpoint();
    const ecs = new ECSClient(config);
    const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'storefront' }));
    const next = await ecs.send(new RegisterTaskDefinitionCommand({ family: 'storefront', containerDefinitions: taskDefinition!.containerDefinitions }));

    const updated = await ecs.send(
      new UpdateServiceCommand({
        cluster: 'prod',
        service: 'storefront',
        taskDefinition: next.taskDefinition!.taskDefinitionArn,
        deploymentConfiguration: { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 }, bakeTimeInMinutes: 5 },
      }),
    );
    const arn = updated.service!.currentServiceDeployment!;
    advance(4 * 60_000);
    const [described] = (await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))).serviceDeployments!;
    const listed = await ecs.send(new ListServiceDeploymentsCommand({ cluster: 'prod', service: 'storefront' }));
    const revision = await ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [described!.targetServiceRevision!.arn!] }));
    await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }));
    advance(60_000);
    const [stopped] = (await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))).serviceDeployments!;
    const service = (await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['storefront'] }))).services![0]!;

    expect(arn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:service-deployment\/prod\/storefront\/[\w-]{21}$/);
    expect(described).toMatchObject({
      status: 'IN_PROGRESS',
      lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT',
      targetServiceRevision: { requestedProductionTrafficWeight: 10 },
      createdAt: expect.any(Date),
    });
    expect(listed.serviceDeployments).toEqual([expect.objectContaining({ serviceDeploymentArn: arn, status: 'IN_PROGRESS' })]);
    expect(revision.serviceRevisions![0]).toMatchObject({
      taskDefinition: next.taskDefinition!.taskDefinitionArn,
      resolvedConfiguration: { loadBalancers: [{ targetGroupArn: expect.stringContaining(':targetgroup/storefront-green/') }] },
    });
    expect(stopped).toMatchObject({ status: 'ROLLBACK_SUCCESSFUL', rollback: { reason: 'ECS deployment stopped (StopServiceDeployment ROLLBACK)' } });
    expect(service.taskDefinition).toBe(taskDefinition!.taskDefinitionArn);
  });

  it('CloudWatch: set-alarm-state holds until the next evaluation, then the metric decides again', async () => {
    const { config, advance } = await endpoint();
    const cloudwatch = new CloudWatchClient(config);
    const state = async () => (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['checkout-5xx'] }))).MetricAlarms![0]!.StateValue;

    const before = await state();
    await cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'checkout-5xx', StateValue: 'ALARM', StateReason: 'testing the rollback' }));
    const set = await state();
    advance(95_000);
    const after = await state();

    expect([before, set, after]).toEqual(['OK', 'ALARM', 'OK']);
    await expect(cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'nope', StateValue: 'ALARM', StateReason: 'x' }))).rejects.toMatchObject({
      name: 'ResourceNotFound',
    });
  });

  it('CloudFormation (awsQuery) answers DescribeStacks, and DynamoDB is passed through to dynalite, on the same endpoint', async () => {
    const dynamo = await startLocalDynamo();
    closers.push(dynamo.close);
    await createRecordsTable(dynamo.endpoint, 'shipwatch-sandbox-records');
    const stacks = new CloudFormationModel('123456789012', 'us-east-1');
    stacks.stacks.set('shipwatch-sandbox', { outputs: { RecordsTableName: 'shipwatch-sandbox-records' }, createdAt: Date.parse('2026-11-02T09:00:00Z') });
    const server = await startCloudServer(async () => ({}), 0, { query: stacks.dispatch, forward: { DynamoDB_20120810: dynamo.endpoint } });
    closers.push(server.close);
    const config = { endpoint: server.url, region: 'us-east-1', credentials };

    const described = await new CloudFormationClient(config).send(new DescribeStacksCommand({ StackName: 'shipwatch-sandbox' }));
    const missing = await new CloudFormationClient(config).send(new DescribeStacksCommand({ StackName: 'shipwatch-prod' })).catch((e: Error) => e);
    const tables = await new DynamoDBClient(config).send(new ListTablesCommand({}));

    expect(described.Stacks![0]).toMatchObject({
      StackName: 'shipwatch-sandbox',
      StackStatus: 'CREATE_COMPLETE',
      Outputs: [{ OutputKey: 'RecordsTableName', OutputValue: 'shipwatch-sandbox-records' }],
    });
    expect(missing).toMatchObject({ name: 'ValidationError', message: 'Stack with id shipwatch-prod does not exist' });
    expect(tables.TableNames).toEqual(['shipwatch-sandbox-records']);
  });

  it("STS (awsQuery, told apart by the signature's credential scope) answers GetCallerIdentity with the sandbox operator, next to CloudFormation", async () => {
    const { world, config, url } = await endpoint();
    const stacks = new CloudFormationModel('123456789012', 'us-east-1');
    stacks.stacks.set('shipwatch-sandbox', { outputs: { RecordsTableName: 't' }, createdAt: Date.parse('2026-11-02T09:00:00Z') });
    const server = await startCloudServer((service, operation, input) => world.handle(service as CloudService, operation, input), 0, {
      query: stacks.dispatch,
    });
    closers.push(server.close);
    const both = { ...config, endpoint: server.url };
    expect(url).not.toBe(server.url);

    const me = await new STSClient(both).send(new GetCallerIdentityCommand({}));
    world.sts.caller = 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Deployer_0a1b2c3d4e5f6789/alice@example.com';
    const alice = await new STSClient(both).send(new GetCallerIdentityCommand({}));
    const unknown = await new STSClient(both)
      .send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/x', RoleSessionName: 's' }))
      .catch((e: Error) => e);
    const stack = await new CloudFormationClient(both).send(new DescribeStacksCommand({ StackName: 'shipwatch-sandbox' }));

    expect(me).toMatchObject({
      Account: '123456789012',
      Arn: 'arn:aws:sts::123456789012:assumed-role/sandbox-operator/you',
      UserId: 'AROASANDBOXOPERATOR00:you',
    });
    expect(alice.Arn).toBe('arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Deployer_0a1b2c3d4e5f6789/alice@example.com');
    expect(unknown).toMatchObject({ name: 'NotImplementedInSandbox', message: 'sts:AssumeRole is not implemented by the Shipwatch simulated cloud' });
    expect(stack.Stacks![0]!.StackName).toBe('shipwatch-sandbox');
    expect(world.callsTo('GetCallerIdentity')).toHaveLength(2);
  });
});
