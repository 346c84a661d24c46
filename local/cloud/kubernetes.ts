// Long on purpose: the API server's routes and answers for Deployments and Services, as one
// table of what Kubernetes accepts; patching, objects, the controller and traffic are in kube-*.ts.
import { verifyEksToken } from './eks-token.js';
import {
  KUBE_OBSERVE_MS,
  KUBE_ROLLOUT_SECONDS,
  podsAt,
  readyAt,
  rolloutSpec,
  statusAt,
  templateHash,
  type ReplicaSet,
  type Rollout,
} from './kube-controller.js';
import { deploymentFromManifest, podSpecDefaults } from './kube-create.js';
import { deploymentTable, discovery, TABLE_CONTENT_TYPE, wantsTable } from './kube-discovery.js';
import {
  copy,
  isMap,
  iso,
  kubeStatus,
  Refused,
  selects,
  type DeploymentObject,
  type DeploymentStatus,
  type KubeAnswer,
  type KubeContainerSpec,
  type KubeFaultInjector,
  type KubeRequest,
  type RecordedKubeRequest,
} from './kube-objects.js';
import { mergeDeploymentPatch } from './kube-patch.js';
import { serviceObject, serviceTable, type ServiceInput, type ServiceObject } from './kube-services.js';
import type { ImageProfile } from './profiles.js';
import { digestOf } from './random.js';

// The Kubernetes API of one simulated EKS cluster: apps/v1 Deployments (get,
// list, watch, strategic merge patch, create, delete) and v1 Services (get,
// list), what the API server stores and answers (generation, resourceVersion,
// uid, preconditions, Status errors), and what the deployment controller does
// over simulated time (kube-controller.ts). Settled lazily at each look, like
// the ECS model. Each Deployment keeps its rollouts, and a deleted one is
// kept aside with the time it went, so the pods behind a Service at any past
// moment can be worked out again (kube-traffic.ts).

export { DEFAULT_PROGRESS_DEADLINE_SECONDS, KUBE_OBSERVE_MS, KUBE_ROLLOUT_SECONDS } from './kube-controller.js';
export {
  kubeStatus,
  type DeploymentObject,
  type DeploymentStatus,
  type KubeAnswer,
  type KubeContainerSpec,
  type KubeFaultInjector,
  type KubeRequest,
  type RecordedKubeRequest,
} from './kube-objects.js';

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';

interface SimReplicaSet extends ReplicaSet {
  /** Its pods' labels (the template's): what a Service selects them by. */
  labels: Record<string, string>;
}

interface SimDeployment {
  object: Omit<DeploymentObject, 'status'>;
  status: DeploymentStatus;
  replicaSets: Map<string, SimReplicaSet>;
  rollout: Rollout;
  /** Every rollout since it was created, the current one last. */
  history: Rollout[];
  /** Which image served traffic from when: what the load balancer metrics of a Deployment are generated from. */
  serving: { from: number; image: string }[];
  /** Deleted (over the API) at: its pods serve nothing from then. */
  deletedAt?: number;
}

/** Pods of one image behind a selector at a moment: the endpoints a Service spreads requests over. */
export interface Endpoints {
  deployment: string;
  image: string;
  pods: number;
}

/**
 * Deployments and Services on one EKS cluster, and its API server: bearer
 * tokens as EKS issues them, then the request. Every request is recorded as it arrived.
 */
export class KubernetesModel {
  readonly requests: RecordedKubeRequest[] = [];
  faults: KubeFaultInjector | undefined;
  private readonly deployments = new Map<string, SimDeployment>();
  private readonly retired: SimDeployment[] = [];
  private readonly services = new Map<string, ServiceObject>();
  private readonly namespaces = new Set<string>();
  private readonly bindings: { group: string; namespace: string; verbs: string[]; resourceNames?: string[] }[] = [];
  private lastResourceVersion = 48_000;
  private created = 0;

  constructor(
    readonly cluster: string,
    private readonly now: () => number,
    private readonly profileOf: (image: string) => ImageProfile | undefined,
    private readonly seed = 1,
  ) {}

  /** A Deployment that has run its first ReplicaSet for a day, as a team would have it before installing Shipwatch. */
  createDeployment(input: {
    namespace: string;
    name: string;
    containers: KubeContainerSpec[];
    replicas?: number;
    progressDeadlineSeconds?: number;
    labels?: Record<string, string>;
    podLabels?: Record<string, string>;
  }): void {
    const t = this.now() - 24 * 3600 * 1000;
    const app = { app: input.name };
    const podLabels = { ...app, ...input.podLabels };
    const template: DeploymentObject['spec']['template'] = {
      metadata: { creationTimestamp: null, labels: podLabels },
      spec: podSpecDefaults({ containers: input.containers }),
    };
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
        uid: this.uid(input.namespace, input.name),
      },
      spec: {
        progressDeadlineSeconds: input.progressDeadlineSeconds ?? 600,
        replicas,
        revisionHistoryLimit: 10,
        selector: { matchLabels: { ...podLabels } },
        strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
        template,
      },
    };
    this.store(object, { startedAt: t, startReady: replicas, completedAt: t });
  }

  /** A Service in front of the pods whose labels its selector matches (`kubectl expose`, a Helm chart's Service). */
  createService(input: ServiceInput): ServiceObject {
    const service = serviceObject(input, {
      uid: this.uid(input.namespace, `service/${input.name}`),
      resourceVersion: this.nextResourceVersion(),
      createdAt: this.now() - 24 * 3600 * 1000,
      clusterIP: `10.100.${(this.services.size * 37 + 12) % 250}.${(this.services.size * 91 + 7) % 250}`,
    });
    this.services.set(this.key(input.namespace, input.name), service);
    this.namespaces.add(input.namespace);
    return copy(service);
  }

  /** The Deployment now, as GET returns it. */
  deployment(namespace: string, name: string): DeploymentObject | undefined {
    const d = this.deployments.get(this.key(namespace, name));
    return d ? this.shape(d) : undefined;
  }

  service(namespace: string, name: string): ServiceObject | undefined {
    const s = this.services.get(this.key(namespace, name));
    return s ? copy(s) : undefined;
  }

  /** The Services of a namespace whose selector picks the pods of Deployment `deployment`. */
  servicesFor(namespace: string, deployment: string): ServiceObject[] {
    const labels = this.deployments.get(this.key(namespace, deployment))?.object.spec.template.metadata.labels;
    if (!labels) return [];
    return [...this.services.values()].filter((s) => s.metadata.namespace === namespace && selects({ matchLabels: s.spec.selector }, labels)).map(copy);
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
   * The available pods at `t`, by Deployment and image, whose labels
   * `selector` matches (a Service's endpoints), Deployments deleted since
   * included until they went. A rollout's new pods carry its template's image,
   * the pods it is replacing the previous one's.
   */
  endpoints(namespace: string, selector: Record<string, string>, t: number): Endpoints[] {
    const found: Endpoints[] = [];
    for (const d of [...this.deployments.values(), ...this.retired]) {
      if (d.object.metadata.namespace !== namespace || (d.deletedAt !== undefined && t >= d.deletedAt)) continue;
      const r = d.history.findLast((h) => h.startedAt <= t);
      if (!r) continue;
      const own = d.replicaSets.get(r.hash)!;
      const { ready, old } = podsAt(r, t, this.healthy(own));
      const add = (rs: SimReplicaSet | undefined, n: number) => {
        if (rs && n > 0 && selects({ matchLabels: selector }, rs.labels))
          found.push({ deployment: d.object.metadata.name, image: this.servingImageOf(rs.images), pods: n });
      };
      add(own, ready);
      add(r.from === undefined ? undefined : d.replicaSets.get(r.from), old);
    }
    return found;
  }

  /** When pods of `image` first became available behind `selector` (a latent bug counts from then), or undefined. */
  firstServed(namespace: string, selector: Record<string, string>, image: string): number | undefined {
    let first: number | undefined;
    for (const d of [...this.deployments.values(), ...this.retired]) {
      if (d.object.metadata.namespace !== namespace) continue;
      for (const r of d.history) {
        const rs = d.replicaSets.get(r.hash)!;
        if (this.servingImageOf(rs.images) !== image || !selects({ matchLabels: selector }, rs.labels) || !this.healthy(rs)) continue;
        const at = r.startReady > 0 ? r.startedAt : r.startedAt + (KUBE_ROLLOUT_SECONDS * 1000) / Math.max(1, r.desired);
        if (d.deletedAt === undefined || at < d.deletedAt) first = Math.min(first ?? at, at);
      }
    }
    return first;
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

  /** Someone else's `kubectl delete deployment` (not recorded in `requests`). */
  remove(namespace: string, name: string): KubeAnswer {
    return this.deleteDeployment(namespace, name, undefined);
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

  /**
   * Grants `verbs` on Deployments in `namespace` ('*': every namespace) to a
   * group, as a Role and RoleBinding would: what SubjectAccessReview answers
   * from. `resourceNames` limits the rule to those Deployments, and then (as
   * in RBAC) it never allows a request without a name, such as a create.
   */
  grant(group: string, namespace: string, verbs: string[], options: { resourceNames?: string[] } = {}): void {
    this.bindings.push({ group, namespace, verbs: [...verbs], ...(options.resourceNames ? { resourceNames: [...options.resourceNames] } : {}) });
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
    const core = this.coreApi(request, path);
    if (core) return core;
    const match = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments(?:\/([^/]+))?$/.exec(path);
    if (!match) return kubeStatus(404, 'the server could not find the requested resource');
    const namespace = decodeURIComponent(match[1]!);
    if (match[2] === undefined) {
      if (request.method === 'POST') return this.create(namespace, request.body);
      if (request.method !== 'GET') return kubeStatus(405, `the Shipwatch simulated cloud does not implement ${request.method} on a list of deployments`);
      return this.list(request, (d) => d.object.metadata.namespace === namespace);
    }
    const name = decodeURIComponent(match[2]);
    if (request.method === 'DELETE') return this.deleteDeployment(namespace, name, request.body);
    const d = this.deployments.get(this.key(namespace, name));
    if (request.method !== 'GET' && request.method !== 'PATCH')
      return kubeStatus(405, `the Shipwatch simulated cloud does not implement ${request.method} on deployments`);
    if (!d) return kubeStatus(404, `deployments.apps "${name}" not found`, name);
    if (request.method === 'GET') {
      const shaped = this.shape(d);
      return wantsTable(request.headers.accept)
        ? { status: 200, body: deploymentTable([shaped], shaped.metadata.resourceVersion, this.now()), contentType: TABLE_CONTENT_TYPE }
        : { status: 200, body: shaped };
    }

    const type = String(request.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim();
    if (type !== STRATEGIC_MERGE_PATCH) {
      return kubeStatus(
        415,
        `the body of the request was in an unknown format - accepted media types include: ${STRATEGIC_MERGE_PATCH} (the only patch type the Shipwatch simulated cloud implements)`,
      );
    }
    let patch: unknown;
    try {
      patch = JSON.parse(request.body);
    } catch (error) {
      return kubeStatus(400, `error decoding patch: ${(error as Error).message}`);
    }
    return this.applyPatch(d, patch);
  }

  /** v1 Services: get one, list a namespace's or all (with server-side printing for kubectl). */
  private coreApi(request: KubeRequest, path: string): KubeAnswer | undefined {
    const match = /^\/api\/v1(?:\/namespaces\/([^/]+))?\/services(?:\/([^/]+))?$/.exec(path);
    if (!match) return undefined;
    if (request.method !== 'GET') return kubeStatus(405, `the Shipwatch simulated cloud does not implement ${request.method} on services`);
    const namespace = match[1] === undefined ? undefined : decodeURIComponent(match[1]);
    const table = wantsTable(request.headers.accept);
    if (match[2] !== undefined) {
      const name = decodeURIComponent(match[2]);
      const service = namespace === undefined ? undefined : this.services.get(this.key(namespace, name));
      if (!service) return kubeStatus(404, `services "${name}" not found`, name, { group: '', kind: 'services' });
      return table
        ? { status: 200, body: serviceTable([service], service.metadata.resourceVersion, this.now()), contentType: TABLE_CONTENT_TYPE }
        : { status: 200, body: copy(service) };
    }
    const items = [...this.services.values()].filter((s) => namespace === undefined || s.metadata.namespace === namespace).map(copy);
    const resourceVersion = String(this.lastResourceVersion);
    if (table) return { status: 200, body: serviceTable(items, resourceVersion, this.now()), contentType: TABLE_CONTENT_TYPE };
    return { status: 200, body: { kind: 'ServiceList', apiVersion: 'v1', metadata: { resourceVersion }, items } };
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
      return {
        status: 200,
        body: {
          major: '1',
          minor: KUBE_MINOR,
          gitVersion: `v1.${KUBE_MINOR}.2-eks-sandbox`,
          gitCommit: 'sandbox',
          gitTreeState: 'clean',
          buildDate: '2026-10-01T00:00:00Z',
          goVersion: 'go1.23.4',
          compiler: 'gc',
          platform: 'linux/amd64',
        },
      };
    }
    if (path !== '/apis/authorization.k8s.io/v1/subjectaccessreviews') return undefined;
    if (request.method !== 'POST') return kubeStatus(405, `the Shipwatch simulated cloud does not implement ${request.method} on subjectaccessreviews`);
    let review: {
      spec?: { user?: string; groups?: string[]; resourceAttributes?: { namespace?: string; verb?: string; group?: string; resource?: string; name?: string } };
    };
    try {
      review = JSON.parse(request.body) as typeof review;
    } catch (error) {
      return kubeStatus(400, `error decoding the review: ${(error as Error).message}`);
    }
    const spec = review.spec ?? {};
    const attributes = spec.resourceAttributes;
    if (!attributes?.verb || !attributes.resource)
      return kubeStatus(
        422,
        'SubjectAccessReview.authorization.k8s.io is invalid: spec.resourceAttributes: Required value: the Shipwatch simulated cloud reviews resource access only',
      );
    const binding = this.bindings.find(
      (b) =>
        (spec.groups ?? []).includes(b.group) &&
        (b.namespace === '*' || b.namespace === attributes.namespace) &&
        b.verbs.includes(attributes.verb!) &&
        attributes.resource === 'deployments' &&
        (attributes.group ?? '') === 'apps' &&
        (b.resourceNames === undefined || (attributes.name !== undefined && b.resourceNames.includes(attributes.name))),
    );
    const status = binding
      ? { allowed: true, reason: `RBAC: allowed by RoleBinding for group "${binding.group}" in namespace "${binding.namespace}"` }
      : { allowed: false };
    return { status: 201, body: { kind: 'SubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status } };
  }

  /** POST: a new Deployment, which the controller then rolls out from no pods at all. */
  private create(namespace: string, body: string): KubeAnswer {
    let manifest: ReturnType<typeof deploymentFromManifest>;
    try {
      manifest = deploymentFromManifest(JSON.parse(body || 'null'), namespace);
    } catch (error) {
      if (error instanceof SyntaxError) return kubeStatus(400, `error decoding the object: ${error.message}`);
      if (!(error instanceof Refused)) throw error;
      return kubeStatus(error.code, error.code === 422 ? `Deployment.apps is invalid: ${error.message}` : error.message);
    }
    const name = manifest.metadata.name;
    if (!this.namespaces.has(namespace)) return kubeStatus(404, `namespaces "${namespace}" not found`, namespace, { group: '', kind: 'namespaces' });
    if (this.deployments.has(this.key(namespace, name))) return kubeStatus(409, `deployments.apps "${name}" already exists`, name, { reason: 'AlreadyExists' });
    const object: SimDeployment['object'] = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        ...(manifest.metadata.annotations ? { annotations: manifest.metadata.annotations } : {}),
        creationTimestamp: iso(this.now()),
        generation: 1,
        ...(manifest.metadata.labels ? { labels: manifest.metadata.labels } : {}),
        name,
        namespace,
        resourceVersion: this.nextResourceVersion(),
        uid: this.uid(namespace, name, String(++this.created)),
      },
      spec: manifest.spec,
    };
    const d = this.store(object, { startedAt: this.now() + KUBE_OBSERVE_MS, startReady: 0 });
    return { status: 201, body: copy({ ...d.object, status: d.status }) };
  }

  /**
   * DELETE with DeleteOptions: the `uid` and `resourceVersion` preconditions
   * (409 when they do not hold), and any propagation policy, all of which
   * end its pods' serving at once here (terminating pods leave the Service's
   * ready endpoints: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination).
   */
  private deleteDeployment(namespace: string, name: string, body: string | undefined): KubeAnswer {
    const d = this.deployments.get(this.key(namespace, name));
    if (!d) return kubeStatus(404, `deployments.apps "${name}" not found`, name);
    let options: Record<string, unknown> = {};
    try {
      options = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch (error) {
      return kubeStatus(400, `error decoding DeleteOptions: ${(error as Error).message}`);
    }
    const preconditions = isMap(options.preconditions) ? options.preconditions : {};
    if (preconditions.uid !== undefined && preconditions.uid !== d.object.metadata.uid) {
      return kubeStatus(409, `Precondition failed: UID in precondition: ${String(preconditions.uid)}, UID in object meta: ${d.object.metadata.uid}`, name);
    }
    if (preconditions.resourceVersion !== undefined && preconditions.resourceVersion !== d.object.metadata.resourceVersion) {
      return kubeStatus(
        409,
        `Precondition failed: ResourceVersion in precondition: ${String(preconditions.resourceVersion)}, ResourceVersion in object meta: ${d.object.metadata.resourceVersion}`,
        name,
      );
    }
    this.settle(d);
    d.deletedAt = this.now();
    this.deployments.delete(this.key(namespace, name));
    this.retired.push(d);
    this.nextResourceVersion();
    return {
      status: 200,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name, group: 'apps', kind: 'deployments', uid: d.object.metadata.uid },
      },
    };
  }

  /** Keeps a new Deployment with its first ReplicaSet and rollout. */
  private store(object: SimDeployment['object'], first: { startedAt: number; startReady: number; completedAt?: number }): SimDeployment {
    const hash = templateHash(object.spec.template);
    const images = object.spec.template.spec.containers.map((c) => c.image);
    const rollout: Rollout = { generation: 1, hash, from: undefined, ...first, oldAvailable: 0, before: {}, ...rolloutSpec(object.spec) };
    const d: SimDeployment = {
      object,
      status: {},
      replicaSets: new Map([[hash, { hash, revision: 1, images, labels: { ...object.spec.template.metadata.labels } }]]),
      rollout,
      history: [rollout],
      serving: first.completedAt === undefined ? [] : [{ from: first.completedAt, image: this.servingImageOf(images) }],
    };
    this.deployments.set(this.key(object.metadata.namespace, object.metadata.name), d);
    this.namespaces.add(object.metadata.namespace);
    this.settle(d);
    return d;
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

  private uid(...parts: string[]): string {
    return digestOf(this.seed, 'uid', this.cluster, ...parts)
      .slice(7, 39)
      .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
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

  private statusOf(d: SimDeployment, at: number) {
    const r = d.rollout;
    return statusAt(r, at, this.healthy(d.replicaSets.get(r.hash)!), `${d.object.metadata.name}-${r.hash}`, d.status.conditions ?? []);
  }

  /** Moves a Deployment to now: its status, the revision annotation, and who serves. A changed status is a new resourceVersion. */
  private settle(d: SimDeployment): void {
    if (d.deletedAt !== undefined) return;
    const now = this.now();
    const r = d.rollout;
    const { status, completedAt } = this.statusOf(d, now);
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

  /** A strategic merge patch (kube-patch.ts), its resourceVersion precondition, and a new generation when the spec changed. */
  private applyPatch(d: SimDeployment, patch: unknown): KubeAnswer {
    this.settle(d);
    const name = d.object.metadata.name;
    const next = copy(d.object);
    try {
      mergeDeploymentPatch(next, patch);
    } catch (error) {
      if (error instanceof Refused) {
        const message = error.code === 422 ? `Deployment.apps "${name}" is invalid: ${error.message}` : error.message;
        return kubeStatus(error.code, message, name);
      }
      throw error;
    }
    const precondition = isMap(patch) && isMap(patch.metadata) ? patch.metadata.resourceVersion : undefined;
    if (precondition !== undefined && precondition !== d.object.metadata.resourceVersion) {
      return kubeStatus(
        409,
        `Operation cannot be fulfilled on deployments.apps "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        name,
      );
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
    const counts = this.statusOf(d, now).status;
    const hash = templateHash(next.spec.template);
    const currentReady = readyAt(current, now, this.healthy(d.replicaSets.get(current.hash)!));
    const oldReady = Math.max(0, (counts.availableReplicas ?? 0) - currentReady);
    const startReady = hash === current.hash ? currentReady : hash === current.from ? oldReady : 0;
    const maxRevision = Math.max(...[...d.replicaSets.values()].map((rs) => rs.revision));
    // A template seen before is its old ReplicaSet again, with the next revision (as `kubectl rollout undo` shows it).
    if (hash !== current.hash) {
      d.replicaSets.set(hash, {
        hash,
        revision: maxRevision + 1,
        images: next.spec.template.spec.containers.map((c) => c.image),
        labels: { ...next.spec.template.metadata.labels },
      });
    }
    d.rollout = {
      generation: next.metadata.generation,
      hash,
      from: hash === current.hash ? current.from : current.hash,
      startedAt: now + KUBE_OBSERVE_MS,
      startReady,
      oldAvailable: Math.max(0, (counts.availableReplicas ?? 0) - startReady),
      before: counts,
      ...rolloutSpec(next.spec),
    };
    d.history.push(d.rollout);
  }
}

/** The Kubernetes minor version the simulated API servers report (EKS 1.31). */
const KUBE_MINOR = '31';
