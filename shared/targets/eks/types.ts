// The part of a Kubernetes apps/v1 Deployment that Shipwatch reads. The API
// returns much more; nothing else is relied upon, and nothing else is written.

export interface KubeContainer {
  name: string;
  image?: string;
  [field: string]: unknown;
}

export interface KubeDeploymentCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown' | string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

/** A label selector (metav1.LabelSelector): every matchLabels pair and every expression must hold. */
export interface KubeLabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string; values?: string[] }[];
}

export interface KubeDeployment {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    /** Set by the API server at creation; a Deployment deleted and created again under the same name has another. */
    uid?: string;
    labels?: Record<string, string>;
    /** Bumped by the API server on every change of `spec` (an image, the replica count, …). */
    generation?: number;
    resourceVersion?: string;
    annotations?: Record<string, string>;
    [field: string]: unknown;
  };
  spec: {
    /** Absent means 1. */
    replicas?: number;
    paused?: boolean;
    progressDeadlineSeconds?: number;
    selector?: KubeLabelSelector;
    template: {
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [field: string]: unknown };
      spec: { containers: KubeContainer[]; [field: string]: unknown };
      [field: string]: unknown;
    };
    [field: string]: unknown;
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
    conditions?: KubeDeploymentCondition[];
  };
}

/** A Kubernetes API error body (kind: Status). */
export interface KubeStatus {
  kind?: 'Status';
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
}
