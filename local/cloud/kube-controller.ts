import { iso, type Condition, type DeploymentObject, type DeploymentStatus } from './kube-objects.js';

// The deployment controller of the simulated clusters, as pure arithmetic
// over simulated time: a RollingUpdate whose pods become available one after
// another (or never), old pods scaled down within maxSurge and
// maxUnavailable, and the progress deadline
// (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#rolling-update-deployment).
// Each rollout keeps the spec it rolls out to, so the pods of any moment can
// be worked out again later: what traffic and metrics are made from.

/** How long a healthy rollout takes to replace every pod (each starts and passes readiness in turn). */
export const KUBE_ROLLOUT_SECONDS = 120;
/** The deployment controller observes a new generation this long after the write. */
export const KUBE_OBSERVE_MS = 1000;
/** spec.progressDeadlineSeconds when the Deployment does not set it (the API server's default). */
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

export interface ReplicaSet {
  hash: string;
  revision: number;
  images: string[];
}

/** What the controller is doing: bringing ReplicaSet `hash` to `desired` available pods. */
export interface Rollout {
  generation: number;
  hash: string;
  /** The ReplicaSet whose pods it replaces. */
  from: string | undefined;
  /** When the controller observed the generation and started. */
  startedAt: number;
  /** Available pods of `hash` already running when it started (a rollback finds the old ones). */
  startReady: number;
  /** Available pods of other ReplicaSets when it started. */
  oldAvailable: number;
  /** Status from before the controller observed it (the answer to the write itself). */
  before: DeploymentStatus;
  completedAt?: number;
  /** The spec it rolls out to, as written: replicas, the resolved RollingUpdate bounds, the progress deadline. */
  desired: number;
  surge: number;
  unavailable: number;
  progressDeadlineSeconds: number;
}

/** FNV-1a, 32 bits: what the deployment controller hashes a pod template with. */
function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** pod-template-hash: the hash's decimal digits through rand.SafeEncodeString's alphabet, as Kubernetes names ReplicaSets. */
export function templateHash(template: unknown): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...String(fnv32a(JSON.stringify(template)))].map((c) => alphabet[c.charCodeAt(0) % alphabet.length]).join('');
}

/** maxSurge / maxUnavailable of a RollingUpdate: an integer, or a percentage of the replicas (surge rounds up, unavailable down). */
export function rollingBounds(spec: Pick<DeploymentObject['spec'], 'replicas' | 'strategy'>): { surge: number; unavailable: number } {
  const replicas = spec.replicas;
  const resolve = (value: string | number, roundUp: boolean) => {
    if (typeof value === 'number') return value;
    const percent = Number(value.replace(/%$/, '')) / 100;
    return roundUp ? Math.ceil(replicas * percent) : Math.floor(replicas * percent);
  };
  const surge = resolve(spec.strategy.rollingUpdate.maxSurge, true);
  const unavailable = resolve(spec.strategy.rollingUpdate.maxUnavailable, false);
  // Both zero would never progress: the API server refuses it, the controller uses 1.
  return surge === 0 && unavailable === 0 ? { surge: 0, unavailable: 1 } : { surge, unavailable };
}

/** The part of a rollout that comes from the spec it rolls out to. */
export const rolloutSpec = (spec: DeploymentObject['spec']) => ({
  desired: spec.replicas,
  ...rollingBounds(spec),
  progressDeadlineSeconds: spec.progressDeadlineSeconds,
});

const stepMs = (r: Rollout) => (KUBE_ROLLOUT_SECONDS * 1000) / Math.max(1, r.desired);

/** Available pods of the rollout's own ReplicaSet at `at`; `healthy`: its pods pass readiness at all. */
export function readyAt(r: Rollout, at: number, healthy: boolean): number {
  if (at < r.startedAt) return Math.min(r.startReady, r.desired);
  if (r.completedAt !== undefined && at >= r.completedAt) return r.desired;
  if (!healthy) return 0;
  return Math.min(r.desired, Math.min(r.startReady, r.desired) + Math.floor((at - r.startedAt) / stepMs(r)));
}

/**
 * The pods of a rollout at `at` (at or after it started): its own ReplicaSet's
 * available ones, the old ones still up, how many of its own exist, and where
 * the rollout stands. Pods that never become ready stall it at maxSurge +
 * maxUnavailable new pods, until the progress deadline passes with no progress.
 */
export function podsAt(r: Rollout, at: number, healthy: boolean) {
  const step = stepMs(r);
  const startReady = Math.min(r.startReady, r.desired);
  // Once rolled out it stays so: the progress deadline only judges a rollout.
  const done = r.completedAt !== undefined && at >= r.completedAt;
  const ready = done ? r.desired : readyAt(r, at, healthy);
  const progressAt = done || healthy ? r.startedAt + (ready - startReady) * step : r.startedAt;
  const old = Math.min(r.oldAvailable, Math.max(0, r.desired - r.unavailable - ready));
  const created = Math.min(r.desired, r.desired + r.surge - old);
  const complete = ready >= r.desired && old === 0;
  const completedAt = complete ? (r.completedAt ?? r.startedAt + Math.max(0, r.desired - startReady) * step) : undefined;
  const deadlineAt = progressAt + r.progressDeadlineSeconds * 1000;
  return { ready, old, created, complete, completedAt, progressAt, deadlineAt, exceeded: !complete && at >= deadlineAt };
}

/**
 * The controller's status at `at`: pod counts and the Available and
 * Progressing conditions, each keeping its times while it stays the same
 * (`previous`), as the controller updates them.
 */
export function statusAt(r: Rollout, at: number, healthy: boolean, rsName: string, previous: Condition[]): { status: DeploymentStatus; completedAt?: number } {
  if (at < r.startedAt) return { status: r.before };
  const { ready, old, created, complete, completedAt, progressAt, deadlineAt, exceeded } = podsAt(r, at, healthy);
  const available = ready + old;
  const total = created + old;
  const before = new Map(previous.map((c) => [c.type, c]));
  const condition = (type: Condition['type'], status: Condition['status'], reason: string, message: string, updatedAt: number): Condition => {
    const was = before.get(type);
    const same = was && was.reason === reason && was.message === message;
    return {
      lastTransitionTime: was && was.status === status ? was.lastTransitionTime : iso(updatedAt),
      lastUpdateTime: same ? was.lastUpdateTime : iso(updatedAt),
      message,
      reason,
      status,
      type,
    };
  };
  const conditions: Condition[] = [
    available >= r.desired - r.unavailable
      ? condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', r.startedAt)
      : condition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', r.startedAt),
    complete
      ? condition('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`, completedAt!)
      : exceeded
        ? condition('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${rsName}" has timed out progressing.`, deadlineAt)
        : condition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`, progressAt),
  ];
  // The API omits zero counts (omitempty).
  const count = (n: number) => (n > 0 ? n : undefined);
  const status: DeploymentStatus = JSON.parse(
    JSON.stringify({
      observedGeneration: r.generation,
      replicas: count(total),
      updatedReplicas: count(created),
      readyReplicas: count(available),
      availableReplicas: count(available),
      unavailableReplicas: count(total - available),
      conditions,
    }),
  );
  return completedAt === undefined ? { status } : { status, completedAt };
}
