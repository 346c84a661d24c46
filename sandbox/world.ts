import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
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
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': `/ecs/${family}`, 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': container } },
    },
    { name: 'log-router', image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable', essential: true, firelensConfiguration: { type: 'fluentbit' } },
  ],
  tags: [{ key: 'team', value: family }],
});

/**
 * The sandbox's account: two Fargate services already running a good
 * release, each behind its own load balancer, with a 5xx alarm on checkout.
 */
export function sandboxWorld(now: () => number, seed: number): World {
  const world = new World(now, seed);
  for (const [repo, service, container, lb] of [
    ['checkout', 'checkout', 'app', 'app/checkout/7c1a'],
    ['payments', 'payments', 'api', 'app/payments/5f3e'],
  ] as const) {
    world.ecr.createRepository(repo, true);
    const first = world.ecr.push(repo, repo === 'payments' ? 'release-1' : 'v1', profile());
    world.ecs.createService('prod', service, fargateTask(service, container, `${world.ecr.registry}/${repo}@${first.detail['image-digest']}`), { desiredCount: 4 });
    world.attachLoadBalancer(lb, 'prod', service);
  }
  world.cloudwatch.alarms.set('checkout-5xx', {
    kind: 'metric',
    name: 'checkout-5xx',
    metric: { namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', dimensions: { LoadBalancer: 'app/checkout/7c1a' }, stat: 'Sum', period: 60 },
    comparison: '>',
    threshold: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
  });
  return world;
}
