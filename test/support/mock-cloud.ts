import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeImageScanFindingsCommand, DescribeRepositoriesCommand, ECRClient, StartImageScanCommand } from '@aws-sdk/client-ecr';
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import type { CloudService, World } from '../../local/cloud/world.js';

/**
 * Routes the handlers' SDK clients to the simulated cloud in-process (the
 * sandbox does the same over HTTP). aws-sdk-client-mock records every command,
 * so tests can assert exactly what was sent; a command the model does not know
 * is refused by name. EKS is not an SDK client here: the EKS target calls
 * DescribeCluster over the wire, and the cluster's Kubernetes API over real
 * HTTPS at the endpoint DescribeCluster returns (useKubeApiServer in
 * world-fixture.ts serves both).
 */
export function mockCloud(world: World) {
  const ecs = mockClient(ECSClient);
  const ecr = mockClient(ECRClient);
  const cloudwatch = mockClient(CloudWatchClient);
  const route = (service: CloudService, operation: string) => (input: unknown) => world.handle(service, operation, input);
  for (const [mock, service] of [
    [ecs, 'ecs'],
    [ecr, 'ecr'],
    [cloudwatch, 'cloudwatch'],
  ] as const) {
    (mock as ReturnType<typeof mockClient>).onAnyCommand().callsFake(() => {
      throw new Error(`the test cloud has no route for this ${service} command`);
    });
  }
  ecs.on(DescribeServicesCommand).callsFake(route('ecs', 'DescribeServices'));
  ecs.on(DescribeTaskDefinitionCommand).callsFake(route('ecs', 'DescribeTaskDefinition'));
  ecs.on(RegisterTaskDefinitionCommand).callsFake(route('ecs', 'RegisterTaskDefinition'));
  ecs.on(UpdateServiceCommand).callsFake(route('ecs', 'UpdateService'));
  ecs.on(DescribeServiceDeploymentsCommand).callsFake(route('ecs', 'DescribeServiceDeployments'));
  ecs.on(ListServiceDeploymentsCommand).callsFake(route('ecs', 'ListServiceDeployments'));
  ecs.on(DescribeServiceRevisionsCommand).callsFake(route('ecs', 'DescribeServiceRevisions'));
  ecs.on(ContinueServiceDeploymentCommand).callsFake(route('ecs', 'ContinueServiceDeployment'));
  ecs.on(StopServiceDeploymentCommand).callsFake(route('ecs', 'StopServiceDeployment'));
  ecr.on(DescribeImageScanFindingsCommand).callsFake(route('ecr', 'DescribeImageScanFindings'));
  ecr.on(DescribeRepositoriesCommand).callsFake(route('ecr', 'DescribeRepositories'));
  ecr.on(StartImageScanCommand).callsFake(route('ecr', 'StartImageScan'));
  cloudwatch.on(DescribeAlarmsCommand).callsFake(route('cloudwatch', 'DescribeAlarms'));
  cloudwatch.on(GetMetricDataCommand).callsFake(route('cloudwatch', 'GetMetricData'));
  return {
    ecs,
    ecr,
    cloudwatch,
    restore() {
      ecs.restore();
      ecr.restore();
      cloudwatch.restore();
    },
  };
}
