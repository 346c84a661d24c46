import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type ContainerDefinition,
  type Deployment,
  type DeploymentRolloutState,
  type DescribeTaskDefinitionCommandOutput,
  type RegisterTaskDefinitionCommandInput,
  type Service,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../shared/config/load.js';
import { parseEcrPushEvent } from '../../shared/events/ecr-push.js';
import { RollbackFailed, RolloutFailed, TargetMisconfigured } from '../../shared/errors.js';
import { releaseFromPush } from '../../shared/release/release.js';
import { ecsRolloutStatus } from '../../shared/targets/ecs/rollout-status.js';
import { ecsTarget } from '../../shared/targets/ecs/ecs-target.js';
import { fixture } from '../support/fixtures.js';

const config = parseConfigText(
  `
services:
  - name: web
    image:
      repository: my-repository-name
    target:
      ecs:
        cluster: prod
        service: web
        container: app
`,
  'inline.yml',
);
const ecsConfig = config.services[0]!.target.ecs;

// The published ECR push: 123456789012, us-west-2, my-repository-name@sha256:7f5b…
const release = releaseFromPush(parseEcrPushEvent(fixture('eventbridge-ecr-image-action-push-success')));
const DIGEST_URI = '123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repository-name@sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234';
const TAG_URI = '123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repository-name:v1.4.0';

const CURRENT = 'arn:aws:ecs:us-west-2:123456789012:task-definition/web:8';
const NEW = 'arn:aws:ecs:us-west-2:123456789012:task-definition/web:9';
const OLD_DEPLOYMENT = 'ecs-svc/1709597507655421668';
const NEW_DEPLOYMENT = 'ecs-svc/7419115625193919142';
const NOW = new Date('2025-02-21T19:26:00.000Z');

/** The published in-progress UpdateService response, as our prod/web service. */
function service(
  taskDefinition: string,
  deployments: Array<{ id: string; status: string; taskDefinition: string; rolloutState: DeploymentRolloutState }>,
): Service {
  const s = fixture<{ service: Service & { deployments: [Deployment, Deployment] } }>('ecs-update-service-response-rollout-in-progress').service;
  const [primary, active] = s.deployments;
  return {
    ...s,
    serviceArn: 'arn:aws:ecs:us-west-2:123456789012:service/prod/web',
    serviceName: 'web',
    clusterArn: 'arn:aws:ecs:us-west-2:123456789012:cluster/prod',
    taskDefinition,
    deployments: deployments.map((d) => ({
      ...(d.status === 'PRIMARY' ? primary : active),
      ...d,
      rolloutStateReason: `ECS deployment ${d.id} ${d.rolloutState === 'COMPLETED' ? 'completed' : 'in progress'}.`,
    })),
  };
}

/** Before the deploy: web:8 alone, rolled out. */
const steady = () => service(CURRENT, [{ id: OLD_DEPLOYMENT, status: 'PRIMARY', taskDefinition: CURRENT, rolloutState: 'COMPLETED' }]);
/** Just after UpdateService: web:9 rolling out, web:8 still ACTIVE. */
const rollingOut = () =>
  service(NEW, [
    { id: NEW_DEPLOYMENT, status: 'PRIMARY', taskDefinition: NEW, rolloutState: 'IN_PROGRESS' },
    { id: OLD_DEPLOYMENT, status: 'ACTIVE', taskDefinition: CURRENT, rolloutState: 'COMPLETED' },
  ]);

/** DescribeTaskDefinition for web:<revision>: the published app + envoy (dependsOn) sample with the CLI example's read-only fields. */
function taskDefinition(revision: number, appImage: string): DescribeTaskDefinitionCommandOutput {
  const sample = fixture<RegisterTaskDefinitionCommandInput & { containerDefinitions: [ContainerDefinition, ContainerDefinition] }>(
    'ecs-register-task-definition-request-multi-container-dependson',
  );
  const cli = fixture<{ taskDefinition: { registeredAt: string; registeredBy: string } }>('ecs-describe-task-definition-response-cli-example');
  return {
    $metadata: {},
    taskDefinition: {
      ...sample,
      family: 'web',
      containerDefinitions: [{ ...sample.containerDefinitions[0], image: appImage }, sample.containerDefinitions[1]],
      taskDefinitionArn: `arn:aws:ecs:us-west-2:123456789012:task-definition/web:${revision}`,
      revision,
      status: 'ACTIVE',
      compatibilities: ['EC2', 'FARGATE'],
      requiresAttributes: [{ name: 'ecs.capability.container-ordering' }],
      registeredAt: new Date(cli.taskDefinition.registeredAt),
      registeredBy: cli.taskDefinition.registeredBy,
    },
    tags: [
      { key: 'team', value: 'payments' },
      { key: 'aws:cloudformation:stack-name', value: 'web-prod' },
    ],
  };
}

const ecsMock = mockClient(ECSClient);
const target = () => ecsTarget(new ECSClient({}), ecsConfig!);
/** Every command sent, in order, as [command class, input]. */
const sent = () =>
  ecsMock.calls().map((call) => {
    const command = call.args[0] as { constructor: unknown; input: unknown };
    return [command.constructor, command.input];
  });

beforeEach(() => {
  ecsMock.reset();
});

describe('ecsTarget', () => {
  it('is labelled with cluster and service', () => {
    // Prepare / Act
    const label = target().label;

    // Assess
    expect(label).toBe('ECS service prod/web');
  });

  it('is woken by the deployment events of its service: ecs:<cluster>/<service>', () => {
    // Prepare / Act
    const keys = target().wakeKeys;

    // Assess
    expect(keys).toEqual(['ecs:prod/web']);
  });

  describe('deploy', () => {
    it('registers a digest-pinned revision and points the service at it', async () => {
      // Prepare
      const current = taskDefinition(8, TAG_URI);
      ecsMock.on(DescribeServicesCommand).resolves({ services: [steady()], failures: [] });
      ecsMock.on(DescribeTaskDefinitionCommand).resolves(current);
      ecsMock.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { ...taskDefinition(9, DIGEST_URI).taskDefinition } });
      ecsMock.on(UpdateServiceCommand).resolves({ service: rollingOut() });

      // Act
      const deployment = await target().deploy(release, NOW);

      // Assess
      expect(release.imageUri).toBe(DIGEST_URI);
      const { taskDefinitionArn, revision, status, compatibilities, requiresAttributes, registeredAt, registeredBy, ...writable } = current.taskDefinition!;
      expect(sent()).toStrictEqual([
        [DescribeServicesCommand, { cluster: 'prod', services: ['web'] }],
        [DescribeTaskDefinitionCommand, { taskDefinition: CURRENT, include: ['TAGS'] }],
        [
          RegisterTaskDefinitionCommand,
          {
            ...writable,
            containerDefinitions: [
              { ...current.taskDefinition!.containerDefinitions![0], image: DIGEST_URI },
              current.taskDefinition!.containerDefinitions![1],
            ],
            tags: [{ key: 'team', value: 'payments' }],
          },
        ],
        [UpdateServiceCommand, { cluster: 'prod', service: 'web', taskDefinition: NEW }],
      ]);
      expect(deployment).toStrictEqual({
        platform: 'ecs',
        previousRevision: CURRENT,
        revision: NEW,
        deploymentId: NEW_DEPLOYMENT,
        startedAt: '2025-02-21T19:26:00.000Z',
        alreadyRunning: false,
      });
    });

    it('registers the image as <registry>/<repository>@<digest>, never the tag', async () => {
      // Prepare
      ecsMock.on(DescribeServicesCommand).resolves({ services: [steady()] });
      ecsMock.on(DescribeTaskDefinitionCommand).resolves(taskDefinition(8, TAG_URI));
      ecsMock.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: NEW } });
      ecsMock.on(UpdateServiceCommand).resolves({ service: rollingOut() });

      // Act
      await target().deploy(release, NOW);

      // Assess
      const input = ecsMock.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input;
      expect(input.containerDefinitions!.find((c) => c.name === 'app')!.image).toBe(`${release.registry}/${release.repository}@${release.digest}`);
      expect(input.containerDefinitions!.find((c) => c.name === 'app')!.image).not.toContain(':latest');
    });

    it('refuses a missing service and changes nothing', async () => {
      // Prepare
      ecsMock.on(DescribeServicesCommand).resolves({
        services: [],
        failures: [{ arn: 'arn:aws:ecs:us-west-2:123456789012:service/prod/web', reason: 'MISSING' }],
      });

      // Act
      const act = target().deploy(release, NOW);

      // Assess
      await expect(act).rejects.toThrow(TargetMisconfigured);
      await expect(act).rejects.toThrow('ECS service prod/web: MISSING; check target.ecs.cluster and target.ecs.service');
      expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
      expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    });

    it('refuses a DRAINING service', async () => {
      // Prepare
      ecsMock.on(DescribeServicesCommand).resolves({ services: [{ ...steady(), status: 'DRAINING' }] });

      // Act
      const act = target().deploy(release, NOW);

      // Assess
      await expect(act).rejects.toThrow(TargetMisconfigured);
      await expect(act).rejects.toThrow('ECS service prod/web is DRAINING, not ACTIVE');
      expect(sent()).toStrictEqual([[DescribeServicesCommand, { cluster: 'prod', services: ['web'] }]]);
    });

    it('refuses a service with the CODE_DEPLOY controller', async () => {
      // Prepare
      ecsMock.on(DescribeServicesCommand).resolves({ services: [{ ...steady(), deploymentController: { type: 'CODE_DEPLOY' } }] });

      // Act
      const act = target().deploy(release, NOW);

      // Assess
      await expect(act).rejects.toThrow(TargetMisconfigured);
      await expect(act).rejects.toThrow(
        'ECS service prod/web uses the CODE_DEPLOY deployment controller; Shipwatch deploys services with the ECS (rolling update) controller',
      );
      expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
      expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    });

    it('refuses a task definition without the configured container and changes nothing', async () => {
      // Prepare
      const current = taskDefinition(8, TAG_URI);
      current.taskDefinition!.containerDefinitions![0]!.name = 'web';
      ecsMock.on(DescribeServicesCommand).resolves({ services: [steady()] });
      ecsMock.on(DescribeTaskDefinitionCommand).resolves(current);

      // Act
      const act = target().deploy(release, NOW);

      // Assess
      await expect(act).rejects.toThrow('task definition web:8 has no container "app" (it has "web", "envoy"); fix target.ecs.container');
      expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
      expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    });

    it('on a retry after UpdateService went through, adopts that deployment instead of updating twice', async () => {
      // Prepare
      ecsMock.on(DescribeServicesCommand).resolves({ services: [rollingOut()] });
      ecsMock.on(DescribeTaskDefinitionCommand).resolves(taskDefinition(9, DIGEST_URI));

      // Act
      const deployment = await target().deploy(release, NOW);

      // Assess
      expect(sent()).toStrictEqual([
        [DescribeServicesCommand, { cluster: 'prod', services: ['web'] }],
        [DescribeTaskDefinitionCommand, { taskDefinition: NEW, include: ['TAGS'] }],
      ]);
      expect(deployment).toStrictEqual({
        platform: 'ecs',
        previousRevision: CURRENT,
        revision: NEW,
        deploymentId: NEW_DEPLOYMENT,
        startedAt: '2025-02-21T19:26:00.000Z',
        alreadyRunning: false,
      });
    });

    it('reports alreadyRunning and writes nothing when the service already runs the digest alone', async () => {
      // Prepare
      const running = service(NEW, [{ id: NEW_DEPLOYMENT, status: 'PRIMARY', taskDefinition: NEW, rolloutState: 'COMPLETED' }]);
      ecsMock.on(DescribeServicesCommand).resolves({ services: [running] });
      ecsMock.on(DescribeTaskDefinitionCommand).resolves(taskDefinition(9, DIGEST_URI));

      // Act
      const deployment = await target().deploy(release, NOW);

      // Assess
      expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
      expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(0);
      expect(deployment).toStrictEqual({
        platform: 'ecs',
        previousRevision: NEW,
        revision: NEW,
        deploymentId: NEW_DEPLOYMENT,
        startedAt: '2025-02-21T19:26:00.000Z',
        alreadyRunning: true,
      });
    });

    it('does not follow a PRIMARY deployment that runs another revision than the one it registered', async () => {
      // Prepare: the service ECS answers with is led by someone else's web:10.
      const theirs = 'arn:aws:ecs:us-west-2:123456789012:task-definition/web:10';
      ecsMock.on(DescribeServicesCommand).resolves({ services: [steady()] });
      ecsMock.on(DescribeTaskDefinitionCommand).resolves(taskDefinition(8, TAG_URI));
      ecsMock.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: NEW } });
      ecsMock.on(UpdateServiceCommand).resolves({
        service: service(theirs, [
          { id: 'ecs-svc/2222222222222222222', status: 'PRIMARY', taskDefinition: theirs, rolloutState: 'IN_PROGRESS' },
          { id: NEW_DEPLOYMENT, status: 'ACTIVE', taskDefinition: NEW, rolloutState: 'IN_PROGRESS' },
        ]),
      });

      // Act
      const act = target().deploy(release, NOW);

      // Assess
      await expect(act).rejects.toThrow(RolloutFailed);
      await expect(act).rejects.toThrow(
        `UpdateService on ECS service prod/web: the PRIMARY deployment ecs-svc/2222222222222222222 (${theirs}, IN_PROGRESS) does not run ${NEW}; not following it`,
      );
      expect(sent().map(([command]) => command)).toEqual([
        DescribeServicesCommand,
        DescribeTaskDefinitionCommand,
        RegisterTaskDefinitionCommand,
        UpdateServiceCommand,
      ]);
    });

    it('on a retry, does not adopt a PRIMARY deployment that does not run the revision carrying the digest', async () => {
      // Prepare: the service names web:9 (our digest), but its PRIMARY deployment runs web:8.
      ecsMock
        .on(DescribeServicesCommand)
        .resolves({ services: [service(NEW, [{ id: OLD_DEPLOYMENT, status: 'PRIMARY', taskDefinition: CURRENT, rolloutState: 'COMPLETED' }])] });
      ecsMock.on(DescribeTaskDefinitionCommand).resolves(taskDefinition(9, DIGEST_URI));

      // Act
      const act = target().deploy(release, NOW);

      // Assess
      await expect(act).rejects.toThrow(
        `DescribeServices on ECS service prod/web: the PRIMARY deployment ${OLD_DEPLOYMENT} (${CURRENT}, COMPLETED) does not run ${NEW}; not following it`,
      );
      expect(sent()).toStrictEqual([
        [DescribeServicesCommand, { cluster: 'prod', services: ['web'] }],
        [DescribeTaskDefinitionCommand, { taskDefinition: NEW, include: ['TAGS'] }],
      ]);
    });

    it('fails when UpdateService returns no PRIMARY deployment', async () => {
      // Prepare
      ecsMock.on(DescribeServicesCommand).resolves({ services: [steady()] });
      ecsMock.on(DescribeTaskDefinitionCommand).resolves(taskDefinition(8, TAG_URI));
      ecsMock.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: NEW } });
      ecsMock.on(UpdateServiceCommand).resolves({ service: { ...rollingOut(), deployments: [] } });

      // Act
      const act = target().deploy(release, NOW);

      // Assess
      await expect(act).rejects.toThrow('UpdateService on ECS service prod/web returned no PRIMARY deployment');
    });
  });

  describe('rollback', () => {
    it('points the service back at the exact previous revision', async () => {
      // Prepare
      const rollback = service(CURRENT, [
        { id: 'ecs-svc/5830149223018863412', status: 'PRIMARY', taskDefinition: CURRENT, rolloutState: 'IN_PROGRESS' },
        { id: NEW_DEPLOYMENT, status: 'ACTIVE', taskDefinition: NEW, rolloutState: 'COMPLETED' },
      ]);
      ecsMock.on(DescribeServicesCommand).resolves({ services: [rollingOut()] });
      ecsMock.on(UpdateServiceCommand).resolves({ service: rollback });

      // Act
      const start = await target().rollback(CURRENT, NOW);

      // Assess
      expect(sent()).toStrictEqual([
        [DescribeServicesCommand, { cluster: 'prod', services: ['web'] }],
        [UpdateServiceCommand, { cluster: 'prod', service: 'web', taskDefinition: CURRENT }],
      ]);
      expect(start).toStrictEqual({ revision: CURRENT, deploymentId: 'ecs-svc/5830149223018863412', startedAt: '2025-02-21T19:26:00.000Z', adopted: false });
    });

    it('does not adopt a FAILED deployment of the previous revision: it forces a new one (ECS starts none for an unchanged task definition)', async () => {
      // Prepare: a deployment of web:8 is PRIMARY, and it failed.
      const failed = service(CURRENT, [
        { id: 'ecs-svc/5830149223018863412', status: 'PRIMARY', taskDefinition: CURRENT, rolloutState: 'FAILED' },
        { id: NEW_DEPLOYMENT, status: 'ACTIVE', taskDefinition: NEW, rolloutState: 'COMPLETED' },
      ]);
      const forced = service(CURRENT, [
        { id: 'ecs-svc/6000000000000000001', status: 'PRIMARY', taskDefinition: CURRENT, rolloutState: 'IN_PROGRESS' },
        { id: NEW_DEPLOYMENT, status: 'ACTIVE', taskDefinition: NEW, rolloutState: 'COMPLETED' },
      ]);
      ecsMock.on(DescribeServicesCommand).resolves({ services: [failed] });
      ecsMock.on(UpdateServiceCommand).resolves({ service: forced });

      // Act
      const start = await target().rollback(CURRENT, NOW);

      // Assess
      expect(sent()).toStrictEqual([
        [DescribeServicesCommand, { cluster: 'prod', services: ['web'] }],
        [UpdateServiceCommand, { cluster: 'prod', service: 'web', taskDefinition: CURRENT, forceNewDeployment: true }],
      ]);
      expect(start).toStrictEqual({ revision: CURRENT, deploymentId: 'ecs-svc/6000000000000000001', startedAt: '2025-02-21T19:26:00.000Z', adopted: false });
    });

    it('with the previous revision already COMPLETED, sends a plain UpdateService and follows what ECS answers', async () => {
      // Prepare: someone already rolled back, and it finished; ECS changes nothing for the same task definition.
      const done = service(CURRENT, [{ id: 'ecs-svc/5830149223018863412', status: 'PRIMARY', taskDefinition: CURRENT, rolloutState: 'COMPLETED' }]);
      ecsMock.on(DescribeServicesCommand).resolves({ services: [done] });
      ecsMock.on(UpdateServiceCommand).resolves({ service: done });

      // Act
      const start = await target().rollback(CURRENT, NOW);

      // Assess
      expect(sent()).toStrictEqual([
        [DescribeServicesCommand, { cluster: 'prod', services: ['web'] }],
        [UpdateServiceCommand, { cluster: 'prod', service: 'web', taskDefinition: CURRENT }],
      ]);
      expect(start).toMatchObject({ deploymentId: 'ecs-svc/5830149223018863412', adopted: false });
    });

    it('does not follow an UpdateService answer whose PRIMARY deployment runs another revision', async () => {
      // Prepare
      ecsMock.on(DescribeServicesCommand).resolves({ services: [rollingOut()] });
      ecsMock.on(UpdateServiceCommand).resolves({ service: rollingOut() });

      // Act
      const act = target().rollback(CURRENT, NOW);

      // Assess
      await expect(act).rejects.toThrow(RollbackFailed);
      await expect(act).rejects.toThrow(
        `UpdateService (rollback) on ECS service prod/web: the PRIMARY deployment ${NEW_DEPLOYMENT} (${NEW}, IN_PROGRESS) does not run ${CURRENT}; not following it`,
      );
    });

    it('adopts the rollback ECS already started (circuit breaker) and sends no UpdateService', async () => {
      // Prepare
      const rolledBack = service(CURRENT, [
        { id: 'ecs-svc/5830149223018863412', status: 'PRIMARY', taskDefinition: CURRENT, rolloutState: 'IN_PROGRESS' },
        { id: NEW_DEPLOYMENT, status: 'ACTIVE', taskDefinition: NEW, rolloutState: 'FAILED' },
      ]);
      ecsMock.on(DescribeServicesCommand).resolves({ services: [rolledBack] });

      // Act
      const start = await target().rollback(CURRENT, NOW);

      // Assess
      expect(sent()).toStrictEqual([[DescribeServicesCommand, { cluster: 'prod', services: ['web'] }]]);
      expect(start).toStrictEqual({ revision: CURRENT, deploymentId: 'ecs-svc/5830149223018863412', startedAt: '2025-02-21T19:26:00.000Z', adopted: true });
    });
  });

  describe('status', () => {
    it('is ecsRolloutStatus of the service DescribeServices returns', async () => {
      // Prepare
      const described = rollingOut();
      ecsMock.on(DescribeServicesCommand).resolves({ services: [described] });

      // Act
      const status = await target().status({ deploymentId: NEW_DEPLOYMENT, revision: NEW, revertRevision: CURRENT, since: new Date(0) });

      // Assess
      expect(sent()).toStrictEqual([[DescribeServicesCommand, { cluster: 'prod', services: ['web'] }]]);
      expect(status).toStrictEqual(ecsRolloutStatus(described, NEW_DEPLOYMENT, CURRENT));
      expect(status).toStrictEqual({ state: 'in_progress', detail: `${NEW_DEPLOYMENT} IN_PROGRESS: 0/0 tasks running, 0 failed` });
    });

    it('passes the revert revision through, so an ECS rollback reads as failed', async () => {
      // Prepare
      const rolledBack = service(CURRENT, [
        { id: 'ecs-svc/5830149223018863412', status: 'PRIMARY', taskDefinition: CURRENT, rolloutState: 'IN_PROGRESS' },
        { id: NEW_DEPLOYMENT, status: 'ACTIVE', taskDefinition: NEW, rolloutState: 'FAILED' },
      ]);
      ecsMock.on(DescribeServicesCommand).resolves({ services: [rolledBack] });

      // Act
      const status = await target().status({ deploymentId: NEW_DEPLOYMENT, revision: NEW, revertRevision: CURRENT, since: new Date(0) });

      // Assess
      expect(status).toStrictEqual(ecsRolloutStatus(rolledBack, NEW_DEPLOYMENT, CURRENT));
      expect(status).toMatchObject({ state: 'failed', rollingBackId: 'ecs-svc/5830149223018863412' });
    });
  });
});
