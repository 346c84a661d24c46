import {
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type ECSClient,
  type Service,
} from '@aws-sdk/client-ecs';
import type { ServiceConfig } from '../../config/schema.js';
import { RollbackFailed, RolloutFailed, TargetMisconfigured } from '../../errors.js';
import { recordIdOf } from '../../records/keys.js';
import type { Release } from '../../release/release.js';
import type { Deployment, RollbackStart, RolloutStatus } from '../rollout.js';
import type { Watch } from '../target.js';
import { progressiveConfiguration, rollbackConfiguration, type HookFunction, type ProgressiveStrategy } from './deployment-config.js';
import { trafficShiftingProblem } from './hook-function.js';
import { outsideIamScope } from './iam-scope.js';
import { describePrimary, primaryRunning } from './rollback-plan.js';
import { isOngoing, isRollingBack, rolloutOf } from './service-deployment-status.js';
import { currentServiceDeployment, deploymentRevisions, describeServiceDeployment } from './service-deployments.js';
import { containerImage, nextRevision } from './task-definition.js';

type EcsConfig = NonNullable<ServiceConfig['target']['ecs']>;

export interface ProgressiveDeps {
  ecs: ECSClient;
  config: EcsConfig;
  label: string;
  service: Pick<ServiceConfig, 'name' | 'health' | 'approval'>;
  strategy: ProgressiveStrategy;
  describeService(): Promise<Service>;
  hook(): HookFunction;
}

/** A service deployment ARN (what progressive deployments are watched by), not a DescribeServices deployment id (ecs-svc/…). */
export const isServiceDeploymentArn = (id: string) => id.includes(':service-deployment/');

/**
 * Deploy, watch and roll back a canary, linear or blue/green deployment. The
 * deployment is followed by its service deployment ARN: the one identifier
 * DescribeServiceDeployments, StopServiceDeployment and
 * ContinueServiceDeployment take.
 */
export function progressiveRollout(deps: ProgressiveDeps) {
  const { ecs, config, label } = deps;

  /** The service deployment an UpdateService started, checked to run `revision` (its PRIMARY deployment in the answer). */
  async function started(updated: Service | undefined, revision: string, Failure: typeof RolloutFailed | typeof RollbackFailed, what: string): Promise<string> {
    if (!primaryRunning(updated, revision))
      throw new Failure(`${what} on ${label}: the PRIMARY deployment ${describePrimary(updated)} does not run ${revision}; not following it`);
    const arn = updated && (await currentServiceDeployment(ecs, updated, config.cluster));
    if (!arn) throw new Failure(`${what} on ${label} started no service deployment that Shipwatch could follow`);
    return arn;
  }

  return {
    async deploy(release: Release, now: Date): Promise<Deployment> {
      const service = await deps.describeService();
      const problem = trafficShiftingProblem(service, deps.strategy, label);
      if (problem) throw new TargetMisconfigured(problem);
      const currentArn = service.taskDefinition;
      if (!currentArn) throw new TargetMisconfigured(`${label} has no task definition`);
      const current = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: currentArn, include: ['TAGS'] }));
      const startedAt = now.toISOString();

      if (containerImage(current, config.container) === release.imageUri) {
        // A retry of this very step after UpdateService went through (its service
        // deployment to this revision is still under way), or the service already
        // runs this digest. Never update twice.
        const arn = await currentServiceDeployment(ecs, service, config.cluster);
        const d = arn ? await describeServiceDeployment(ecs, arn) : undefined;
        const revisions = d ? await deploymentRevisions(ecs, d) : undefined;
        const ours = d && revisions?.target === currentArn && (isOngoing(d) || isRollingBack(d));
        return {
          platform: 'ecs',
          previousRevision: ours ? (revisions.sources[0] ?? currentArn) : currentArn,
          revision: currentArn,
          deploymentId: arn ?? '',
          startedAt,
          alreadyRunning: !ours,
        };
      }

      const outside = current.taskDefinition && outsideIamScope(current.taskDefinition, config, label);
      if (outside) throw new TargetMisconfigured(outside);
      const hook = deps.hook();
      const registered = await ecs.send(new RegisterTaskDefinitionCommand(nextRevision(current, config.container, release.imageUri)));
      const revision = registered.taskDefinition?.taskDefinitionArn;
      if (!revision) throw new TargetMisconfigured('RegisterTaskDefinition returned no task-definition ARN');
      const deploymentConfiguration = progressiveConfiguration(service.deploymentConfiguration, deps.service, deps.strategy, hook, {
        shipwatchService: deps.service.name,
        recordId: recordIdOf(release),
      });
      const updated = await ecs.send(
        new UpdateServiceCommand({ cluster: config.cluster, service: config.service, taskDefinition: revision, deploymentConfiguration }),
      );
      const deploymentId = await started(updated.service, revision, RolloutFailed, 'UpdateService');
      return { platform: 'ecs', previousRevision: currentArn, revision, deploymentId, startedAt, alreadyRunning: false };
    },

    /** One look at a rollout (to watch.revision) or at ECS's rollback of it (the same service deployment, back to its source). */
    async status(watch: Watch): Promise<RolloutStatus> {
      const d = await describeServiceDeployment(ecs, watch.deploymentId);
      const { target } = await deploymentRevisions(ecs, d);
      const stopped = d.status === 'STOP_REQUESTED' || d.status === 'STOPPED';
      const current = stopped ? await currentServiceDeployment(ecs, await deps.describeService(), config.cluster) : undefined;
      return rolloutOf(d, target === watch.revision, current);
    },

    /**
     * Back to `revision`, at any step. While the service deployment is under
     * way, ECS rolls it back itself: StopServiceDeployment ROLLBACK returns all
     * traffic to the source revision, whose tasks still run
     * (API_StopServiceDeployment.html, developerguide/stop-service-deployment.html).
     * A rollback already under way (a hook's FAILED, an abort at a pause, an
     * earlier attempt) is adopted. Once the deployment completed, an
     * UpdateService to `revision`, all at once and without Shipwatch's hooks.
     */
    async rollback(revision: string, now: Date): Promise<RollbackStart> {
      const service = await deps.describeService();
      const startedAt = now.toISOString();
      const arn = await currentServiceDeployment(ecs, service, config.cluster);
      const d = arn ? await describeServiceDeployment(ecs, arn) : undefined;
      if (arn && d) {
        const { target, sources } = await deploymentRevisions(ecs, d);
        const backTo = sources.includes(revision);
        if (target !== revision && backTo && (isRollingBack(d) || d.status === 'ROLLBACK_SUCCESSFUL'))
          return { revision, deploymentId: arn, startedAt, adopted: true };
        if (target === revision && (isOngoing(d) || d.status === 'SUCCESSFUL')) return { revision, deploymentId: arn, startedAt, adopted: true };
        if (target !== revision && backTo && isOngoing(d)) {
          const stopped = await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' })).then(
            () => true,
            async (error: Error) => {
              // It completed between the look and the stop: a new deployment rolls back instead.
              if (isOngoing(await describeServiceDeployment(ecs, arn))) throw error;
              return false;
            },
          );
          if (stopped) return { revision, deploymentId: arn, startedAt, adopted: false };
        }
      }
      const updated = await ecs.send(
        new UpdateServiceCommand({
          cluster: config.cluster,
          service: config.service,
          taskDefinition: revision,
          deploymentConfiguration: rollbackConfiguration(service.deploymentConfiguration),
          // ECS starts no deployment for the task definition a service already has, unless forced (API_UpdateService.html).
          ...(service.taskDefinition === revision ? { forceNewDeployment: true } : {}),
        }),
      );
      return { revision, deploymentId: await started(updated.service, revision, RollbackFailed, 'UpdateService (rollback)'), startedAt, adopted: false };
    },
  };
}
