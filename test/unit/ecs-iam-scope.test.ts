import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type ContainerDefinition,
  type DescribeTaskDefinitionCommandOutput,
  type RegisterTaskDefinitionCommandInput,
  type Service,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../shared/config/load.js';
import { TargetMisconfigured } from '../../shared/errors.js';
import { parseEcrPushEvent } from '../../shared/events/ecr-push.js';
import { releaseFromPush } from '../../shared/release/release.js';
import { ecsTarget } from '../../shared/targets/ecs/ecs-target.js';
import { fixture } from '../support/fixtures.js';

// The deploy role may register revisions of the configured task-definition
// family only, and pass only the roles the service declares (issue #11, item
// 13). A service whose task definition is outside that scope is refused
// before anything changes, with the key to fix, instead of an AccessDenied
// halfway through the deploy.

const release = releaseFromPush(parseEcrPushEvent(fixture('eventbridge-ecr-image-action-push-success')));
const NOW = new Date('2025-02-21T19:26:00.000Z');
const TASK_ROLE = 'arn:aws:iam::123456789012:role/web-task';
const EXECUTION_ROLE = 'arn:aws:iam::123456789012:role/service-role/ecsTaskExecutionRole';

const ecsConfig = (extra = '') =>
  parseConfigText(
    `services:\n  - name: web\n    image: { repository: my-repository-name }\n    target:\n      ecs: { cluster: prod, service: web, container: app${extra} }\n`,
    'inline.yml',
  ).services[0]!.target.ecs!;

/** The service's task definition: the published Fargate web server sample, in family `family` at revision 8, with the given roles. */
function current(family: string, roles: { taskRoleArn?: string; executionRoleArn?: string }): DescribeTaskDefinitionCommandOutput {
  const { taskRoleArn, executionRoleArn, ...sample } = fixture<RegisterTaskDefinitionCommandInput & { containerDefinitions: [ContainerDefinition] }>(
    'ecs-register-task-definition-request-fargate-webserver',
  );
  void taskRoleArn;
  void executionRoleArn;
  return {
    $metadata: {},
    taskDefinition: {
      ...sample,
      ...roles,
      family,
      containerDefinitions: [{ ...sample.containerDefinitions[0], name: 'app', image: 'public.ecr.aws/docker/library/httpd:latest' }],
      taskDefinitionArn: `arn:aws:ecs:us-west-2:123456789012:task-definition/${family}:8`,
      revision: 8,
      status: 'ACTIVE',
    },
    tags: [],
  };
}

const running = (family: string): Service => ({
  serviceName: 'web',
  status: 'ACTIVE',
  taskDefinition: `arn:aws:ecs:us-west-2:123456789012:task-definition/${family}:8`,
  deploymentController: { type: 'ECS' },
  deployments: [
    { id: 'ecs-svc/1', status: 'PRIMARY', taskDefinition: `arn:aws:ecs:us-west-2:123456789012:task-definition/${family}:8`, rolloutState: 'COMPLETED' },
  ],
});

const ecsMock = mockClient(ECSClient);
const sent = () => ecsMock.calls().map((call) => (call.args[0] as object).constructor);

function world(family: string, roles: { taskRoleArn?: string; executionRoleArn?: string }) {
  ecsMock.on(DescribeServicesCommand).resolves({ services: [running(family)], failures: [] });
  ecsMock.on(DescribeTaskDefinitionCommand).resolves(current(family, roles));
  ecsMock
    .on(RegisterTaskDefinitionCommand)
    .resolves({ taskDefinition: { taskDefinitionArn: `arn:aws:ecs:us-west-2:123456789012:task-definition/${family}:9` } });
  ecsMock.on(UpdateServiceCommand).resolves({
    service: {
      ...running(family),
      deployments: [
        { id: 'ecs-svc/2', status: 'PRIMARY', taskDefinition: `arn:aws:ecs:us-west-2:123456789012:task-definition/${family}:9`, rolloutState: 'IN_PROGRESS' },
      ],
    },
  });
}

beforeEach(() => {
  ecsMock.reset();
});

describe('ecsTarget.deploy within the deploy role', () => {
  it('deploys a service whose family and roles are the declared ones (roles by name, path included)', async () => {
    // Prepare
    world('web', { taskRoleArn: TASK_ROLE, executionRoleArn: EXECUTION_ROLE });
    const config = ecsConfig(', roles: { task: web-task, execution: service-role/ecsTaskExecutionRole }');

    // Act
    const deployment = await ecsTarget(new ECSClient({}), config).deploy(release, NOW);

    // Assess
    expect(deployment.revision).toBe('arn:aws:ecs:us-west-2:123456789012:task-definition/web:9');
    expect(sent()).toEqual([DescribeServicesCommand, DescribeTaskDefinitionCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand]);
    expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input).toMatchObject({
      family: 'web',
      taskRoleArn: TASK_ROLE,
      executionRoleArn: EXECUTION_ROLE,
    });
  });

  it('deploys with roles given as ARNs', async () => {
    // Prepare
    world('web-td', { taskRoleArn: TASK_ROLE, executionRoleArn: EXECUTION_ROLE });
    const config = ecsConfig(`, family: web-td, roles: { task: "${TASK_ROLE}", execution: "${EXECUTION_ROLE}" }`);

    // Act
    await ecsTarget(new ECSClient({}), config).deploy(release, NOW);

    // Assess
    expect(sent()).toEqual([DescribeServicesCommand, DescribeTaskDefinitionCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand]);
  });

  it('refuses a service running another family than target.ecs.family (default: the service name), before registering anything', async () => {
    // Prepare
    world('web-td', { taskRoleArn: TASK_ROLE, executionRoleArn: EXECUTION_ROLE });

    // Act
    const deploy = ecsTarget(new ECSClient({}), ecsConfig()).deploy(release, NOW);

    // Assess
    await expect(deploy).rejects.toThrow(TargetMisconfigured);
    await expect(deploy).rejects.toThrow(
      'ECS service prod/web runs task definition family "web-td", but target.ecs.family is "web" (the service name unless set): Shipwatch may only register revisions of the configured family; set target.ecs.family: web-td',
    );
    expect(sent()).toEqual([DescribeServicesCommand, DescribeTaskDefinitionCommand]);
  });

  it('refuses a task role other than target.ecs.roles.task', async () => {
    // Prepare
    world('web', { taskRoleArn: 'arn:aws:iam::123456789012:role/admin', executionRoleArn: EXECUTION_ROLE });
    const config = ecsConfig(', roles: { task: web-task, execution: service-role/ecsTaskExecutionRole }');

    // Act
    const deploy = ecsTarget(new ECSClient({}), config).deploy(release, NOW);

    // Assess
    await expect(deploy).rejects.toThrow(
      'ECS service prod/web: task definition web:8 has task role arn:aws:iam::123456789012:role/admin, but target.ecs.roles.task is web-task: Shipwatch may only pass the declared roles; fix target.ecs.roles.task',
    );
    expect(sent()).toEqual([DescribeServicesCommand, DescribeTaskDefinitionCommand]);
  });

  it('refuses an execution role where target.ecs.roles declares none', async () => {
    // Prepare
    world('web', { executionRoleArn: EXECUTION_ROLE });

    // Act
    const deploy = ecsTarget(new ECSClient({}), ecsConfig(', roles: {}')).deploy(release, NOW);

    // Assess
    await expect(deploy).rejects.toThrow(
      `ECS service prod/web: task definition web:8 has execution role ${EXECUTION_ROLE}, but target.ecs.roles.execution is not set: Shipwatch may only pass the declared roles; fix target.ecs.roles.execution`,
    );
    expect(sent()).toEqual([DescribeServicesCommand, DescribeTaskDefinitionCommand]);
  });

  it('does not check roles a service does not declare (its deploy role may pass any role to ECS tasks)', async () => {
    // Prepare
    world('web', { taskRoleArn: 'arn:aws:iam::123456789012:role/anything', executionRoleArn: EXECUTION_ROLE });

    // Act
    await ecsTarget(new ECSClient({}), ecsConfig()).deploy(release, NOW);

    // Assess
    expect(sent()).toEqual([DescribeServicesCommand, DescribeTaskDefinitionCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand]);
  });
});

describe('target.ecs.family and target.ecs.roles in shipwatch.yml', () => {
  it('defaults the family to the service name', () => {
    // Act / Assess
    expect(ecsConfig().family).toBe('web');
    expect(ecsConfig().roles).toBeUndefined();
  });

  it('refuses what is not a family or a role', () => {
    // Act
    const parse = () => ecsConfig(', family: "web:8", roles: { task: "role with spaces", execution: "arn:aws:iam::123:role/x", admin: x }');

    // Assess
    expect(parse).toThrow(/services\[0\]\.target\.ecs\.family: a task-definition family/);
    expect(parse).toThrow(/services\[0\]\.target\.ecs\.roles\.task: an IAM role name/);
    expect(parse).toThrow(/services\[0\]\.target\.ecs\.roles\.execution: an IAM role name/);
    expect(parse).toThrow(/services\[0\]\.target\.ecs\.roles\.admin: unknown key/);
  });

  it('suggests the key a typo meant', () => {
    // Act / Assess
    expect(() => ecsConfig(', famly: web')).toThrow('services[0].target.ecs.famly: unknown key (did you mean "family"?)');
  });
});
