import { verifyEksToken } from './eks-token.js';
import { deploymentTable, discovery, TABLE_CONTENT_TYPE, wantsTable } from './kube-discovery.js';
import type { ImageProfile } from './profiles.js';
import { digestOf } from './random.js';

// The Kubernetes API of one simulated EKS cluster, limited to apps/v1
// Deployments: what the API server stores and answers (generation,
// resourceVersion, strategic merge patches, preconditions, Status errors) and
// what the deployment controller does over simulated time (a RollingUpdate
// whose pods become available one after another, or never, and the progress
// deadline). Settled lazily at each look, like the ECS model.

/** How long a healthy rollout takes to replace every pod (each starts and passes readiness in turn). */
export const KUBE_ROLLOUT_SECONDS = 120;
/** The deployment controller observes a new generation this long after the write. */
export const KUBE_OBSERVE_MS = 1000;
/** spec.progressDeadlineSeconds when the Deployment does not set it (the API server's default). */
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
/** The Kubernetes minor version the simulated API servers report (EKS 1.31). */
const KUBE_MINOR = '31';
const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';

export interface KubeContainerSpec {
  name: string;
  image: string;
  [field: string]: unknown;
}

interface Condition {
  type: 'Available' | 'Progressing';
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastUpdateTime: string;
  lastTransitionTime: string;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: Condition[];
}

/** An apps/v1 Deployment as the API server returns it. */
export interface DeploymentObject {
  apiVersion: 'apps/v1';
  kind: 'Deployment';
  metadata: {
    annotations?: Record<string, string>;
    creationTimestamp: string;
    generation: number;
    labels?: Record<string, string>;
    name: string;
    namespace: string;
    resourceVersion: string;
    uid: string;
  };
  spec: {
    progressDeadlineSeconds: number;
    replicas: number;
    revisionHistoryLimit: number;
    selector: { matchLabels: Record<string, string> };
    strategy: { rollingUpdate: { maxSurge: string | number; maxUnavailable: string | number }; type: 'RollingUpdate' };
    template: {
      metadata: { annotations?: Record<string, string>; creationTimestamp: null; labels: Record<string, string> };
      spec: { containers: KubeContainerSpec[]; [field: string]: unknown };
    };
  };
  status: DeploymentStatus;
}

/** One request to the API server, as it arrived (headers lower-cased, as Node gives them). */
export interface KubeRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface KubeAnswer {
  status: number;
  body: unknown;
  /** Default application/json. */
  contentType?: string;
  /** A watch: the server streams what `events()` returns, one JSON line each, until `timeoutMs` (real time) or the client leaves. */
  watch?: { events(): unknown[]; timeoutMs: number };
}

export interface RecordedKubeRequest extends KubeRequest {
  at: number;
  /** What the API server answered: the HTTP status, and the Deployment's resourceVersion when it answered one. */
  status: number;
  resourceVersion?: string;
  /** Why authentication refused it (what the API server logs, not what it answers). */
  denied?: string;
}

/** Answers instead of the API server (a fault), or undefined to let it answer; may also change state first (someone else's write). */
export type KubeFaultInjector = (request: KubeRequest) => KubeAnswer | undefined;

interface ReplicaSet {
  hash: string;
  revision: number;
  images: string[];
}

/** What the controller is doing: bringing ReplicaSet `hash` to spec.replicas available pods. */
interface Rollout {
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
}

interface SimDeployment {
  object: Omit<DeploymentObject, 'status'>;
  status: DeploymentStatus;
  replicaSets: Map<string, ReplicaSet>;
  rollout: Rollout;
  /** Which image served traffic from when: what metrics are generated from. */
  serving: { from: number; image: string }[];
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  500: 'InternalError',
};

/** A Kubernetes API error in its Status shape. */
export function kubeStatus(code: number, message: string, name?: string): KubeAnswer {
  return {
    status: code,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason: REASONS[code] ?? 'Unknown',
      details: name === undefined ? {} : { name, group: 'apps', kind: 'deployments' },
      code,
    },
  };
}

class PatchRefused extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'PatchRefused';
  }
}

const iso = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
const copy = <T>(value: T): T => structuredClone(value);
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

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
function templateHash(template: unknown): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...String(fnv32a(JSON.stringify(template)))].map((c) => alphabet[c.charCodeAt(0) % alphabet.length]).join('');
}

/** maxSurge / maxUnavailable of a RollingUpdate: an integer, or a percentage of the replicas (surge rounds up, unavailable down). */
function rollingBounds(spec: DeploymentObject['spec']): { surge: number; unavailable: number } {
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

/**
 * Deployments on one EKS cluster, and its API server: bearer tokens as EKS
 * issues them, GET and strategic merge PATCH of a Deployment, GET of a
 * namespace's Deployments. Every request is recorded as it arrived.
 */
export class KubernetesModel {
  readonly requests: RecordedKubeRequest[] = [];
  faults: KubeFaultInjector | undefined;
  private readonly deployments = new Map<string, SimDeployment>();
  private readonly bindings: { group: string; namespace: string; verbs: string[] }[] = [];
  private lastResourceVersion = 48_000;

  constructor(
    readonly cluster: string,
    private readonly now: () => number,
    private readonly profileOf: (image: string) => ImageProfile | undefined,
    private readonly seed = 1,
  ) {}

  /** A Deployment that has run its first ReplicaSet for a day, as a team would have it before installing Shipwatch. */
  createDeployment(input: { namespace: string; name: string; containers: KubeContainerSpec[]; replicas?: number; progressDeadlineSeconds?: number; labels?: Record<string, string> }): void {
    const t = this.now() - 24 * 3600 * 1000;
    const app = { app: input.name };
    const template: DeploymentObject['spec']['template'] = {
      metadata: { creationTimestamp: null, labels: { ...app } },
      spec: {
        containers: input.containers.map((c) => ({
          ...copy(c),
          imagePullPolicy: c.imagePullPolicy ?? 'IfNotPresent',
          resources: c.resources ?? {},
          terminationMessagePath: c.terminationMessagePath ?? '/dev/termination-log',
          terminationMessagePolicy: c.terminationMessagePolicy ?? 'File',
        })),
        dnsPolicy: 'ClusterFirst',
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        securityContext: {},
        terminationGracePeriodSeconds: 30,
      },
    };
    const hash = templateHash(template);
    const replicas = input.replicas ?? 3;
    const object: SimDeployment['object'] = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        annotations: { [REVISION_ANNOTATION]: '1' },
        creationTimestamp: iso(t),
        generation: 1,
        labels: { ...app, ...input.labels },
        name: input.name,
        namespace: input.namespace,
        resourceVersion: this.nextResourceVersion(),
        uid: digestOf(this.seed, 'uid', this.cluster, input.namespace, input.name).slice(7, 39).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'),
      },
      spec: {
        progressDeadlineSeconds: input.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS,
        replicas,
        revisionHistoryLimit: 10,
        selector: { matchLabels: { ...app } },
        strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
        template,
      },
    };
    const images = template.spec.containers.map((c) => c.image);
    const deployment: SimDeployment = {
      object,
      status: {},
      replicaSets: new Map([[hash, { hash, revision: 1, images }]]),
      rollout: { generation: 1, hash, from: undefined, startedAt: t, startReady: replicas, oldAvailable: 0, before: {}, completedAt: t },
      serving: [{ from: t, image: this.servingImageOf(images) }],
    };
    this.deployments.set(this.key(input.namespace, input.name), deployment);
    this.settle(deployment);
  }

  /** The Deployment now, as GET returns it. */
  deployment(namespace: string, name: string): DeploymentObject | undefined {
    const d = this.deployments.get(this.key(namespace, name));
    return d ? this.shape(d) : undefined;
  }

  /** The image a Deployment's traffic reaches at time t (for metrics). */
  servingImage(namespace: string, name: string, t: number): { image: string; since: number } | undefined {
    const d = this.deployments.get(this.key(namespace, name));
    if (!d) return undefined;
    this.settle(d);
    const entry = [...d.serving].reverse().find((s) => s.from <= t);
    return entry ? { image: entry.image, since: entry.from } : undefined;
  }

  /**
   * Someone else's change (`kubectl set image`, `kubectl scale`, another
   * pipeline): the same strategic merge patch as over the API, without
   * authentication and not recorded in `requests`.
   */
  patch(namespace: string, name: string, patch: unknown): KubeAnswer {
    const d = this.deployments.get(this.key(namespace, name));
    if (!d) return kubeStatus(404, `deployments.apps "${name}" not found`, name);
    return this.applyPatch(d, patch);
  }

  /** The API server: authentication, then the request. */
  handle(request: KubeRequest): KubeAnswer {
    const record: RecordedKubeRequest = { ...request, headers: { ...request.headers }, at: this.now(), status: 0 };
    this.requests.push(record);
    const answer = this.answer(request, record);
    record.status = answer.status;
    const answered = isMap(answer.body) && answer.body.kind === 'Deployment' && isMap(answer.body.metadata) ? answer.body.metadata.resourceVersion : undefined;
    if (typeof answered === 'string') record.resourceVersion = answered;
    return answer;
  }

  private answer(request: KubeRequest, record: RecordedKubeRequest): KubeAnswer {
    const fault = this.faults?.(request);
    if (fault) return fault;

    const authorization = String(request.headers.authorization ?? '');
    const token = /^Bearer (.+)$/.exec(authorization)?.[1];
    const check = token ? verifyEksToken(token, this.now()) : { ok: false as const, why: 'no bearer token' };
    if (!check.ok) {
      record.denied = check.why;
      return kubeStatus(401, 'Unauthorized');
    }

    const path = request.path.split('?')[0]!;
    const cluster = this.clusterApi(request, path);
    if (cluster) return cluster;
    const match = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments(?:\/([^/]+))?$/.exec(path);
    if (!match) return kubeStatus(404, 'the server could not find the requested resource');
    const namespace = decodeURIComponent(match[1]!);
    if (match[2] === undefined) {
      if (request.method !== 'GET') return kubeStatus(405, `the Shipwatch simulated cloud does not implement ${request.method} on a list of deployments`);
      return this.list(request, (d) => d.object.metadata.namespace === namespace);
    }
    const name = decodeURIComponent(match[2]);
    const d = this.deployments.get(this.key(namespace, name));
    if (request.method !== 'GET' && request.method !== 'PATCH') return kubeStatus(405, `the Shipwatch simulated cloud does not implement ${request.method} on deployments`);
    if (!d) return kubeStatus(404, `deployments.apps "${name}" not found`, name);
    if (request.method === 'GET') {
      const shaped = this.shape(d);
      return wantsTable(request.headers.accept) ? { status: 200, body: deploymentTable([shaped], shaped.metadata.resourceVersion, this.now()), contentType: TABLE_CONTENT_TYPE } : { status: 200, body: shaped };
    }

    const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (type !== STRATEGIC_MERGE_PATCH) {
      return kubeStatus(415, `the body of the request was in an unknown format - accepted media types include: ${STRATEGIC_MERGE_PATCH} (the only patch type the Shipwatch simulated cloud implements)`);
    }
    let patch: unknown;
    try {
      patch = JSON.parse(request.body);
    } catch (error) {
      return kubeStatus(400, `error decoding patch: ${(error as Error).message}`);
    }
    return this.applyPatch(d, patch);
  }

  /**
   * Grants `verbs` on Deployments in `namespace` ('*': every namespace) to a
   * group, as a Role and RoleBinding would: what SubjectAccessReview answers from.
   */
  grant(group: string, namespace: string, verbs: string[]): void {
    this.bindings.push({ group, namespace, verbs: [...verbs] });
  }

  /** Cluster-level endpoints beside Deployments: the version, and access reviews (who may do what). */
  private clusterApi(request: KubeRequest, path: string): KubeAnswer | undefined {
    const document = request.method === 'GET' ? discovery(path) : undefined;
    if (document) return { status: 200, body: document };
    if (path === '/apis/apps/v1/deployments') {
      if (request.method !== 'GET') return kubeStatus(405, `the Shipwatch simulated cloud does not implement ${request.method} on a list of deployments`);
      return this.list(request, () => true);
    }
    if (path === '/version' && request.method === 'GET') {
      return { status: 200, body: { major: '1', minor: KUBE_MINOR, gitVersion: `v1.${KUBE_MINOR}.2-eks-sandbox`, gitCommit: 'sandbox', gitTreeState: 'clean', buildDate: '2026-10-01T00:00:00Z', goVersion: 'go1.23.4', compiler: 'gc', platform: 'linux/amd64' } };
    }
    if (path !== '/apis/authorization.k8s.io/v1/subjectaccessreviews') return undefined;
    if (request.method !== 'POST') return kubeStatus(405, `the Shipwatch simulated cloud does not implement ${request.method} on subjectaccessreviews`);
    let review: { spec?: { user?: string; groups?: string[]; resourceAttributes?: { namespace?: string; verb?: string; group?: string; resource?: string } } };
    try {
      review = JSON.parse(request.body) as typeof review;
    } catch (error) {
      return kubeStatus(400, `error decoding the review: ${(error as Error).message}`);
    }
    const spec = review.spec ?? {};
    const attributes = spec.resourceAttributes;
    if (!attributes?.verb || !attributes.resource) return kubeStatus(422, 'SubjectAccessReview.authorization.k8s.io is invalid: spec.resourceAttributes: Required value: the Shipwatch simulated cloud reviews resource access only');
    const binding = this.bindings.find(
      (b) => (spec.groups ?? []).includes(b.group) && (b.namespace === '*' || b.namespace === attributes.namespace) && b.verbs.includes(attributes.verb!) && attributes.resource === 'deployments' && (attributes.group ?? '') === 'apps',
    );
    const status = binding ? { allowed: true, reason: `RBAC: allowed by RoleBinding for group "${binding.group}" in namespace "${binding.namespace}"` } : { allowed: false };
    return { status: 201, body: { kind: 'SubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status } };
  }

  /**
   * A list of Deployments (one namespace, or all): `fieldSelector=metadata.name=…`
   * as `kubectl rollout status` sends it, server-side printing for `kubectl
   * get`, and `watch=true`: each change of a listed Deployment after the
   * given resourceVersion, as a MODIFIED event (the rollout moves on
   * simulated time, so the stream follows the sandbox's clock).
   */
  private list(request: KubeRequest, inScope: (d: SimDeployment) => boolean): KubeAnswer {
    const query = new URLSearchParams(request.path.split('?')[1] ?? '');
    const named = /^metadata\.name=(.+)$/.exec(query.get('fieldSelector') ?? '')?.[1];
    const selected = () => [...this.deployments.values()].filter((d) => inScope(d) && (named === undefined || d.object.metadata.name === named));
    if (query.get('watch') === 'true' || query.get('watch') === '1') {
      const sent = new Map<SimDeployment, number>();
      const from = Number(query.get('resourceVersion') ?? 0);
      return {
        status: 200,
        body: undefined,
        watch: {
          timeoutMs: Math.min(Number(query.get('timeoutSeconds') ?? 300), 300) * 1000,
          events: () =>
            selected().flatMap((d) => {
              const shaped = this.shape(d);
              const version = Number(shaped.metadata.resourceVersion);
              if (version <= (sent.get(d) ?? from)) return [];
              sent.set(d, version);
              return [{ type: 'MODIFIED', object: shaped }];
            }),
        },
      };
    }
    const items = selected().map((d) => this.shape(d));
    const resourceVersion = String(this.lastResourceVersion);
    if (wantsTable(request.headers.accept)) return { status: 200, body: deploymentTable(items, resourceVersion, this.now()), contentType: TABLE_CONTENT_TYPE };
    return { status: 200, body: { kind: 'DeploymentList', apiVersion: 'apps/v1', metadata: { resourceVersion }, items } };
  }

  private key(namespace: string, name: string): string {
    return `${namespace}/${name}`;
  }

  private nextResourceVersion(): string {
    this.lastResourceVersion += 1;
    return String(this.lastResourceVersion);
  }

  /** The image that decides how the pods behave: the first one ECR knows (a sidecar from elsewhere does not). */
  private servingImageOf(images: string[]): string {
    return images.find((i) => this.profileOf(i)) ?? images[0] ?? '';
  }

  /** Pods of a template start and pass readiness unless one of its images is known to fail. */
  private healthy(rs: ReplicaSet): boolean {
    return !rs.images.some((i) => this.profileOf(i)?.healthy === false);
  }

  private shape(d: SimDeployment): DeploymentObject {
    this.settle(d);
    return copy({ ...d.object, status: d.status });
  }

  /**
   * The controller's view at `at`: pod counts and conditions of the current
   * rollout. Healthy pods become available one every
   * KUBE_ROLLOUT_SECONDS / replicas; old pods are scaled down as they do,
   * within maxSurge and maxUnavailable. Pods that never become ready stall
   * the rollout at maxSurge + maxUnavailable new pods, until the progress
   * deadline passes with no progress.
   */
  private statusAt(d: SimDeployment, at: number): { status: DeploymentStatus; completedAt?: number } {
    const r = d.rollout;
    if (at < r.startedAt) return { status: r.before };
    const spec = d.object.spec;
    const desired = spec.replicas;
    const { surge, unavailable } = rollingBounds(spec);
    const rs = d.replicaSets.get(r.hash)!;
    const rsName = `${d.object.metadata.name}-${r.hash}`;
    const step = (KUBE_ROLLOUT_SECONDS * 1000) / Math.max(1, desired);
    const startReady = Math.min(r.startReady, desired);

    // Once rolled out it stays so: the progress deadline only judges a rollout.
    const done = r.completedAt !== undefined && at >= r.completedAt;
    const healthy = done || this.healthy(rs);
    const ready = done ? desired : this.readyOf(d, at);
    const progressAt = healthy ? r.startedAt + (ready - startReady) * step : r.startedAt;
    const old = Math.min(r.oldAvailable, Math.max(0, desired - unavailable - ready));
    const created = Math.min(desired, desired + surge - old);
    const complete = ready >= desired && old === 0;
    const completedAt = complete ? (r.completedAt ?? r.startedAt + Math.max(0, desired - startReady) * step) : undefined;
    const deadlineAt = progressAt + spec.progressDeadlineSeconds * 1000;
    const exceeded = !complete && at >= deadlineAt;

    const available = ready + old;
    const total = created + old;
    const previous = new Map((d.status.conditions ?? []).map((c) => [c.type, c]));
    const condition = (type: Condition['type'], status: Condition['status'], reason: string, message: string, updatedAt: number): Condition => {
      const before = previous.get(type);
      const same = before && before.reason === reason && before.message === message;
      return {
        lastTransitionTime: before && before.status === status ? before.lastTransitionTime : iso(updatedAt),
        lastUpdateTime: same ? before.lastUpdateTime : iso(updatedAt),
        message,
        reason,
        status,
        type,
      };
    };
    const conditions: Condition[] = [
      available >= desired - unavailable
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

  /** Moves a Deployment to now: its status, the revision annotation, and who serves. A changed status is a new resourceVersion. */
  private settle(d: SimDeployment): void {
    const now = this.now();
    const r = d.rollout;
    const { status, completedAt } = this.statusAt(d, now);
    let changed = JSON.stringify(status) !== JSON.stringify(d.status);
    if (completedAt !== undefined && r.completedAt === undefined) {
      r.completedAt = completedAt;
      const image = this.servingImageOf(d.replicaSets.get(r.hash)!.images);
      if (d.serving.at(-1)?.image !== image) d.serving.push({ from: completedAt, image });
    }
    if (now >= r.startedAt) {
      const revision = String(d.replicaSets.get(r.hash)!.revision);
      const annotations = (d.object.metadata.annotations ??= {});
      if (annotations[REVISION_ANNOTATION] !== revision) {
        annotations[REVISION_ANNOTATION] = revision;
        changed = true;
      }
    }
    d.status = status;
    if (changed) d.object.metadata.resourceVersion = this.nextResourceVersion();
  }

  /**
   * A strategic merge patch of what the model implements: metadata
   * annotations and labels (null removes), the resourceVersion precondition,
   * spec.replicas, spec.progressDeadlineSeconds, and the pod template's
   * labels, annotations and containers (merged by name; `$patch: delete`
   * removes one). Anything else is refused, naming it, rather than ignored.
   */
  private applyPatch(d: SimDeployment, patch: unknown): KubeAnswer {
    this.settle(d);
    const name = d.object.metadata.name;
    const next = copy(d.object);
    try {
      this.merge(next, patch);
    } catch (error) {
      if (error instanceof PatchRefused) {
        const message = error.code === 422 ? `Deployment.apps "${name}" is invalid: ${error.message}` : error.message;
        return kubeStatus(error.code, message, name);
      }
      throw error;
    }
    const precondition = isMap(patch) && isMap(patch.metadata) ? patch.metadata.resourceVersion : undefined;
    if (precondition !== undefined && precondition !== d.object.metadata.resourceVersion) {
      return kubeStatus(409, `Operation cannot be fulfilled on deployments.apps "${name}": the object has been modified; please apply your changes to the latest version and try again`, name);
    }
    const specChanged = JSON.stringify(next.spec) !== JSON.stringify(d.object.spec);
    const changed = specChanged || JSON.stringify(next.metadata) !== JSON.stringify(d.object.metadata);
    if (specChanged) {
      next.metadata.generation += 1;
      this.startRollout(d, next);
    }
    d.object = next;
    if (changed) d.object.metadata.resourceVersion = this.nextResourceVersion();
    return { status: 200, body: copy({ ...d.object, status: d.status }) };
  }

  /** A new generation: the controller will observe it and roll out its template (a new ReplicaSet, or an old one again). */
  private startRollout(d: SimDeployment, next: SimDeployment['object']): void {
    const now = this.now();
    const current = d.rollout;
    const counts = this.statusAt(d, now).status;
    const hash = templateHash(next.spec.template);
    const currentReady = this.readyOf(d, now);
    const oldReady = Math.max(0, (counts.availableReplicas ?? 0) - currentReady);
    const startReady = hash === current.hash ? currentReady : hash === current.from ? oldReady : 0;
    const maxRevision = Math.max(...[...d.replicaSets.values()].map((rs) => rs.revision));
    // A template seen before is its old ReplicaSet again, with the next revision (as `kubectl rollout undo` shows it).
    if (hash !== current.hash) d.replicaSets.set(hash, { hash, revision: maxRevision + 1, images: next.spec.template.spec.containers.map((c) => c.image) });
    d.rollout = {
      generation: next.metadata.generation,
      hash,
      from: hash === current.hash ? current.from : current.hash,
      startedAt: now + KUBE_OBSERVE_MS,
      startReady,
      oldAvailable: Math.max(0, (counts.availableReplicas ?? 0) - startReady),
      before: counts,
    };
  }

  /** Available pods of the current rollout's own ReplicaSet at `at`. */
  private readyOf(d: SimDeployment, at: number): number {
    const r = d.rollout;
    const desired = d.object.spec.replicas;
    if (at < r.startedAt) return Math.min(r.startReady, desired);
    if (r.completedAt !== undefined && at >= r.completedAt) return desired;
    if (!this.healthy(d.replicaSets.get(r.hash)!)) return 0;
    const step = (KUBE_ROLLOUT_SECONDS * 1000) / Math.max(1, desired);
    return Math.min(desired, Math.min(r.startReady, desired) + Math.floor((at - r.startedAt) / step));
  }

  private merge(target: SimDeployment['object'], patch: unknown): void {
    if (!isMap(patch)) throw new PatchRefused(400, 'error decoding patch: the patch is not a JSON object');
    const refuse = (path: string) => {
      throw new PatchRefused(422, `${path}: the Shipwatch simulated cloud does not implement patching this field`);
    };
    const only = (object: Record<string, unknown>, at: string, keys: string[]) => {
      for (const key of Object.keys(object)) if (!keys.includes(key)) refuse(`${at}${at ? '.' : ''}${key}`);
    };
    // apiVersion and kind may be repeated; status is ignored on the main resource, as the API server does.
    only(patch, '', ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    if (patch.metadata !== undefined) {
      if (!isMap(patch.metadata)) throw new PatchRefused(400, 'metadata: expected an object');
      only(patch.metadata, 'metadata', ['resourceVersion', 'annotations', 'labels']);
      if (patch.metadata.resourceVersion !== undefined && typeof patch.metadata.resourceVersion !== 'string') {
        throw new PatchRefused(400, 'metadata.resourceVersion: expected a string');
      }
      target.metadata.annotations = mergeStrings(target.metadata.annotations, patch.metadata.annotations, 'metadata.annotations');
      target.metadata.labels = mergeStrings(target.metadata.labels, patch.metadata.labels, 'metadata.labels');
    }
    const spec = patch.spec;
    if (spec === undefined) return;
    if (!isMap(spec)) throw new PatchRefused(400, 'spec: expected an object');
    only(spec, 'spec', ['replicas', 'progressDeadlineSeconds', 'template']);
    if (spec.replicas !== undefined) {
      if (!Number.isInteger(spec.replicas) || (spec.replicas as number) < 0) throw new PatchRefused(422, `spec.replicas: Invalid value: ${JSON.stringify(spec.replicas)}: must be greater than or equal to 0`);
      target.spec.replicas = spec.replicas as number;
    }
    if (spec.progressDeadlineSeconds !== undefined) {
      if (!Number.isInteger(spec.progressDeadlineSeconds) || (spec.progressDeadlineSeconds as number) <= 0) {
        throw new PatchRefused(422, `spec.progressDeadlineSeconds: Invalid value: ${JSON.stringify(spec.progressDeadlineSeconds)}: must be greater than 0`);
      }
      target.spec.progressDeadlineSeconds = spec.progressDeadlineSeconds as number;
    }
    const template = spec.template;
    if (template === undefined) return;
    if (!isMap(template)) throw new PatchRefused(400, 'spec.template: expected an object');
    only(template, 'spec.template', ['metadata', 'spec']);
    if (template.metadata !== undefined) {
      if (!isMap(template.metadata)) throw new PatchRefused(400, 'spec.template.metadata: expected an object');
      only(template.metadata, 'spec.template.metadata', ['labels', 'annotations']);
      target.spec.template.metadata.labels = mergeStrings(target.spec.template.metadata.labels, template.metadata.labels, 'spec.template.metadata.labels') ?? {};
      target.spec.template.metadata.annotations = mergeStrings(target.spec.template.metadata.annotations, template.metadata.annotations, 'spec.template.metadata.annotations');
      if (target.spec.template.metadata.annotations === undefined) delete target.spec.template.metadata.annotations;
      const selector = target.spec.selector.matchLabels;
      if (Object.entries(selector).some(([k, v]) => target.spec.template.metadata.labels[k] !== v)) {
        throw new PatchRefused(422, `spec.template.metadata.labels: Invalid value: ${JSON.stringify(target.spec.template.metadata.labels)}: \`selector\` does not match template \`labels\``);
      }
    }
    if (template.spec === undefined) return;
    if (!isMap(template.spec)) throw new PatchRefused(400, 'spec.template.spec: expected an object');
    only(template.spec, 'spec.template.spec', ['containers']);
    const containers = template.spec.containers;
    if (containers === undefined) return;
    if (!Array.isArray(containers)) throw new PatchRefused(400, 'spec.template.spec.containers: expected a list');
    const current = target.spec.template.spec.containers;
    for (const [i, item] of containers.entries()) {
      const at = `spec.template.spec.containers[${i}]`;
      if (!isMap(item)) throw new PatchRefused(400, `${at}: expected an object`);
      if (typeof item.name !== 'string' || item.name === '') throw new PatchRefused(422, `${at}.name: Required value`);
      only(item, at, ['name', 'image', '$patch']);
      const index = current.findIndex((c) => c.name === item.name);
      if (item.$patch !== undefined) {
        if (item.$patch !== 'delete') refuse(`${at}.$patch: ${String(item.$patch)}`);
        if (index >= 0) current.splice(index, 1);
        continue;
      }
      if (item.image !== undefined && (typeof item.image !== 'string' || item.image === '')) throw new PatchRefused(422, `${at}.image: Required value`);
      if (index >= 0) {
        if (item.image !== undefined) current[index]!.image = item.image as string;
      } else {
        if (item.image === undefined) throw new PatchRefused(422, `${at}.image: Required value`);
        current.push({ name: item.name, image: item.image as string, imagePullPolicy: 'IfNotPresent', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' });
      }
    }
    if (current.length === 0) throw new PatchRefused(422, 'spec.template.spec.containers: Required value');
  }
}

/** A string map merged as a strategic merge patch merges one: null removes a key. */
function mergeStrings(current: Record<string, string> | undefined, patch: unknown, at: string): Record<string, string> | undefined {
  if (patch === undefined) return current;
  if (patch === null) return undefined;
  if (!isMap(patch)) throw new PatchRefused(400, `${at}: expected an object`);
  const merged = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else if (typeof value === 'string') merged[key] = value;
    else throw new PatchRefused(400, `${at}.${key}: cannot unmarshal ${typeof value} into a string`);
  }
  return Object.keys(merged).length > 0 ? merged : undefined;
}
