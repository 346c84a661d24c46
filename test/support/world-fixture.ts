import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { parseConfigText } from '../../shared/config/load.js';
import type { ServiceConfig } from '../../shared/config/schema.js';
import { parseEcrPushEvent } from '../../shared/events/ecr-push.js';
import { releaseFromPush } from '../../shared/release/release.js';
import type { ExecutionInput } from '../../shared/workflow/state.js';
import { installSimClock, type SimClock } from '../../local/sim-clock.js';
import { profile, type ImageProfile } from '../../local/cloud/profiles.js';
import { World } from '../../local/cloud/world.js';

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
      { name: 'log-router', image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable', essential: true, firelensConfiguration: { type: 'fluentbit' } },
    ],
    tags: [{ key: 'team', value: 'payments' }],
  };
  world.ecs.createService('prod', 'web', initial, {
    desiredCount: 4,
    circuitBreaker: options.circuitBreaker ?? true,
    rollbackOnFailure: options.circuitBreakerRollback ?? true,
  });
  world.attachLoadBalancer(LOAD_BALANCER, 'prod', 'web');
  world.cloudwatch.alarms.set('web-5xx-alarm', {
    kind: 'metric',
    name: 'web-5xx-alarm',
    metric: { namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', dimensions: { LoadBalancer: LOAD_BALANCER }, stat: 'Sum', period: 60 },
    comparison: '>',
    threshold: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
  });
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

/** Pushes an image with the given behaviour and returns the execution input the trigger would start. */
export function pushRelease(world: World, tag: string, behaviour: Partial<ImageProfile>, service: ServiceConfig): ExecutionInput {
  const event = world.ecr.push('web', tag, profile(behaviour));
  return { release: releaseFromPush(parseEcrPushEvent(event)), service };
}
