// The shapes the simulated Kubernetes API server stores and answers
// (apps/v1 Deployment, its status and conditions, the Status of an error),
// and the requests it receives. Shared by the API server (kubernetes.ts), the
// patching (kube-patch.ts), the controller (kube-controller.ts), Deployments
// created over the API (kube-create.ts) and Services (kube-services.ts).

export interface KubeContainerSpec {
  name: string;
  image: string;
  [field: string]: unknown;
}

export interface Condition {
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

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
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
    minReadySeconds?: number;
    progressDeadlineSeconds: number;
    replicas: number;
    revisionHistoryLimit: number;
    selector: LabelSelector;
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

/** A Kubernetes API error in its Status shape (`kind` names the resource in `details`; deployments by default). */
export function kubeStatus(code: number, message: string, name?: string, options: { reason?: string; group?: string; kind?: string } = {}): KubeAnswer {
  return {
    status: code,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason: options.reason ?? REASONS[code] ?? 'Unknown',
      details: name === undefined ? {} : { name, group: options.group ?? 'apps', kind: options.kind ?? 'deployments' },
      code,
    },
  };
}

/** A request the API server refuses, with the code and message it answers. */
export class Refused extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'Refused';
  }
}

/** Timestamps as the API server writes them: seconds, no fraction. */
export const iso = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
export const copy = <T>(value: T): T => structuredClone(value);
export const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Does a label selector select these labels? Every matchLabels pair and every expression must hold (an empty selector selects everything). */
export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  const pairs = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const expressions = (selector.matchExpressions ?? []).every((e) => {
    const has = Object.hasOwn(labels, e.key);
    switch (e.operator) {
      case 'In':
        return has && (e.values ?? []).includes(labels[e.key]!);
      case 'NotIn':
        return !has || !(e.values ?? []).includes(labels[e.key]!);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
    }
  });
  return pairs && expressions;
}
