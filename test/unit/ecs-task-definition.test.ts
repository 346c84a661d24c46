import type {
  ContainerDefinition,
  DescribeTaskDefinitionCommandOutput,
  LogConfiguration,
  RegisterTaskDefinitionCommandInput,
  Secret,
  TaskDefinition,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { TargetMisconfigured } from '../../shared/errors.js';
import { containerImage, nextRevision } from '../../shared/targets/ecs/task-definition.js';
import { fixture } from '../support/fixtures.js';

/** A published RegisterTaskDefinition request, as these tests read it: its first container has a log configuration and secrets. */
type RequestSample = RegisterTaskDefinitionCommandInput & {
  containerDefinitions: [
    ContainerDefinition & { logConfiguration: LogConfiguration & { options: Record<string, string> }; secrets: [Secret] },
    ContainerDefinition,
  ];
};
/** The published DescribeTaskDefinition CLI example: two containers, registered at a time (text in the JSON; `new Date` reads either). */
type DescribeSample = DescribeTaskDefinitionCommandOutput & {
  taskDefinition: TaskDefinition & { containerDefinitions: [ContainerDefinition, ContainerDefinition]; registeredAt: Date };
};

const webserver = fixture<RequestSample>('ecs-register-task-definition-request-fargate-webserver');
const secretsTutorial = fixture<RequestSample>('ecs-register-task-definition-request-secrets-tutorial');
const multiContainer = fixture<RequestSample>('ecs-register-task-definition-request-multi-container-dependson');
const cliDescribe = fixture<DescribeSample>('ecs-describe-task-definition-response-cli-example');

const IMAGE_URI = '123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repository-name@sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234';
const SECRET_ARN = 'arn:aws:secretsmanager:us-west-2:123456789012:secret:username_value-u9bH6K';

/** The awslogs block of the published Fargate webserver sample, pointed at this task's log group. */
const awslogs = (prefix: string) => ({
  ...webserver.containerDefinitions[0].logConfiguration,
  options: {
    ...webserver.containerDefinitions[0].logConfiguration.options,
    'awslogs-group': '/ecs/web',
    'awslogs-region': 'us-west-2',
    'awslogs-stream-prefix': prefix,
  },
});

/**
 * What DescribeTaskDefinition (include TAGS) returns for a three-container
 * Fargate task. No such response is published (see test/fixtures/SOURCES.md),
 * so it is assembled from the published samples: the app/envoy pair with
 * dependsOn and the App Mesh proxy, the secrets tutorial's container, the
 * webserver's awslogs and Fargate sizing, and the CLI example's read-only fields.
 */
function describeResponse(): DescribeTaskDefinitionCommandOutput {
  const [app, envoy] = multiContainer.containerDefinitions;
  const secretsContainer = secretsTutorial.containerDefinitions[0];
  return {
    $metadata: { httpStatusCode: 200, requestId: 'b0b6a3a4-6f1c-4b0e-9d55-3c6f0f8a0c11', attempts: 1, totalRetryDelay: 0 },
    taskDefinition: {
      taskDefinitionArn: 'arn:aws:ecs:us-west-2:123456789012:task-definition/web:8',
      containerDefinitions: [
        {
          ...app,
          image: '123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repository-name:v1.4.0',
          secrets: [{ name: 'DB_PASSWORD', valueFrom: `${SECRET_ARN}:password::` }],
          logConfiguration: awslogs('app'),
        },
        { ...envoy, logConfiguration: awslogs('envoy') },
        {
          ...secretsContainer,
          secrets: [{ ...secretsContainer.secrets[0], valueFrom: SECRET_ARN }],
          dependsOn: [{ containerName: 'envoy', condition: 'START' }],
          logConfiguration: awslogs('secrets'),
        },
      ],
      family: 'web',
      taskRoleArn: 'arn:aws:iam::123456789012:role/web-task',
      executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
      networkMode: webserver.networkMode,
      revision: 8,
      volumes: [],
      status: 'ACTIVE',
      requiresAttributes: [
        { name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' },
        { name: 'ecs.capability.execution-role-awslogs' },
        { name: 'ecs.capability.secrets.asm.environment-variables' },
        { name: 'ecs.capability.container-ordering' },
        { name: 'ecs.capability.container-health-check' },
        { name: 'ecs.capability.aws-appmesh' },
        { name: 'ecs.capability.task-eni' },
        { name: 'com.amazonaws.ecs.capability.task-iam-role' },
      ],
      placementConstraints: cliDescribe.taskDefinition.placementConstraints,
      compatibilities: ['EC2', 'FARGATE'],
      requiresCompatibilities: webserver.requiresCompatibilities,
      cpu: '512',
      memory: '1024',
      runtimePlatform: webserver.runtimePlatform,
      proxyConfiguration: multiContainer.proxyConfiguration,
      registeredAt: new Date(cliDescribe.taskDefinition.registeredAt),
      registeredBy: cliDescribe.taskDefinition.registeredBy,
      deregisteredAt: new Date('2025-03-01T09:00:00.000Z'),
    },
    tags: [
      { key: 'team', value: 'payments' },
      { key: 'aws:cloudformation:stack-name', value: 'web-prod' },
      { key: 'cost-center', value: '4711' },
    ],
  };
}

const containers = (r: DescribeTaskDefinitionCommandOutput): ContainerDefinition[] => r.taskDefinition!.containerDefinitions!;

describe('nextRevision', () => {
  it('pins only the target container to the digest and keeps everything a user can write', () => {
    // Prepare
    const current = describeResponse();
    const [app, envoy, secrets] = containers(current);

    // Act
    const next = nextRevision(current, 'app', IMAGE_URI);

    // Assess
    expect(next).toStrictEqual({
      containerDefinitions: [{ ...app, image: IMAGE_URI }, envoy, secrets],
      family: 'web',
      taskRoleArn: 'arn:aws:iam::123456789012:role/web-task',
      executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
      networkMode: 'awsvpc',
      volumes: [],
      placementConstraints: [],
      requiresCompatibilities: ['FARGATE'],
      cpu: '512',
      memory: '1024',
      runtimePlatform: { operatingSystemFamily: 'LINUX' },
      proxyConfiguration: multiContainer.proxyConfiguration,
      tags: [
        { key: 'team', value: 'payments' },
        { key: 'cost-center', value: '4711' },
      ],
    });
  });

  it('changes the image and nothing else in the target container', () => {
    // Prepare
    const current = describeResponse();
    const before = structuredClone(containers(current)[0]!);

    // Act
    const next = nextRevision(current, 'app', IMAGE_URI);

    // Assess
    const { image, ...rest } = next.containerDefinitions![0]!;
    const { image: oldImage, ...restBefore } = before;
    expect(image).toBe(IMAGE_URI);
    expect(oldImage).toBe('123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repository-name:v1.4.0');
    expect(rest).toStrictEqual(restBefore);
    expect(rest.secrets).toStrictEqual([{ name: 'DB_PASSWORD', valueFrom: `${SECRET_ARN}:password::` }]);
    expect(rest.dependsOn).toStrictEqual([{ containerName: 'envoy', condition: 'HEALTHY' }]);
    expect(rest.logConfiguration?.logDriver).toBe('awslogs');
  });

  it('leaves the other containers, with their secrets, logs and dependencies, deep-equal to before', () => {
    // Prepare
    const current = describeResponse();
    const before = structuredClone(containers(current));

    // Act
    const next = nextRevision(current, 'app', IMAGE_URI);

    // Assess
    expect(next.containerDefinitions!.map((c) => c.name)).toEqual(['app', 'envoy', 'ecs-secrets-container']);
    expect(next.containerDefinitions![1]).toStrictEqual(before[1]);
    expect(next.containerDefinitions![2]).toStrictEqual(before[2]);
    expect(next.containerDefinitions![1]!.image).toBe('840364872350.dkr.ecr.region-code.amazonaws.com/aws-appmesh-envoy:v1.15.1.0-prod');
    expect(next.containerDefinitions![2]!.secrets).toStrictEqual([{ name: 'username_value', valueFrom: SECRET_ARN }]);
    expect(next.containerDefinitions![2]!.logConfiguration).toStrictEqual({
      logDriver: 'awslogs',
      options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'us-west-2', 'awslogs-stream-prefix': 'secrets' },
    });
  });

  it('pins a sidecar when the sidecar is the configured container', () => {
    // Prepare
    const current = describeResponse();
    const before = structuredClone(containers(current));

    // Act
    const next = nextRevision(current, 'envoy', IMAGE_URI);

    // Assess
    expect(next.containerDefinitions).toStrictEqual([before[0], { ...before[1], image: IMAGE_URI }, before[2]]);
  });

  it('drops every field RegisterTaskDefinition refuses', () => {
    // Prepare
    const current = describeResponse();

    // Act
    const next = nextRevision(current, 'app', IMAGE_URI);

    // Assess
    for (const key of ['taskDefinitionArn', 'revision', 'status', 'requiresAttributes', 'compatibilities', 'registeredAt', 'registeredBy', 'deregisteredAt']) {
      expect(next, key).not.toHaveProperty(key);
    }
    expect(next).not.toHaveProperty('$metadata');
  });

  it('drops reserved aws: tags whatever their case', () => {
    // Prepare
    const current = describeResponse();
    current.tags = [
      { key: 'AWS:CloudFormation:logical-id', value: 'TaskDef' },
      { key: 'env', value: 'prod' },
      { key: 'Aws:ServiceCatalog:product', value: 'x' },
    ];

    // Act
    const next = nextRevision(current, 'app', IMAGE_URI);

    // Assess
    expect(next.tags).toStrictEqual([{ key: 'env', value: 'prod' }]);
  });

  it('sends no tags key when the task definition has no tags (the published CLI example)', () => {
    // Prepare
    const current = cliDescribe as DescribeTaskDefinitionCommandOutput;

    // Act
    const next = nextRevision(current, 'wordpress', IMAGE_URI);

    // Assess
    expect(next).not.toHaveProperty('tags');
    expect(next).toStrictEqual({
      containerDefinitions: [{ ...cliDescribe.taskDefinition.containerDefinitions[0], image: IMAGE_URI }, cliDescribe.taskDefinition.containerDefinitions[1]],
      family: 'hello_world',
      volumes: [],
      placementConstraints: [],
    });
  });

  it('sends no tags key when only aws: tags exist or tags were not asked for', () => {
    // Prepare
    const onlyReserved = describeResponse();
    onlyReserved.tags = [{ key: 'aws:cloudformation:stack-name', value: 'web-prod' }];
    const noTags = describeResponse();
    delete noTags.tags;

    // Act
    const fromReserved = nextRevision(onlyReserved, 'app', IMAGE_URI);
    const fromNone = nextRevision(noTags, 'app', IMAGE_URI);

    // Assess
    expect(fromReserved).not.toHaveProperty('tags');
    expect(fromNone).not.toHaveProperty('tags');
  });

  it('refuses an unknown container, naming it and listing the ones that exist', () => {
    // Prepare
    const current = describeResponse();

    // Act
    const act = () => nextRevision(current, 'web', IMAGE_URI);

    // Assess
    expect(act).toThrow(TargetMisconfigured);
    expect(act).toThrow('task definition web:8 has no container "web" (it has "app", "envoy", "ecs-secrets-container"); fix target.ecs.container');
  });

  it('refuses a response without a task definition', () => {
    // Prepare
    const empty: DescribeTaskDefinitionCommandOutput = { $metadata: {} };

    // Act
    const act = () => nextRevision(empty, 'app', IMAGE_URI);

    // Assess
    expect(act).toThrow(TargetMisconfigured);
    expect(act).toThrow('DescribeTaskDefinition returned no task definition');
  });

  it('does not mutate the response it was given', () => {
    // Prepare
    const current = describeResponse();
    const before = structuredClone(current);

    // Act
    const next = nextRevision(current, 'app', IMAGE_URI);

    // Assess
    expect(current).toStrictEqual(before);
    expect(containers(current)[0]!.image).toBe('123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repository-name:v1.4.0');
    expect(current.taskDefinition!.taskDefinitionArn).toBe('arn:aws:ecs:us-west-2:123456789012:task-definition/web:8');
    expect(next.containerDefinitions).not.toBe(current.taskDefinition!.containerDefinitions);
  });
});

describe('containerImage', () => {
  it('reads the image of the named container', () => {
    // Prepare
    const current = describeResponse();

    // Act
    const image = containerImage(current, 'envoy');

    // Assess
    expect(image).toBe('840364872350.dkr.ecr.region-code.amazonaws.com/aws-appmesh-envoy:v1.15.1.0-prod');
  });

  it('is undefined for a container that does not exist', () => {
    // Prepare
    const current = cliDescribe as DescribeTaskDefinitionCommandOutput;

    // Act
    const image = containerImage(current, 'app');

    // Assess
    expect(image).toBeUndefined();
  });
});
