import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { RolloutFailed, TargetMisconfigured } from '../../shared/errors.js';
import { parseEcrPushEvent } from '../../shared/events/ecr-push.js';
import { recordIdOf } from '../../shared/records/keys.js';
import { releaseFromPush } from '../../shared/release/release.js';
import type { ServiceConfig } from '../../shared/config/schema.js';
import { ecsTarget } from '../../shared/targets/ecs/ecs-target.js';
import {
  ALTERNATE_TG,
  CURRENT,
  DEPLOYMENT,
  deployment,
  ELB_ROLE,
  fixture,
  HOOK,
  NEW,
  NEWER_DEPLOYMENT,
  PRIMARY_TG,
  PRODUCTION_RULE,
  revisions,
  service,
  serviceConfig,
  taskDefinition,
} from '../support/ecs-progressive.js';

// Deploying with ECS's own canary, linear and blue/green engine: the exact
// commands sent, and how a retried step, a rollback and a look behave.

const release = releaseFromPush(parseEcrPushEvent(fixture('eventbridge-ecr-image-action-push-success')));
const DIGEST_URI = release.imageUri;
const TAG_URI = '123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repository-name:v1.4.0';
const NOW = new Date('2026-05-06T16:00:00.000Z');

const ecsMock = mockClient(ECSClient);
const target = (config: ServiceConfig) => ecsTarget(new ECSClient({}), config.target.ecs!, { service: config, hook: () => HOOK });
const sent = () => ecsMock.calls().map((call) => (call.args[0] as { constructor: { name: string } }).constructor.name);

beforeEach(() => {
  ecsMock.reset();
});

function deployable(updated = service(NEW)) {
  ecsMock.on(DescribeServicesCommand).resolves({
    services: [
      service(CURRENT, { deployments: [{ id: 'ecs-svc/1709597507655421668', status: 'PRIMARY', taskDefinition: CURRENT, rolloutState: 'COMPLETED' }] }),
    ],
  });
  ecsMock.on(DescribeTaskDefinitionCommand).resolves(taskDefinition(8, TAG_URI));
  ecsMock.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: NEW } });
  ecsMock.on(UpdateServiceCommand).resolves({ service: updated });
}

describe('deploy with a progressive strategy', () => {
  it('a canary: UpdateService carries CANARY, ECS bakes nothing between steps, the hook judges each step', async () => {
    // Prepare
    deployable();
    const config = serviceConfig('{ type: canary, percent: 10, bakeMinutes: 5 }');

    // Act
    const deployed = await target(config).deploy(release, NOW);

    // Assess
    expect(sent()).toEqual(['DescribeServicesCommand', 'DescribeTaskDefinitionCommand', 'RegisterTaskDefinitionCommand', 'UpdateServiceCommand']);
    expect(ecsMock.commandCalls(UpdateServiceCommand)[0]!.args[0].input).toStrictEqual({
      cluster: 'prod',
      service: 'web',
      taskDefinition: NEW,
      deploymentConfiguration: {
        maximumPercent: 200,
        minimumHealthyPercent: 100,
        strategy: 'CANARY',
        bakeTimeInMinutes: 10,
        canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 0 },
        lifecycleHooks: [
          {
            targetType: 'AWS_LAMBDA',
            hookTargetArn: HOOK.functionArn,
            roleArn: HOOK.roleArn,
            lifecycleStages: ['PRODUCTION_TRAFFIC_SHIFT'],
            hookDetails: { shipwatchService: 'web', recordId: recordIdOf(release) },
            timeoutConfiguration: { timeoutInMinutes: 20, action: 'ROLLBACK' },
          },
        ],
      },
    });
    expect(deployed).toStrictEqual({
      platform: 'ecs',
      previousRevision: CURRENT,
      revision: NEW,
      deploymentId: DEPLOYMENT,
      startedAt: NOW.toISOString(),
      alreadyRunning: false,
    });
    expect(ecsMock.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input.containerDefinitions![0]!.image).toBe(DIGEST_URI);
  });

  it('a linear rollout with a pause: a PAUSE hook before each step, and the hook at that stage too (it lets the first one go)', async () => {
    deployable();
    const config = serviceConfig(
      '{ type: linear, stepPercent: 25, bakeMinutes: 4, pause: true }',
      '    approval: { required: false, channel: C0123DEPLOYS, approvers: [U0ALICE], timeoutMinutes: 30 }',
    );

    await target(config).deploy(release, NOW);

    const configuration = ecsMock.commandCalls(UpdateServiceCommand)[0]!.args[0].input.deploymentConfiguration!;
    expect(configuration.strategy).toBe('LINEAR');
    expect(configuration.linearConfiguration).toStrictEqual({ stepPercent: 25, stepBakeTimeInMinutes: 0 });
    expect(configuration.lifecycleHooks).toStrictEqual([
      expect.objectContaining({
        targetType: 'AWS_LAMBDA',
        lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT'],
        timeoutConfiguration: { timeoutInMinutes: 19, action: 'ROLLBACK' },
      }),
      // The approval's 30 minutes plus the grace: Shipwatch's own expiry aborts first.
      { targetType: 'PAUSE', lifecycleStages: ['PRE_PRODUCTION_TRAFFIC_SHIFT'], timeoutConfiguration: { timeoutInMinutes: 45, action: 'ROLLBACK' } },
    ]);
  });

  it("blue/green with a test-traffic bake: the hook at POST_TEST_TRAFFIC_SHIFT; the service owner's own hooks are kept", async () => {
    const theirs = {
      targetType: 'AWS_LAMBDA' as const,
      hookTargetArn: 'arn:aws:lambda:us-west-2:123456789012:function:smoke-tests',
      roleArn: HOOK.roleArn,
      lifecycleStages: ['POST_SCALE_UP' as const],
    };
    const withTest = service(CURRENT, {
      loadBalancers: [
        {
          targetGroupArn: PRIMARY_TG,
          containerName: 'app',
          containerPort: 8080,
          advancedConfiguration: {
            alternateTargetGroupArn: ALTERNATE_TG,
            productionListenerRule: PRODUCTION_RULE,
            testListenerRule: `${PRODUCTION_RULE}-test`,
            roleArn: ELB_ROLE,
          },
        },
      ],
      deploymentConfiguration: { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 5, canaryBakeTimeInMinutes: 10 }, lifecycleHooks: [theirs] },
      deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY', taskDefinition: CURRENT, rolloutState: 'COMPLETED' }],
    });
    deployable();
    ecsMock.on(DescribeServicesCommand).resolves({ services: [withTest] });

    await target(serviceConfig('{ type: blueGreen, testTrafficBakeMinutes: 4 }')).deploy(release, NOW);

    expect(ecsMock.commandCalls(UpdateServiceCommand)[0]!.args[0].input.deploymentConfiguration).toStrictEqual({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 10,
      lifecycleHooks: [
        theirs,
        {
          targetType: 'AWS_LAMBDA',
          hookTargetArn: HOOK.functionArn,
          roleArn: HOOK.roleArn,
          lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
          hookDetails: { shipwatchService: 'web', recordId: recordIdOf(release) },
          timeoutConfiguration: { timeoutInMinutes: 19, action: 'ROLLBACK' },
        },
      ],
    });
  });

  it('refuses a service without a load balancer ready for traffic shifting, before registering anything', async () => {
    ecsMock
      .on(DescribeServicesCommand)
      .resolves({ services: [service(CURRENT, { loadBalancers: [{ targetGroupArn: PRIMARY_TG, containerName: 'app', containerPort: 8080 }] })] });

    const act = target(serviceConfig('{ type: canary }')).deploy(release, NOW);

    await expect(act).rejects.toThrow(TargetMisconfigured);
    await expect(act).rejects.toThrow(/has no load balancer with advancedConfiguration \(alternateTargetGroupArn, productionListenerRule, roleArn\)/);
    expect(sent()).toEqual(['DescribeServicesCommand']);
  });

  it('refuses a test-traffic bake without a test listener rule', async () => {
    deployable();
    const act = target(serviceConfig('{ type: blueGreen, testTrafficBakeMinutes: 4 }')).deploy(release, NOW);
    await expect(act).rejects.toThrow(/testTrafficBakeMinutes is 4, but its load balancer has no advancedConfiguration.testListenerRule/);
    expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it('a retried step after UpdateService went through follows the same service deployment and never updates twice', async () => {
    ecsMock.on(DescribeServicesCommand).resolves({ services: [service(NEW)] });
    ecsMock.on(DescribeTaskDefinitionCommand).resolves(taskDefinition(9, DIGEST_URI));
    ecsMock.on(DescribeServiceDeploymentsCommand).resolves({ serviceDeployments: [deployment({ weight: 10 })] });
    ecsMock.on(DescribeServiceRevisionsCommand).resolves(revisions);

    const deployed = await target(serviceConfig('{ type: canary }')).deploy(release, NOW);

    expect(deployed).toStrictEqual({
      platform: 'ecs',
      previousRevision: CURRENT,
      revision: NEW,
      deploymentId: DEPLOYMENT,
      startedAt: NOW.toISOString(),
      alreadyRunning: false,
    });
    expect(sent()).toEqual([
      'DescribeServicesCommand',
      'DescribeTaskDefinitionCommand',
      'DescribeServiceDeploymentsCommand',
      'DescribeServiceRevisionsCommand',
    ]);
    expect(ecsMock.commandCalls(DescribeServiceRevisionsCommand)[0]!.args[0].input).toStrictEqual({
      serviceRevisionArns: [expect.stringContaining('9313423515462893900'), expect.stringContaining('1920498462936580504')],
    });
  });

  it('refuses to follow when UpdateService answers with another PRIMARY revision', async () => {
    deployable(service(CURRENT));
    const act = target(serviceConfig('{ type: canary }')).deploy(release, NOW);
    await expect(act).rejects.toThrow(RolloutFailed);
  });
});

describe('rollback at any step', () => {
  const config = serviceConfig('{ type: canary }');

  it('while the deployment is under way: StopServiceDeployment ROLLBACK, and the same service deployment is watched back', async () => {
    ecsMock.on(DescribeServicesCommand).resolves({ services: [service(NEW)] });
    ecsMock.on(DescribeServiceDeploymentsCommand).resolves({ serviceDeployments: [deployment({ weight: 10 })] });
    ecsMock.on(DescribeServiceRevisionsCommand).resolves(revisions);
    ecsMock.on(StopServiceDeploymentCommand).resolves(fixture('ecs-stop-service-deployment-response'));

    const started = await target(config).rollback(CURRENT, NOW);

    expect(ecsMock.commandCalls(StopServiceDeploymentCommand).map((c) => c.args[0].input)).toStrictEqual([
      { serviceDeploymentArn: DEPLOYMENT, stopType: 'ROLLBACK' },
    ]);
    expect(started).toStrictEqual({ revision: CURRENT, deploymentId: DEPLOYMENT, startedAt: NOW.toISOString(), adopted: false });
    expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it("adopts ECS's own rollback (a hook answered FAILED): nothing is sent", async () => {
    ecsMock.on(DescribeServicesCommand).resolves({ services: [service(NEW)] });
    ecsMock.on(DescribeServiceDeploymentsCommand).resolves({ serviceDeployments: [deployment({ status: 'ROLLBACK_IN_PROGRESS', weight: 10 })] });
    ecsMock.on(DescribeServiceRevisionsCommand).resolves(revisions);

    const started = await target(config).rollback(CURRENT, NOW);

    expect(started.adopted).toBe(true);
    expect(started.deploymentId).toBe(DEPLOYMENT);
    expect(sent()).toEqual(['DescribeServicesCommand', 'DescribeServiceDeploymentsCommand', 'DescribeServiceRevisionsCommand']);
  });

  it("after the deployment completed: UpdateService back, all at once and without Shipwatch's hooks", async () => {
    const completed = service(NEW, {
      deploymentConfiguration: {
        strategy: 'CANARY',
        bakeTimeInMinutes: 10,
        canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 0 },
        lifecycleHooks: [
          {
            targetType: 'AWS_LAMBDA',
            hookTargetArn: HOOK.functionArn,
            roleArn: HOOK.roleArn,
            lifecycleStages: ['PRODUCTION_TRAFFIC_SHIFT'],
            hookDetails: { shipwatchService: 'web', recordId: 'r' },
          },
        ],
      },
    });
    const rollingBack = service(CURRENT, {
      currentServiceDeployment: NEWER_DEPLOYMENT,
      deployments: [{ id: 'ecs-svc/9', status: 'PRIMARY', taskDefinition: CURRENT, rolloutState: 'IN_PROGRESS' }],
    });
    ecsMock.on(DescribeServicesCommand).resolves({ services: [completed] });
    ecsMock
      .on(DescribeServiceDeploymentsCommand)
      .resolves({ serviceDeployments: [deployment({ status: 'SUCCESSFUL', lifecycleStage: 'CLEAN_UP', weight: 100 })] });
    ecsMock.on(DescribeServiceRevisionsCommand).resolves(revisions);
    ecsMock.on(UpdateServiceCommand).resolves({ service: rollingBack });

    const started = await target(config).rollback(CURRENT, NOW);

    expect(ecsMock.commandCalls(UpdateServiceCommand)[0]!.args[0].input).toStrictEqual({
      cluster: 'prod',
      service: 'web',
      taskDefinition: CURRENT,
      deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0, lifecycleHooks: [] },
    });
    expect(started).toStrictEqual({ revision: CURRENT, deploymentId: NEWER_DEPLOYMENT, startedAt: NOW.toISOString(), adopted: false });
  });

  it('an earlier rollback attempt whose answer was lost is adopted, not sent again', async () => {
    ecsMock.on(DescribeServicesCommand).resolves({ services: [service(CURRENT)] });
    ecsMock.on(DescribeServiceDeploymentsCommand).resolves({
      serviceDeployments: [
        deployment({
          targetServiceRevision: {
            arn: 'arn:aws:ecs:us-west-2:123456789012:service-revision/prod/web/1920498462936580504',
            requestedProductionTrafficWeight: 0,
          },
          sourceServiceRevisions: [],
        }),
      ],
    });
    ecsMock.on(DescribeServiceRevisionsCommand).resolves(revisions);

    const started = await target(config).rollback(CURRENT, NOW);

    expect(started.adopted).toBe(true);
    expect(ecsMock.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(ecsMock.commandCalls(StopServiceDeploymentCommand)).toHaveLength(0);
  });
});

describe('status: the rollout and rollback looks', () => {
  const config = serviceConfig('{ type: linear }');
  const watch = (revision: string, revertRevision: string) => ({ deploymentId: DEPLOYMENT, revision, revertRevision, since: NOW });

  it.each([
    [{ weight: 25 }, NEW, CURRENT, { state: 'in_progress' }],
    [{ weight: 100, lifecycleStage: 'BAKE_TIME' as const }, NEW, CURRENT, { state: 'completed' }],
    [{ status: 'ROLLBACK_IN_PROGRESS' as const, weight: 25 }, NEW, CURRENT, { state: 'failed', rollingBackId: DEPLOYMENT }],
    [{ status: 'ROLLBACK_IN_PROGRESS' as const, weight: 25 }, CURRENT, NEW, { state: 'in_progress' }],
    [{ status: 'ROLLBACK_SUCCESSFUL' as const, weight: 0 }, CURRENT, NEW, { state: 'completed' }],
    [{ status: 'ROLLBACK_FAILED' as const, weight: 25 }, CURRENT, NEW, { state: 'failed' }],
  ])('%j looked at for %s', async (shape, revision, revert, expected) => {
    ecsMock.on(DescribeServiceDeploymentsCommand).resolves({ serviceDeployments: [deployment(shape)] });
    ecsMock.on(DescribeServiceRevisionsCommand).resolves(revisions);

    const status = await target(config).status(watch(revision, revert));

    expect(status).toMatchObject(expected);
  });

  it('a service deployment stopped by a newer one is superseded', async () => {
    ecsMock.on(DescribeServiceDeploymentsCommand).resolves({ serviceDeployments: [deployment({ status: 'STOPPED', weight: 25 })] });
    ecsMock.on(DescribeServiceRevisionsCommand).resolves(revisions);
    ecsMock.on(DescribeServicesCommand).resolves({ services: [service(NEW, { currentServiceDeployment: NEWER_DEPLOYMENT })] });

    const status = await target(config).status(watch(NEW, CURRENT));

    expect(status).toStrictEqual({ state: 'superseded', by: 'service deployment xyz789ABC123' });
  });

  it('a deployment from before the strategy changed (ecs-svc/…) is still looked at as a rolling one', async () => {
    ecsMock.on(DescribeServicesCommand).resolves({ services: [service(NEW)] });

    const status = await target(config).status({ deploymentId: 'ecs-svc/7419115625193919142', revision: NEW, revertRevision: CURRENT, since: NOW });

    expect(status.state).toBe('in_progress');
    expect(sent()).toEqual(['DescribeServicesCommand']);
  });
});
