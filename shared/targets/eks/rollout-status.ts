import type { RolloutStatus } from '../rollout.js';
import type { KubeDeployment } from './types.js';

/** What a status look is about: our change of `container` to `revision` (an image), made in `generation`. */
export interface EksWatch {
  container: string;
  /** metadata.generation our patch produced (the deployment id). */
  generation: number;
  /** The image we set. */
  revision: string;
  /** The image a rollback would go back to. */
  revertRevision: string;
}

/**
 * Pure: where a Deployment stands, decided as `kubectl rollout status` decides
 * (kubectl/pkg/polymorphichelpers/rollout_status.go): the controller must have
 * observed the spec, then ProgressDeadlineExceeded fails, then every replica
 * must be updated, no old replica left, and every updated one available.
 *
 * Other changes bump `metadata.generation` too (a `kubectl scale`, an HPA):
 * while our container still runs our image, the newer generation is judged
 * as the rollout of our image. Once the image is something else, the
 * Deployment is someone else's; Kubernetes never rolls back by itself, so an
 * image back at `revertRevision` is a person's revert, superseded as well.
 */
export function eksRolloutStatus(deployment: KubeDeployment, watch: EksWatch): RolloutStatus {
  const generation = deployment.metadata.generation ?? 0;
  const containers = deployment.spec.template.spec.containers;
  const image = containers.find((c) => c.name === watch.container)?.image;

  if (image !== watch.revision) {
    const now = image === undefined ? `no container "${watch.container}" (containers: ${containers.map((c) => c.name).join(', ')})` : image;
    const why = image !== undefined && image === watch.revertRevision ? 'reverted by someone' : 'changed by someone';
    return { state: 'superseded', by: `${now} (generation ${generation}, ${why}; ours was generation ${watch.generation})` };
  }

  const status = deployment.status ?? {};
  const observed = status.observedGeneration ?? 0;
  // The API server is strongly consistent: right after our patch, a GET shows
  // at least our generation (a lower one means the Deployment was re-created;
  // the object there now is what is judged).
  if (observed < generation) {
    return { state: 'in_progress', detail: `generation ${generation} not observed yet by the deployment controller (observed ${observed})` };
  }

  const desired = deployment.spec.replicas ?? 1;
  const total = status.replicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const old = Math.max(0, total - updated);
  const counts = `${updated} of ${desired} updated, ${available} available${old > 0 ? `, ${old} old pending termination` : ''}`;

  const conditions = status.conditions ?? [];
  const progressing = conditions.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    const deadline = deployment.spec.progressDeadlineSeconds;
    const message = progressing.message ?? 'the rollout made no progress';
    return { state: 'failed', reason: `${message} (progress deadline${deadline === undefined ? '' : ` ${deadline}s`} exceeded; ${counts})` };
  }

  if (updated >= desired && old === 0 && available >= updated) {
    return { state: 'completed', detail: `generation ${generation} rolled out: ${counts}` };
  }
  const failure = conditions.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  const notes = [...(deployment.spec.paused ? ['paused'] : []), ...(failure ? [`ReplicaFailure: ${failure.message ?? failure.reason ?? 'unknown'}`] : [])];
  return { state: 'in_progress', detail: `generation ${generation}: ${counts}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}` };
}
