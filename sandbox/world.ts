import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { loadBalancer5xxAlarm } from '../local/cloud/cloudwatch.js';
import { profile } from '../local/cloud/profiles.js';
import { World } from '../local/cloud/world.js';

const fargateTask = (family: string, container: string, image: string): RegisterTaskDefinitionCommandInput => ({
  family,
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '512',
  memory: '1024',
  executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
  taskRoleArn: `arn:aws:iam::123456789012:role/${family}-task`,
  containerDefinitions: [
    {
      name: container,
      image,
      essential: true,
      portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
      secrets: [{ name: 'DB_PASSWORD', valueFrom: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${family}/db-AbCdEf` }],
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': `/ecs/${family}`, 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': container },
      },
    },
    { name: 'log-router', image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable', essential: true, firelensConfiguration: { type: 'fluentbit' } },
  ],
  tags: [{ key: 'team', value: family }],
});

/**
 * An ECS service behind its own load balancer with two target groups (and a
 * test listener when asked), running `task`, with its 5xx alarm. `onEngine`:
 * already on ECS's blue/green engine (each of Shipwatch's deploys sets its own
 * strategy), else on rolling updates.
 */
export function progressiveEcsService(
  world: World,
  task: RegisterTaskDefinitionCommandInput,
  o: { name: string; cluster: string; service: string; testListener: boolean; onEngine: boolean },
): void {
  const setup = world.alb.create(o.name, { testListener: o.testListener });
  world.ecs.createService(o.cluster, o.service, task, {
    desiredCount: 4,
    loadBalancer: setup,
    ...(o.onEngine ? { deploymentConfiguration: { strategy: 'BLUE_GREEN' as const, bakeTimeInMinutes: 0 } } : {}),
  });
  world.cloudwatch.alarms.set(`${o.name}-5xx`, loadBalancer5xxAlarm(`${o.name}-5xx`, setup.loadBalancer));
}

/**
 * The sandbox's services that deploy with ECS's own canary, linear and
 * blue/green engine (shipwatch.sandbox.yml gives each its strategy), each
 * behind a load balancer with two target groups; inventory's has a test listener.
 */
export const PROGRESSIVE_SERVICES = ['storefront', 'listings', 'inventory', 'orders'] as const;

/** The EKS cluster of the sandbox's account, and its Deployment that Shipwatch deploys to. */
export const SANDBOX_EKS = { cluster: 'shop', namespace: 'shop', deployment: 'catalog', container: 'web', loadBalancer: 'app/catalog/3d9b' } as const;
/** The Deployment deployed as a canary (docs/progressive-eks.md), behind its Service `search`, which a load balancer fronts. */
export const SANDBOX_EKS_CANARY = { deployment: 'search', container: 'web', service: 'search', loadBalancer: 'app/search/6a0e' } as const;
/** The Deployment deployed as a canary that pauses after its first step for a person to promote or abort, behind its Service `reviews`. */
export const SANDBOX_EKS_PAUSED = { deployment: 'reviews', container: 'web', service: 'reviews', loadBalancer: 'app/reviews/3c7d' } as const;

/**
 * The sandbox's account: three Fargate services and three Deployments on
 * EKS (`catalog`, with an Envoy sidecar beside its `web` container; `search`
 * and `reviews`, deployed as canaries behind their Services, `reviews`
 * pausing for a person), each already running a good release behind its own
 * load balancer, with a 5xx alarm on checkout, ledger, catalog, search and
 * reviews. The EKS cluster's API server is started by the
 * sandbox (kube-server.ts), which tells the world where it listens.
 */
export function sandboxWorld(now: () => number, seed: number): World {
  const world = new World(now, seed);
  for (const [repo, service, container, lb] of [
    ['checkout', 'checkout', 'app', 'app/checkout/7c1a'],
    ['payments', 'payments', 'api', 'app/payments/5f3e'],
    ['ledger', 'ledger', 'app', 'app/ledger/2b8d'],
  ] as const) {
    world.ecr.createRepository(repo, true);
    const first = world.ecr.push(repo, repo === 'payments' ? 'release-1' : 'v1', profile());
    world.ecs.createService('prod', service, fargateTask(service, container, `${world.ecr.registry}/${repo}@${first.detail['image-digest']}`), {
      desiredCount: 4,
    });
    world.attachLoadBalancer(lb, 'prod', service);
  }
  for (const name of PROGRESSIVE_SERVICES) {
    world.ecr.createRepository(name, true);
    const first = world.ecr.push(name, 'v1', profile());
    progressiveEcsService(world, fargateTask(name, 'app', `${world.ecr.registry}/${name}@${first.detail['image-digest']}`), {
      name,
      cluster: 'prod',
      service: name,
      testListener: name === 'inventory',
      onEngine: true,
    });
  }
  const eks = SANDBOX_EKS;
  world.ecr.createRepository('catalog', true);
  const first = world.ecr.push('catalog', 'v1', profile());
  const kubernetes = world.eks.createCluster(eks.cluster);
  // The Role and RoleBinding the README asks for: the Shipwatch roles' group may get and patch Deployments in the namespace.
  kubernetes.grant('shipwatch-deployers', eks.namespace, ['get', 'patch']);
  kubernetes.createDeployment({
    namespace: eks.namespace,
    name: eks.deployment,
    replicas: 4,
    containers: [
      { name: eks.container, image: `${world.ecr.registry}/catalog@${first.detail['image-digest']}`, ports: [{ containerPort: 8080, protocol: 'TCP' }] },
      { name: 'envoy', image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod', ports: [{ containerPort: 9901, protocol: 'TCP' }] },
    ],
  });
  world.attachEksLoadBalancer(eks.loadBalancer, eks.cluster, eks.namespace, eks.deployment);

  // A canary needs to create and delete its `search-canary` Deployment too (docs/progressive-eks.md, RBAC).
  const canary = SANDBOX_EKS_CANARY;
  world.ecr.createRepository('search', true);
  const search = world.ecr.push('search', 'v1', profile());
  kubernetes.grant('shipwatch-deployers', eks.namespace, ['create']);
  kubernetes.grant('shipwatch-deployers', eks.namespace, ['delete'], { resourceNames: [`${canary.deployment}-canary`] });
  kubernetes.createDeployment({
    namespace: eks.namespace,
    name: canary.deployment,
    replicas: 4,
    containers: [
      { name: canary.container, image: `${world.ecr.registry}/search@${search.detail['image-digest']}`, ports: [{ containerPort: 8080, protocol: 'TCP' }] },
      { name: 'envoy', image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod', ports: [{ containerPort: 9901, protocol: 'TCP' }] },
    ],
  });
  // Selects `app: search`, the label the Deployment's pods and its canary's share (the docs' pattern, without `track`).
  kubernetes.createService({ namespace: eks.namespace, name: canary.service, selector: { app: canary.deployment } });
  world.attachEksServiceLoadBalancer(canary.loadBalancer, eks.cluster, eks.namespace, canary.service);

  // The same again for `reviews`, whose canary pauses after its first step.
  const paused = SANDBOX_EKS_PAUSED;
  world.ecr.createRepository('reviews', true);
  const reviews = world.ecr.push('reviews', 'v1', profile());
  kubernetes.grant('shipwatch-deployers', eks.namespace, ['delete'], { resourceNames: [`${paused.deployment}-canary`] });
  kubernetes.createDeployment({
    namespace: eks.namespace,
    name: paused.deployment,
    replicas: 4,
    containers: [
      { name: paused.container, image: `${world.ecr.registry}/reviews@${reviews.detail['image-digest']}`, ports: [{ containerPort: 8080, protocol: 'TCP' }] },
    ],
  });
  kubernetes.createService({ namespace: eks.namespace, name: paused.service, selector: { app: paused.deployment } });
  world.attachEksServiceLoadBalancer(paused.loadBalancer, eks.cluster, eks.namespace, paused.service);

  for (const [alarm, lb] of [
    ['checkout-5xx', 'app/checkout/7c1a'],
    ['catalog-5xx', eks.loadBalancer],
    ['ledger-5xx', 'app/ledger/2b8d'],
    ['search-5xx', SANDBOX_EKS_CANARY.loadBalancer],
    ['reviews-5xx', SANDBOX_EKS_PAUSED.loadBalancer],
  ] as const) {
    world.cloudwatch.alarms.set(alarm, loadBalancer5xxAlarm(alarm, lb));
  }
  return world;
}
