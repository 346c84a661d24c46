import { TargetMisconfigured } from '../../errors.js';
import type { KubeDeployment, KubeLabelSelector } from './types.js';

// The canary Deployment, as Kubernetes documents the pattern ("Managing
// Workloads", Canary deployments:
// https://kubernetes.io/docs/concepts/workloads/management/#canary-deployments):
// a copy of the Deployment's pod template with the new image, carrying a
// `track` label of its own value so that "two sets of pods would not
// overlap", behind the same Service, which selects "the common subset of
// their labels (i.e. omitting the track label)". The ratio of replicas is
// the ratio of traffic; no service mesh.

export const CANARY_SUFFIX = '-canary';
/** The docs' label that tells the releases apart. */
export const TRACK_LABEL = 'track';
export const CANARY_TRACK = 'canary';
/** The recommended label naming the tool that manages an object (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/). */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'shipwatch';
/**
 * A ReplicaSet is named `<deployment>-<pod-template-hash>` (up to 10
 * characters) and must be a DNS subdomain name (253): longer Deployment
 * names create a Deployment whose ReplicaSet the controller cannot create.
 */
const MAX_NAME = 253 - 11;

export function canaryName(deployment: string): string {
  const name = `${deployment}${CANARY_SUFFIX}`;
  if (name.length > MAX_NAME)
    throw new TargetMisconfigured(
      `the canary of Deployment ${deployment} would be named ${name}, longer than ${MAX_NAME} characters (its ReplicaSet names add 11); a progressive strategy needs a shorter Deployment name`,
    );
  return name;
}

/**
 * How many canary pods give `percent` of the traffic beside `stable` pods of
 * the Deployment, and the share they really give. The canary adds pods (the
 * Deployment keeps all of its own), so the share is canary / (stable + canary):
 * the count nearest to stable × p / (100 − p), and never zero — a step that
 * sends nothing to the new revision judges nothing. Coarse with few replicas:
 * 10% of 4 replicas is 1 pod of 5, 20%.
 */
export function canaryReplicas(stable: number, percent: number): { replicas: number; effectivePercent: number } {
  if (!Number.isInteger(stable) || stable < 1)
    throw new TargetMisconfigured(`a canary by replica ratio needs a Deployment with at least one replica (it has ${stable})`);
  if (!(percent > 0 && percent < 100)) throw new RangeError(`a canary step is between 0 and 100 percent, not ${percent}`);
  const replicas = Math.max(1, Math.round((stable * percent) / (100 - percent)));
  return { replicas, effectivePercent: sharePercent(replicas, stable) };
}

/** The share of the pods (and so of the requests the Service spreads over them) the canary's pods are, in percent to 0.1. */
export const sharePercent = (canary: number, stable: number): number => (canary + stable > 0 ? Math.round((1000 * canary) / (canary + stable)) / 10 : 0);

/** The Deployment's selector, narrowed to the canary's track (an expression on `track` gives way to it). */
function canarySelector(selector: KubeLabelSelector | undefined, label: string): KubeLabelSelector {
  if (!selector || (!selector.matchLabels && !selector.matchExpressions)) throw new TargetMisconfigured(`${label} has no spec.selector (apps/v1 requires one)`);
  const expressions = (selector.matchExpressions ?? []).filter((e) => e.key !== TRACK_LABEL);
  return {
    matchLabels: { ...selector.matchLabels, [TRACK_LABEL]: CANARY_TRACK },
    ...(expressions.length > 0 ? { matchExpressions: structuredClone(expressions) } : {}),
  };
}

export interface CanaryInput {
  container: string;
  image: string;
  replicas: number;
  /** Metadata annotations of the canary (its state: canary-state.ts). */
  annotations: Record<string, string>;
}

/**
 * The canary of `deployment`: its pod template (every container, volume and
 * setting, the template's annotations, e.g. for scraping) with only
 * `container`'s image changed and `track: canary` among the pod labels; its
 * selector plus `track: canary`, so the canary's ReplicaSet selects only its
 * own pods. The Deployment's own metadata labels and annotations are not
 * copied: GitOps tools track objects by them (Argo CD's
 * `app.kubernetes.io/instance`, Helm's release annotations) and would count
 * the canary as theirs, or prune it.
 */
export function canaryManifest(deployment: KubeDeployment, input: CanaryInput): KubeDeployment {
  const label = `Deployment ${deployment.metadata.namespace ?? 'default'}/${deployment.metadata.name}`;
  const template = structuredClone(deployment.spec.template);
  const containers = template.spec.containers;
  const target = containers.find((c) => c.name === input.container);
  if (!target)
    throw new TargetMisconfigured(
      `${label} has no container "${input.container}" (containers: ${containers.map((c) => c.name).join(', ') || 'none'}); check target.eks.container`,
    );
  target.image = input.image;
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [TRACK_LABEL]: CANARY_TRACK } };

  const spec: KubeDeployment['spec'] = {
    replicas: input.replicas,
    selector: canarySelector(deployment.spec.selector, label),
    template,
  };
  // Carried over so the canary is judged by the same rules: how long its pods may take, how long one must be ready to count.
  if (deployment.spec.progressDeadlineSeconds !== undefined) spec.progressDeadlineSeconds = deployment.spec.progressDeadlineSeconds;
  if (typeof deployment.spec.minReadySeconds === 'number') spec.minReadySeconds = deployment.spec.minReadySeconds;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: canaryName(deployment.metadata.name),
      ...(deployment.metadata.namespace ? { namespace: deployment.metadata.namespace } : {}),
      labels: { [TRACK_LABEL]: CANARY_TRACK, [MANAGED_BY_LABEL]: MANAGED_BY },
      annotations: { ...input.annotations },
    },
    spec,
  };
}
