import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { loadBalancer5xxAlarm } from '../../local/cloud/cloudwatch.js';
import { afterAll, beforeAll } from 'vitest';
import { parseConfigText } from '../../shared/config/load.js';
import type { ServiceConfig } from '../../shared/config/schema.js';
import { parseEcrPushEvent } from '../../shared/events/ecr-push.js';
import { releaseFromPush } from '../../shared/release/release.js';
import type { ExecutionInput } from '../../shared/workflow/state.js';
import { installSimClock, type SimClock } from '../../local/sim-clock.js';
import { startCloudServer } from '../../local/cloud/http.js';
import { startKubeServer, type KubeServer } from '../../local/cloud/kube-server.js';
import type { KubeAnswer, KubeRequest } from '../../local/cloud/kubernetes.js';
import { profile, type ImageProfile } from '../../local/cloud/profiles.js';
import { World, type CloudService } from '../../local/cloud/world.js';

export const START = Date.parse('2026-11-02T10:00:00Z');
export const LOAD_BALANCER = 'app/web/0123456789abcdef';

/**
 * A Fargate service `prod/web` behind a load balancer, running a good image
 * `web:v1` from ECR, with a 5xx alarm on it: the world most workflow tests start from.
 */
export function webWorld(options: { circuitBreakerRollback?: boolean; circuitBreaker?: boolean; scanOnPush?: boolean } = {}) {
  const clock: SimClock = installSimClock(START);
  const world = new World(clock.now, 7);
  world.ecr.createRepository('web', options.scanOnPush ?? true);
  const v1 = world.ecr.push('web', 'v1', profile());
  const initial: RegisterTaskDefinitionCommandInput = {
    family: 'web',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '512',
    memory: '1024',
    executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
    taskRoleArn: 'arn:aws:iam::123456789012:role/web-task',
    containerDefinitions: [
      {
        name: 'app',
        image: `${world.ecr.registry}/web@${v1.detail['image-digest']}`,
        essential: true,
        portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
        secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:web/db-AbCdEf' }],
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'app' } },
      },
      {
        name: 'log-router',
        image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable',
        essential: true,
        firelensConfiguration: { type: 'fluentbit' },
      },
    ],
    tags: [{ key: 'team', value: 'payments' }],
  };
  world.ecs.createService('prod', 'web', initial, {
    desiredCount: 4,
    circuitBreaker: options.circuitBreaker ?? true,
    rollbackOnFailure: options.circuitBreakerRollback ?? true,
  });
  world.attachLoadBalancer(LOAD_BALANCER, 'prod', 'web');
  world.cloudwatch.alarms.set('web-5xx-alarm', loadBalancer5xxAlarm('web-5xx-alarm', LOAD_BALANCER));
  const initialRevision = world.ecs.services.get('prod/web')!.taskDefinition;
  // Let the service run a while so CloudWatch has history before the first push.
  clock.advance(30 * 60_000);
  return { clock, world, initialRevision };
}

export const webService = (yaml = WEB_SERVICE_YAML): ServiceConfig => parseConfigText(`services:\n${yaml}`, 'test config').services[0]!;

export const WEB_SERVICE_YAML = `
  - name: web
    image: { repository: web, tags: ["v*"] }
    target: { ecs: { cluster: prod, service: web, container: app } }
    scan: { blockAt: HIGH }
    health:
      alarms: [web-5xx-alarm]
      bakeMinutes: 10
      pollSeconds: 30
      rolloutTimeoutMinutes: 15
`;

export const METRIC_SERVICE_YAML = `
  - name: web
    image: { repository: web, tags: ["v*"] }
    target: { ecs: { cluster: prod, service: web, container: app } }
    health:
      metrics:
        - name: 5xx rate
          expression: "100 * errors / requests"
          metrics:
            errors: { namespace: AWS/ApplicationELB, metricName: HTTPCode_Target_5XX_Count, dimensions: { LoadBalancer: ${LOAD_BALANCER} }, stat: Sum }
            requests: { namespace: AWS/ApplicationELB, metricName: RequestCount, dimensions: { LoadBalancer: ${LOAD_BALANCER} }, stat: Sum }
          period: 60
          comparison: ">"
          threshold: 2
          unit: "%"
          failureLimit: 1
      bakeMinutes: 10
      pollSeconds: 30
`;

/** Pushes an image with the given behaviour to the service's repository and returns the execution input the trigger would start. */
export function pushRelease(world: World, tag: string, behaviour: Partial<ImageProfile>, service: ServiceConfig): ExecutionInput {
  const event = world.ecr.push(service.image.repository, tag, profile(behaviour));
  return { release: releaseFromPush(parseEcrPushEvent(event)), service };
}

let kubeServer: KubeServer | undefined;
let kubeRoute: ((request: KubeRequest) => KubeAnswer) | undefined;
let eksApi: Awaited<ReturnType<typeof startCloudServer>> | undefined;
let eksWorld: World | undefined;

/**
 * The simulated EKS clusters' Kubernetes API over HTTPS for the whole test
 * file, answered by the newest world's cluster, and the EKS API itself
 * (DescribeCluster, which the target calls over the wire, not through an SDK
 * client) at AWS_ENDPOINT_URL_EKS. One server (one endpoint) per file,
 * because the EKS target keeps a cluster's endpoint and CA for its
 * container's life, as a warm Lambda does.
 */
export function useKubeApiServer(): void {
  beforeAll(async () => {
    kubeServer = await startKubeServer((request) => {
      if (!kubeRoute) throw new Error('no simulated cluster: call catalogWorld() first');
      return kubeRoute(request);
    });
    eksApi = await startCloudServer((service, operation, input) => {
      if (!eksWorld) throw new Error('no simulated cluster: call catalogWorld() first');
      return eksWorld.handle(service as CloudService, operation, input);
    });
    process.env.AWS_ENDPOINT_URL_EKS = eksApi.url;
  });
  afterAll(async () => {
    await kubeServer?.close();
    await eksApi?.close();
    delete process.env.AWS_ENDPOINT_URL_EKS;
    kubeServer = undefined;
    kubeRoute = undefined;
    eksApi = undefined;
    eksWorld = undefined;
  });
}

/** Makes `cluster` of `world` the one the file's Kubernetes API server (useKubeApiServer) and EKS API answer for. */
export function serveCluster(world: World, cluster: string): void {
  if (!kubeServer) throw new Error('serveCluster needs useKubeApiServer() in the test file');
  const kubernetes = world.eks.cluster(cluster).kubernetes;
  kubeRoute = (request) => kubernetes.handle(request);
  eksWorld = world;
  world.eks.serve(cluster, kubeServer.url);
}

export const CATALOG_LOAD_BALANCER = 'app/catalog/4b2e0c9d1a7f3e65';
export const ENVOY_IMAGE = 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod';

/**
 * An EKS Deployment `shop/catalog` on cluster `shop` (four replicas; container
 * `web` running `catalog:v1` from ECR, an Envoy sidecar next to it) behind a
 * load balancer, with a 5xx alarm on it. Needs useKubeApiServer() in the file.
 */
export function catalogWorld(options: { progressDeadlineSeconds?: number } = {}) {
  if (!kubeServer) throw new Error('catalogWorld needs useKubeApiServer() in the test file');
  const clock: SimClock = installSimClock(START);
  const world = new World(clock.now, 7);
  world.ecr.createRepository('catalog', true);
  const v1 = world.ecr.push('catalog', 'v1', profile());
  const initialImage = `${world.ecr.registry}/catalog@${v1.detail['image-digest']}`;
  const kubernetes = world.eks.createCluster('shop');
  kubernetes.createDeployment({
    namespace: 'shop',
    name: 'catalog',
    replicas: 4,
    ...(options.progressDeadlineSeconds ? { progressDeadlineSeconds: options.progressDeadlineSeconds } : {}),
    containers: [
      { name: 'web', image: initialImage, ports: [{ containerPort: 8080, protocol: 'TCP' }], env: [{ name: 'LOG_LEVEL', value: 'info' }] },
      { name: 'envoy', image: ENVOY_IMAGE, ports: [{ containerPort: 9901, protocol: 'TCP' }] },
    ],
  });
  serveCluster(world, 'shop');
  world.attachEksLoadBalancer(CATALOG_LOAD_BALANCER, 'shop', 'shop', 'catalog');
  world.cloudwatch.alarms.set('catalog-5xx', loadBalancer5xxAlarm('catalog-5xx', CATALOG_LOAD_BALANCER));
  const initialTemplate = kubernetes.deployment('shop', 'catalog')!.spec.template;
  // Let the Deployment run a while so CloudWatch has history before the first push.
  clock.advance(30 * 60_000);
  return { clock, world, kubernetes, initialImage, initialTemplate };
}

export const CATALOG_SERVICE_YAML = `
  - name: catalog
    image: { repository: catalog, tags: ["v*"] }
    target: { eks: { cluster: shop, namespace: shop, deployment: catalog, container: web } }
    scan: { blockAt: HIGH }
    health:
      alarms: [catalog-5xx]
      bakeMinutes: 10
      pollSeconds: 30
      rolloutTimeoutMinutes: 15
`;
