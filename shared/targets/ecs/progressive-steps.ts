import { ContinueServiceDeploymentCommand, StopServiceDeploymentCommand, type ECSClient, type Service } from '@aws-sdk/client-ecs';
import type { ProgressiveTarget, ProgressStatus, RevisionScope } from '../progressive.js';
import type { Watch } from '../target.js';
import type { ProgressiveStrategy } from './deployment-config.js';
import { isOngoing, progressOf, type HookNotes } from './service-deployment-status.js';
import { revisionScope } from './revision-scope.js';
import { currentServiceDeployment, describeServiceDeployment } from './service-deployments.js';

export interface StepDeps {
  ecs: ECSClient;
  cluster: string;
  strategy: ProgressiveStrategy;
  describeService(): Promise<Service>;
  /** What Shipwatch's hook last decided about a service deployment (its verdicts, with their arithmetic). */
  notes?(serviceDeploymentArn: string): Promise<HookNotes | undefined>;
}

/**
 * The ECS side of the progressive contract. ECS's own engine moves the
 * traffic and Shipwatch's lifecycle hook judges each step, so `progress`
 * follows the service deployment and never answers `judge`, and `advance`
 * has nothing to do. A pause is a PAUSE hook that a person's decision
 * continues or rolls back (API_ContinueServiceDeployment.html).
 */
export function ecsProgressive(deps: StepDeps): ProgressiveTarget {
  const { ecs } = deps;
  return {
    async progress(watch: Watch): Promise<ProgressStatus> {
      const d = await describeServiceDeployment(ecs, watch.deploymentId);
      const stopped = d.status === 'STOP_REQUESTED' || d.status === 'STOPPED';
      const current = stopped ? await currentServiceDeployment(ecs, await deps.describeService(), deps.cluster) : undefined;
      return progressOf(d, deps.strategy, current, await deps.notes?.(watch.deploymentId));
    },

    async advance(): Promise<void> {
      // ECS shifts to the next step itself once the hook answers SUCCEEDED.
    },

    /**
     * `promote` continues the pause; `abort` rolls it back (ECS returns all
     * traffic to the previous revision). A pause that is no longer awaiting
     * (decided already, or expired) is left alone, except that an abort still
     * rolls back a deployment that goes on: abort means no more exposure.
     */
    async decide(watch: Watch, pauseId: string, action: 'promote' | 'abort'): Promise<void> {
      const d = await describeServiceDeployment(ecs, watch.deploymentId);
      const hook = d.lifecycleHookDetails?.find((h) => h.hookId === pauseId);
      if (hook?.status === 'AWAITING_ACTION') {
        await ecs.send(
          new ContinueServiceDeploymentCommand({
            serviceDeploymentArn: watch.deploymentId,
            hookId: pauseId,
            action: action === 'promote' ? 'CONTINUE' : 'ROLLBACK',
          }),
        );
        return;
      }
      if (action === 'abort' && isOngoing(d))
        await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: watch.deploymentId, stopType: 'ROLLBACK' }));
    },

    /**
     * The target group the new revision serves from. ECS alternates the two
     * target groups between deployments, so a check configured on one of
     * them measures the new revision only after narrowing.
     */
    async scope(watch: Watch): Promise<RevisionScope> {
      const d = await describeServiceDeployment(ecs, watch.deploymentId);
      return revisionScope(ecs, d.targetServiceRevision?.arn ?? '');
    },
  };
}
