import type { Strategy } from '../../shared/config/strategy.js';
import { trafficSteps } from '../../shared/config/traffic-steps.js';
import { CANARY_TRACK, canaryName, canaryReplicas, TRACK_LABEL } from '../../shared/targets/eks/canary-manifest.js';
import { error, ok, warning, type Check } from './check.js';
import { kubeRequest, type KubeConnection } from './kube-request.js';

// What `validate --aws` checks for a service deployed as a canary on EKS
// (docs/progressive-eks.md), beside what every EKS service needs: the rights
// to create and delete the canary, a Service that spreads requests over the
// Deployment's pods and the canary's alike, and a replica count that gives the
// steps a meaningful ratio.

export interface CanaryTarget {
  name: string;
  cluster: string;
  namespace: string;
  deployment: string;
  strategy: Extract<Strategy, { type: 'canary' | 'linear' }>;
}

/** The Deployment as `validate` read it: its replicas and its pods' labels. */
export interface ReadDeployment {
  replicas: number;
  podLabels: Record<string, string>;
}

const resourceOf = (t: CanaryTarget) => `eks ${t.cluster}/${t.namespace}/${t.deployment}`;
const labelsText = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',') || '(none)';

/** SubjectAccessReview for the two verbs only a canary needs: create (no name: RBAC cannot limit it by name) and delete of `<deployment>-canary`. */
export async function checkCanaryAccess(connection: KubeConnection, t: CanaryTarget, group: string): Promise<Check> {
  const check = `group ${group} may create, delete (canary)`;
  const canary = canaryName(t.deployment);
  const fix = `bind a Role with verb create on deployments, and verb delete on deployments/${canary} (resourceNames), apiGroup apps, in namespace ${t.namespace} to group ${group} (docs/progressive-eks.md, "RBAC")`;
  const denied: string[] = [];
  for (const [verb, name] of [
    ['create', undefined],
    ['delete', canary],
  ] as const) {
    const review = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: 'shipwatch',
        groups: [group],
        resourceAttributes: { namespace: t.namespace, verb, group: 'apps', resource: 'deployments', ...(name ? { name } : {}) },
      },
    };
    try {
      const answer = await kubeRequest(connection, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', review);
      if (answer.status === 403)
        return warning(
          resourceOf(t),
          [t.name],
          check,
          'you may not create SubjectAccessReviews (403), so this could not be checked',
          `kubectl auth can-i create deployments -n ${t.namespace} --as shipwatch --as-group ${group}; and delete deployments/${canary}`,
        );
      if (answer.status !== 201 && answer.status !== 200)
        return error(resourceOf(t), [t.name], check, `the access review answered ${answer.status}: ${String(answer.json.message ?? '')}`, fix);
      const status = answer.json.status as { allowed?: boolean } | undefined;
      if (!status?.allowed) denied.push(name ? `${verb} ${canary}` : verb);
    } catch (e) {
      return error(resourceOf(t), [t.name], check, (e as Error).message, 'check that the API endpoint is reachable');
    }
  }
  return denied.length === 0
    ? ok(resourceOf(t), [t.name], check, `allowed in namespace ${t.namespace} (${canary})`)
    : error(resourceOf(t), [t.name], check, `not allowed: ${denied.join(', ')}`, fix);
}

/**
 * A Service whose selector picks the Deployment's pods and the canary's
 * (its pod labels plus track=canary): without one, the canary serves nobody
 * and its step is judged on no data.
 */
export async function checkCanaryService(connection: KubeConnection, t: CanaryTarget, read: ReadDeployment): Promise<Check> {
  const check = 'a Service spreads requests over both';
  const canaryLabels = { ...read.podLabels, [TRACK_LABEL]: CANARY_TRACK };
  try {
    const answer = await kubeRequest(connection, 'GET', `/api/v1/namespaces/${encodeURIComponent(t.namespace)}/services`);
    if (answer.status === 403)
      return warning(
        resourceOf(t),
        [t.name],
        check,
        'you may not list Services (403), so this could not be checked',
        `kubectl get svc -n ${t.namespace} -o wide: one must select labels the pods of ${t.deployment} and its canary (${TRACK_LABEL}=${CANARY_TRACK}) share`,
      );
    if (answer.status !== 200)
      return error(resourceOf(t), [t.name], check, `listing Services answered ${answer.status}: ${String(answer.json.message ?? '')}`, 'check the cluster');
    const services = ((answer.json.items ?? []) as { metadata: { name: string }; spec?: { selector?: Record<string, string> } }[]).filter(
      (s) => s.spec?.selector && Object.keys(s.spec.selector).length > 0,
    );
    const picks = (labels: Record<string, string>) => services.filter((s) => Object.entries(s.spec!.selector!).every(([k, v]) => labels[k] === v));
    const both = picks(read.podLabels).filter((s) => picks(canaryLabels).includes(s));
    if (both.length > 0) {
      const s = both[0]!;
      return ok(
        resourceOf(t),
        [t.name],
        check,
        `Service ${s.metadata.name} selects ${labelsText(s.spec!.selector!)}: the pods of ${t.deployment} and of ${canaryName(t.deployment)} alike`,
      );
    }
    const stableOnly = picks(read.podLabels);
    if (stableOnly.length > 0) {
      const s = stableOnly[0]!;
      return error(
        resourceOf(t),
        [t.name],
        check,
        `Service ${s.metadata.name} selects ${labelsText(s.spec!.selector!)}, which the canary's pods (${TRACK_LABEL}=${CANARY_TRACK}) do not match: they would serve nothing`,
        `select only the labels both share, without ${TRACK_LABEL} (the Kubernetes docs' canary pattern)`,
      );
    }
    return error(
      resourceOf(t),
      [t.name],
      check,
      `no Service in namespace ${t.namespace} selects the pods of ${t.deployment} (${labelsText(read.podLabels)})`,
      `a canary by replica ratio needs the Service in front of the Deployment: kubectl expose deployment ${t.deployment} -n ${t.namespace}`,
    );
  } catch (e) {
    return error(resourceOf(t), [t.name], check, (e as Error).message, 'check that the API endpoint is reachable');
  }
}

/**
 * The ratio the steps really give with this many replicas: the canary adds
 * pods beside the Deployment's, so 10% of 4 is 1 pod of 5 (20%). A first
 * step far above what was asked exposes more than intended; a step past 50%
 * needs more canary pods than the Deployment has.
 */
export function checkCanaryRatio(t: CanaryTarget, read: ReadDeployment): Check {
  const check = 'replicas give a meaningful ratio';
  if (read.replicas < 1)
    return error(
      resourceOf(t),
      [t.name],
      check,
      `${t.deployment} has ${read.replicas} replicas: there is no ratio to take`,
      `scale ${t.deployment} up before deploying it as a canary`,
    );
  const steps = trafficSteps(t.strategy).filter((p) => p < 100);
  const sized = steps.map((p) => ({ asked: p, ...canaryReplicas(read.replicas, p) }));
  const detail = sized
    .map((s) => `${s.asked}% asked: ${s.replicas} canary pod${s.replicas === 1 ? '' : 's'} beside ${read.replicas} = ${s.effectivePercent}%`)
    .join('; ');
  const first = sized[0];
  if (!first) return ok(resourceOf(t), [t.name], check, 'no step below 100%: the promotion is the whole deployment');
  if (first.effectivePercent > 1.5 * first.asked) {
    const needed = Math.ceil((100 - first.asked) / first.asked);
    return warning(
      resourceOf(t),
      [t.name],
      check,
      `${detail}: the first step exposes ${first.effectivePercent}% of the requests for ${first.asked}% asked`,
      `with ${needed} replicas or more, ${first.asked}% is one canary pod; or ask for ${first.effectivePercent}% (docs/progressive-eks.md, the table)`,
    );
  }
  const widest = sized.at(-1)!;
  if (widest.replicas > read.replicas) {
    return warning(
      resourceOf(t),
      [t.name],
      check,
      `${detail}: the ${widest.asked}% step runs ${widest.replicas} canary pods beside ${read.replicas}`,
      'make sure the cluster has room for them, or keep the steps at 50% or below (a canary strategy)',
    );
  }
  return ok(resourceOf(t), [t.name], check, detail);
}
