import { describe, expect, it } from 'vitest';
import { eksRolloutStatus, type EksWatch } from '../../shared/targets/eks/rollout-status.js';
import type { KubeDeployment } from '../../shared/targets/eks/types.js';
import { fixture } from '../support/fixtures.js';

// Published guestbook-ui Deployment (generation 4), mid-rollout: 1 of 1 updated, 1 available, 2 replicas (one old).
const midRollout = (): KubeDeployment => fixture<KubeDeployment>('k8s-deployment-progressing-mid-rollout');
// The same after the deadline: Progressing=False, ProgressDeadlineExceeded.
const deadlineExceeded = (): KubeDeployment => fixture<KubeDeployment>('k8s-deployment-failed-progress-deadline-exceeded');

const OURS = 'gcr.io/heptio-images/ks-guestbook-demo:0.3';
const PREVIOUS = 'gcr.io/heptio-images/ks-guestbook-demo:0.2';
const SOMEONE_ELSES = 'gcr.io/heptio-images/ks-guestbook-demo:0.4';
const watch: EksWatch = { container: 'guestbook-ui', generation: 4, revision: OURS, revertRevision: PREVIOUS };

/** The controller has finished generation `generation`: every replica updated and available, no old one left. */
function rolledOut(d: KubeDeployment, replicas = d.spec.replicas ?? 1): KubeDeployment {
  d.status = {
    ...d.status,
    observedGeneration: d.metadata.generation ?? 0,
    replicas,
    updatedReplicas: replicas,
    readyReplicas: replicas,
    availableReplicas: replicas,
    unavailableReplicas: 0,
    conditions: [
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
      { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "guestbook-ui-75dd4d49d5" has successfully progressed.' },
    ],
  };
  return d;
}

const setImage = (d: KubeDeployment, image: string) => {
  d.spec.template.spec.containers[0]!.image = image;
  return d;
};

describe('eksRolloutStatus', () => {
  it('reads the published mid-rollout Deployment as in progress, an old replica still there', () => {
    // Prepare
    const deployment = midRollout();

    // Act
    const status = eksRolloutStatus(deployment, watch);

    // Assess
    expect(status).toStrictEqual({ state: 'in_progress', detail: 'generation 4: 1 of 1 updated, 1 available, 1 old pending termination' });
  });

  it('fails at once on the published ProgressDeadlineExceeded, with the condition message and the counts', () => {
    // Prepare
    const deployment = deadlineExceeded();

    // Act
    const status = eksRolloutStatus(deployment, watch);

    // Assess
    expect(status).toStrictEqual({
      state: 'failed',
      reason:
        'ReplicaSet "guestbook-ui-75dd4d49d5" has timed out progressing. (progress deadline 600s exceeded; 1 of 1 updated, 1 available, 1 old pending termination)',
    });
  });

  it('is completed when every replica is updated and available and no old one is left', () => {
    // Prepare
    const deployment = rolledOut(midRollout());

    // Act
    const status = eksRolloutStatus(deployment, watch);

    // Assess
    expect(status).toStrictEqual({ state: 'completed', detail: 'generation 4 rolled out: 1 of 1 updated, 1 available' });
  });

  it.each([
    {
      what: 'not all updated',
      status: { replicas: 3, updatedReplicas: 2, availableReplicas: 1 },
      detail: 'generation 4: 2 of 3 updated, 1 available, 1 old pending termination',
    },
    {
      what: 'updated but old ones left',
      status: { replicas: 4, updatedReplicas: 3, availableReplicas: 3 },
      detail: 'generation 4: 3 of 3 updated, 3 available, 1 old pending termination',
    },
    {
      what: 'updated but not all available',
      status: { replicas: 3, updatedReplicas: 3, availableReplicas: 2 },
      detail: 'generation 4: 3 of 3 updated, 2 available',
    },
  ])('is in progress while $what', ({ status, detail }) => {
    // Prepare
    const deployment = midRollout();
    deployment.spec.replicas = 3;
    deployment.status = { ...deployment.status, ...status };

    // Act
    const result = eksRolloutStatus(deployment, watch);

    // Assess
    expect(result).toStrictEqual({ state: 'in_progress', detail });
  });

  it('waits for the controller to observe the generation before reading counts or conditions', () => {
    // Prepare: our patch made generation 5; the status still shows generation 4's deadline exceeded.
    const deployment = deadlineExceeded();
    deployment.metadata.generation = 5;

    // Act
    const status = eksRolloutStatus(deployment, { ...watch, generation: 5 });

    // Assess
    expect(status).toStrictEqual({ state: 'in_progress', detail: 'generation 5 not observed yet by the deployment controller (observed 4)' });
  });

  it('keeps watching our image through a newer generation that changed something else (a scale, an HPA)', () => {
    // Prepare: generation 5 scaled 1 → 3; our image unchanged.
    const deployment = midRollout();
    deployment.metadata.generation = 5;
    deployment.spec.replicas = 3;
    deployment.status = { ...deployment.status, observedGeneration: 5, replicas: 3, updatedReplicas: 2, availableReplicas: 1 };

    // Act
    const status = eksRolloutStatus(deployment, watch);

    // Assess
    expect(status).toStrictEqual({ state: 'in_progress', detail: 'generation 5: 2 of 3 updated, 1 available, 1 old pending termination' });
  });

  it("is superseded when someone else's newer generation set another image", () => {
    // Prepare
    const deployment = setImage(rolledOut(midRollout()), SOMEONE_ELSES);
    deployment.metadata.generation = 5;

    // Act
    const status = eksRolloutStatus(deployment, watch);

    // Assess
    expect(status).toStrictEqual({ state: 'superseded', by: `${SOMEONE_ELSES} (generation 5, changed by someone; ours was generation 4)` });
  });

  it('is superseded too when someone put the previous image back: Kubernetes never rolls back by itself', () => {
    // Prepare
    const deployment = setImage(midRollout(), PREVIOUS);
    deployment.metadata.generation = 5;

    // Act
    const status = eksRolloutStatus(deployment, watch);

    // Assess
    expect(status).toStrictEqual({ state: 'superseded', by: `${PREVIOUS} (generation 5, reverted by someone; ours was generation 4)` });
  });

  it('is superseded when our container is gone', () => {
    // Prepare
    const deployment = midRollout();
    deployment.metadata.generation = 5;
    deployment.spec.template.spec.containers[0]!.name = 'web';

    // Act
    const status = eksRolloutStatus(deployment, watch);

    // Assess
    expect(status).toStrictEqual({
      state: 'superseded',
      by: 'no container "guestbook-ui" (containers: web) (generation 5, changed by someone; ours was generation 4)',
    });
  });

  it('watches a rollback the same way, with the two images swapped', () => {
    // Prepare: our rollback to PREVIOUS made generation 6 and has finished.
    const deployment = rolledOut(setImage(midRollout(), PREVIOUS));
    deployment.metadata.generation = 6;
    deployment.status!.observedGeneration = 6;

    // Act
    const status = eksRolloutStatus(deployment, { container: 'guestbook-ui', generation: 6, revision: PREVIOUS, revertRevision: OURS });

    // Assess
    expect(status).toStrictEqual({ state: 'completed', detail: 'generation 6 rolled out: 1 of 1 updated, 1 available' });
  });

  it('shows a ReplicaFailure (the documented quota error) while waiting', () => {
    // Prepare: the documented "Failed Deployment" status (3 replicas wanted) on our object.
    const partial = fixture<Required<Pick<KubeDeployment, 'status'>>>('k8s-deployment-status-replica-failure-docs-PARTIAL');
    const deployment = midRollout();
    deployment.metadata.generation = 3;
    deployment.spec.replicas = 3;
    deployment.status = partial.status;

    // Act
    const status = eksRolloutStatus(deployment, { ...watch, generation: 3 });

    // Assess
    expect(status).toStrictEqual({
      state: 'in_progress',
      detail:
        'generation 3: 0 of 3 updated, 2 available, 2 old pending termination (ReplicaFailure: Error creating: pods "nginx-deployment-4262182780-" is forbidden: exceeded quota: object-counts, requested: pods=1, used: pods=3, limited: pods=2)',
    });
  });

  it('says when the Deployment is paused', () => {
    // Prepare
    const deployment = midRollout();
    deployment.spec.paused = true;

    // Act
    const status = eksRolloutStatus(deployment, watch);

    // Assess
    expect(status).toStrictEqual({ state: 'in_progress', detail: 'generation 4: 1 of 1 updated, 1 available, 1 old pending termination (paused)' });
  });

  it('counts an absent spec.replicas as 1 and absent status counts as 0', () => {
    // Prepare
    const deployment = midRollout();
    delete deployment.spec.replicas;
    deployment.status = { observedGeneration: 4 };

    // Act
    const status = eksRolloutStatus(deployment, watch);

    // Assess
    expect(status).toStrictEqual({ state: 'in_progress', detail: 'generation 4: 0 of 1 updated, 0 available' });
  });

  it('is completed for a Deployment scaled to zero once observed', () => {
    // Prepare
    const deployment = rolledOut(midRollout(), 0);
    deployment.spec.replicas = 0;

    // Act
    const status = eksRolloutStatus(deployment, watch);

    // Assess
    expect(status).toStrictEqual({ state: 'completed', detail: 'generation 4 rolled out: 0 of 0 updated, 0 available' });
  });
});
