import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type ECSClient,
  type Service,
} from '@aws-sdk/client-ecs';
import type { ServiceConfig } from '../../config/schema.js';
import { RollbackFailed, RolloutFailed, TargetMisconfigured } from '../../errors.js';
import type { Release } from '../../release/release.js';
import type { Deployment, RollbackStart, RolloutStatus } from '../rollout.js';
import type { DeployTarget, Watch } from '../target.js';
import { outsideIamScope } from './iam-scope.js';
import { describePrimary, primaryRunning, rollbackPlan } from './rollback-plan.js';
import { ecsRolloutStatus } from './rollout-status.js';
import { containerImage, nextRevision } from './task-definition.js';
import { ecsServiceKey } from '../../waits/keys.js';
import type { HookFunction } from './deployment-config.js';
import { isServiceDeploymentArn, progressiveRollout } from './progressive-rollout.js';
import { ecsProgressive } from './progressive-steps.js';
import type { HookNotes } from './service-deployment-status.js';

type EcsConfig = NonNullable<ServiceConfig['target']['ecs']>;

/** The service's strategy and what a progressive one needs: Shipwatch's hook function and what it decided. */
export interface EcsTargetOptions {
  service: Pick<ServiceConfig, 'name' | 'strategy' | 'health' | 'approval'>;
  hook(): HookFunction;
  notes?(serviceDeploymentArn: string): Promise<HookNotes | undefined>;
}

/** ECS on Fargate or EC2: the same API, the same code. A canary, linear or blue/green strategy goes through ECS's own engine (progressive-rollout.ts). */
export function ecsTarget(ecs: ECSClient, config: EcsConfig, options?: EcsTargetOptions): DeployTarget {
  const label = `ECS service ${config.cluster}/${config.service}`;

  async function describeService(): Promise<Service> {
    const out = await ecs.send(new DescribeServicesCommand({ cluster: config.cluster, services: [config.service] }));
    const service = out.services?.[0];
    if (!service) {
      const why = out.failures?.[0]?.reason ?? 'not returned';
      throw new TargetMisconfigured(`${label}: ${why}; check target.ecs.cluster and target.ecs.service`);
    }
    if (service.status !== 'ACTIVE') throw new TargetMisconfigured(`${label} is ${service.status}, not ACTIVE`);
    const controller = service.deploymentController?.type ?? 'ECS';
    if (controller !== 'ECS') {
      throw new TargetMisconfigured(
        `${label} uses the ${controller} deployment controller; Shipwatch deploys services with the ECS (rolling update) controller`,
      );
    }
    return service;
  }

  /** Before following a deployment: the PRIMARY one must run the revision Shipwatch registered (or rolls back to). */
  function follow(service: Service | undefined, revision: string, Failure: typeof RolloutFailed | typeof RollbackFailed, what: string): string {
    const id = primaryRunning(service, revision);
    if (id) return id;
    const primary = describePrimary(service);
    throw new Failure(
      primary === 'none'
        ? `${what} on ${label} returned no PRIMARY deployment`
        : `${what} on ${label}: the PRIMARY deployment ${primary} does not run ${revision}; not following it`,
    );
  }

  // ECS sends an ECS Deployment State Change event for every deployment of the service
  // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_deployment_events.html).
  const wakeKeys = [ecsServiceKey(config.cluster, config.service)];

  const rolling: DeployTarget = {
    label,
    wakeKeys,

    async deploy(release: Release, now: Date): Promise<Deployment> {
      const service = await describeService();
      const currentArn = service.taskDefinition;
      if (!currentArn) throw new TargetMisconfigured(`${label} has no task definition`);
      const current = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: currentArn, include: ['TAGS'] }));
      const startedAt = now.toISOString();

      if (containerImage(current, config.container) === release.imageUri) {
        // Either a retry of this very step after UpdateService went through
        // (our deployment is PRIMARY and the one it replaces is still ACTIVE),
        // or the service already runs this digest. Never update twice.
        const deploymentId = follow(service, currentArn, RolloutFailed, 'DescribeServices');
        const replaced = service.deployments?.find((d) => d.status === 'ACTIVE' && d.taskDefinition !== currentArn);
        return {
          platform: 'ecs',
          previousRevision: replaced?.taskDefinition ?? currentArn,
          revision: currentArn,
          deploymentId,
          startedAt,
          alreadyRunning: !replaced,
        };
      }

      const outside = current.taskDefinition && outsideIamScope(current.taskDefinition, config, label);
      if (outside) throw new TargetMisconfigured(outside);
      const input = nextRevision(current, config.container, release.imageUri);
      const registered = await ecs.send(new RegisterTaskDefinitionCommand(input));
      const revision = registered.taskDefinition?.taskDefinitionArn;
      if (!revision) throw new TargetMisconfigured('RegisterTaskDefinition returned no task-definition ARN');

      const updated = await ecs.send(new UpdateServiceCommand({ cluster: config.cluster, service: config.service, taskDefinition: revision }));
      const deploymentId = follow(updated.service, revision, RolloutFailed, 'UpdateService');
      return { platform: 'ecs', previousRevision: currentArn, revision, deploymentId, startedAt, alreadyRunning: false };
    },

    async status(watch: Watch): Promise<RolloutStatus> {
      return ecsRolloutStatus(await describeService(), watch.deploymentId, watch.revertRevision, watch.since);
    },

    async rollback(revision: string, now: Date): Promise<RollbackStart> {
      const plan = rollbackPlan(await describeService(), revision);
      const startedAt = now.toISOString();
      if ('adopt' in plan) return { revision, deploymentId: plan.adopt, startedAt, adopted: true };
      const updated = await ecs.send(
        new UpdateServiceCommand({
          cluster: config.cluster,
          service: config.service,
          taskDefinition: revision,
          ...(plan.update.forceNewDeployment ? { forceNewDeployment: true } : {}),
        }),
      );
      return { revision, deploymentId: follow(updated.service, revision, RollbackFailed, 'UpdateService (rollback)'), startedAt, adopted: false };
    },
  };

  const strategy = options?.service.strategy;
  if (options && strategy && strategy.type !== 'rolling') {
    const rollout = progressiveRollout({ ecs, config, label, service: options.service, strategy, describeService, hook: options.hook });
    return {
      label,
      wakeKeys,
      deploy: rollout.deploy,
      // A deployment from before the strategy changed (ecs-svc/…) is still a rolling one.
      status: (watch) => (isServiceDeploymentArn(watch.deploymentId) ? rollout.status(watch) : rolling.status(watch)),
      rollback: rollout.rollback,
      progressive: ecsProgressive({ ecs, cluster: config.cluster, strategy, describeService, ...(options.notes ? { notes: options.notes } : {}) }),
    };
  }
  return rolling;
}
