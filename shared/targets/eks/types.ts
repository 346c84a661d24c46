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

export interface KubeDeployment {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
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
    template: { spec: { containers: KubeContainer[]; [field: string]: unknown }; [field: string]: unknown };
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
