import { readFileSync } from 'node:fs';
import type { DescribeTaskDefinitionCommandOutput, Service, ServiceDeployment } from '@aws-sdk/client-ecs';
import { parseConfigText } from '../../shared/config/load.js';
import type { ServiceConfig } from '../../shared/config/schema.js';

// Shapes for the ECS progressive-delivery unit tests: the published samples
// (test/fixtures/SOURCES.md, section 6) as the prod/web service of these tests.

export const fixture = (name: string): any => JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8'));

export const ACCOUNT = '123456789012';
export const CURRENT = `arn:aws:ecs:us-west-2:${ACCOUNT}:task-definition/web:8`;
export const NEW = `arn:aws:ecs:us-west-2:${ACCOUNT}:task-definition/web:9`;
export const DEPLOYMENT = `arn:aws:ecs:us-west-2:${ACCOUNT}:service-deployment/prod/web/EZe5RNVLH6PPzHXINuP28`;
export const OLDER_DEPLOYMENT = `arn:aws:ecs:us-west-2:${ACCOUNT}:service-deployment/prod/web/r9i43YFjvgF_xlg7m2eJ1`;
export const NEWER_DEPLOYMENT = `arn:aws:ecs:us-west-2:${ACCOUNT}:service-deployment/prod/web/xyz789ABC123`;
export const GREEN = `arn:aws:ecs:us-west-2:${ACCOUNT}:service-revision/prod/web/9313423515462893900`;
export const BLUE = `arn:aws:ecs:us-west-2:${ACCOUNT}:service-revision/prod/web/1920498462936580504`;
export const HOOK = {
  functionArn: `arn:aws:lambda:us-west-2:${ACCOUNT}:function:shipwatch-prod-ecsLifecycleHook`,
  roleArn: `arn:aws:iam::${ACCOUNT}:role/shipwatch-prod-EcsHookInvokeRole`,
};
export const PRIMARY_TG = `arn:aws:elasticloadbalancing:us-west-2:${ACCOUNT}:targetgroup/web-blue/0123456789abcdef`;
export const ALTERNATE_TG = `arn:aws:elasticloadbalancing:us-west-2:${ACCOUNT}:targetgroup/web-green/fedcba9876543210`;
export const PRODUCTION_RULE = `arn:aws:elasticloadbalancing:us-west-2:${ACCOUNT}:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`;
export const ELB_ROLE = `arn:aws:iam::${ACCOUNT}:role/ecsInfrastructureRoleForLoadBalancers`;

export const serviceConfig = (strategy: string, extra = ''): ServiceConfig =>
  parseConfigText(
    `
services:
  - name: web
    image: { repository: my-repository-name }
    target: { ecs: { cluster: prod, service: web, container: app } }
    strategy: ${strategy}
    health: { bakeMinutes: 10, alarms: [web-5xx] }
${extra}
`,
    'inline.yml',
  ).services[0]!;

/** The service with a load balancer ready for ECS's traffic shifting, as developerguide/alb-resources-for-blue-green.html configures it. */
export function service(taskDefinition: string, overrides: Partial<Service> = {}): Service {
  const s = fixture('ecs-update-service-response-rollout-in-progress').service;
  const [primary, active] = s.deployments;
  return {
    ...s,
    serviceArn: `arn:aws:ecs:us-west-2:${ACCOUNT}:service/prod/web`,
    serviceName: 'web',
    clusterArn: `arn:aws:ecs:us-west-2:${ACCOUNT}:cluster/prod`,
    taskDefinition,
    deploymentController: { type: 'ECS' },
    loadBalancers: [
      {
        targetGroupArn: PRIMARY_TG,
        containerName: 'app',
        containerPort: 8080,
        advancedConfiguration: { alternateTargetGroupArn: ALTERNATE_TG, productionListenerRule: PRODUCTION_RULE, roleArn: ELB_ROLE },
      },
    ],
    deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100, strategy: 'BLUE_GREEN', bakeTimeInMinutes: 2 },
    deployments: [
      { ...primary, id: 'ecs-svc/7419115625193919142', status: 'PRIMARY', taskDefinition, rolloutState: 'IN_PROGRESS' },
      { ...active, id: 'ecs-svc/1709597507655421668', status: 'ACTIVE', taskDefinition: CURRENT, rolloutState: 'COMPLETED' },
    ],
    currentServiceDeployment: DEPLOYMENT,
    ...overrides,
  };
}

/** A service deployment of prod/web from BLUE (web:8) to GREEN (web:9), shaped like the published DescribeServiceDeployments sample. */
export function deployment(overrides: Partial<ServiceDeployment> & { weight?: number } = {}): ServiceDeployment {
  const { weight, ...rest } = overrides;
  const sample = fixture('ecs-describe-service-deployments-response-blue-green-pause-awaiting-action').serviceDeployments[0];
  return {
    ...sample,
    serviceDeploymentArn: DEPLOYMENT,
    serviceArn: `arn:aws:ecs:us-west-2:${ACCOUNT}:service/prod/web`,
    clusterArn: `arn:aws:ecs:us-west-2:${ACCOUNT}:cluster/prod`,
    updatedAt: new Date(sample.updatedAt),
    sourceServiceRevisions: [
      { arn: BLUE, requestedTaskCount: 4, runningTaskCount: 4, pendingTaskCount: 0, requestedProductionTrafficWeight: 100 - (weight ?? 0) },
    ],
    targetServiceRevision: { arn: GREEN, requestedTaskCount: 4, runningTaskCount: 4, pendingTaskCount: 0, requestedProductionTrafficWeight: weight ?? 0 },
    status: 'IN_PROGRESS',
    lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT',
    lifecycleHookDetails: [],
    ...rest,
  };
}

/** DescribeServiceRevisions for GREEN → web:9 and BLUE → web:8. */
export const revisions = {
  serviceRevisions: [
    { serviceRevisionArn: GREEN, taskDefinition: NEW },
    { serviceRevisionArn: BLUE, taskDefinition: CURRENT },
  ],
  failures: [],
};

/** DescribeTaskDefinition for web:<revision> with `image` in its app container. */
export function taskDefinition(revision: number, image: string): DescribeTaskDefinitionCommandOutput {
  const sample = fixture('ecs-register-task-definition-request-fargate-webserver');
  return {
    $metadata: {},
    taskDefinition: {
      ...sample,
      family: 'web',
      containerDefinitions: [{ ...sample.containerDefinitions[0], name: 'app', image }],
      taskDefinitionArn: `arn:aws:ecs:us-west-2:${ACCOUNT}:task-definition/web:${revision}`,
      revision,
      status: 'ACTIVE',
    },
    tags: [],
  };
}
