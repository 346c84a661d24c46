import { DescribeClusterCommand, type EKSClient } from '@aws-sdk/client-eks';
import type { Config } from '../../shared/config/schema.js';
import { eksToken } from '../../shared/targets/eks/token.js';
import { callFailed, error, ok, warning, type Check } from './check.js';
import { checkCanaryAccess, checkCanaryRatio, checkCanaryService, type CanaryTarget } from './eks-canary.js';
import { kubeRequest, type KubeConnection } from './kube-request.js';

/** The Kubernetes group the Shipwatch roles' access entries map to (infra/iam.cjs, README "EKS"). */
export const SHIPWATCH_KUBE_GROUP = 'shipwatch-deployers';
/** What the Lambda functions do to a Deployment. */
const VERBS = ['get', 'patch'] as const;

type EksTarget = NonNullable<Config['services'][number]['target']['eks']> & { name: string; strategy: Config['services'][number]['strategy'] };

/**
 * Each EKS cluster answers; each Deployment and container exist; the Shipwatch
 * roles may get and patch it; for a canary (eks-canary.ts), create and delete
 * it, a Service in front of both, and a meaningful ratio. `revisions` gets the
 * image each service's container runs (what `{revision}` is now).
 */
export async function checkEks(eks: EKSClient, config: Config, now: Date, revisions?: Map<string, string>): Promise<Check[]> {
  const targets: EksTarget[] = config.services.filter((s) => s.target.eks).map((s) => ({ name: s.name, ...s.target.eks!, strategy: s.strategy }));
  if (targets.length === 0) return [];
  const clusters = [...new Set(targets.map((t) => t.cluster))];
  const results = await Promise.all(
    clusters.map((cluster) =>
      checkCluster(
        eks,
        cluster,
        targets.filter((t) => t.cluster === cluster),
        now,
        revisions,
      ),
    ),
  );
  return results.flat();
}

async function checkCluster(eks: EKSClient, cluster: string, targets: EksTarget[], now: Date, revisions?: Map<string, string>): Promise<Check[]> {
  const resource = `eks ${cluster}`;
  const who = targets.map((t) => t.name);
  let connection: KubeConnection;
  try {
    const info = (await eks.send(new DescribeClusterCommand({ name: cluster }))).cluster;
    if (!info?.endpoint || !info.certificateAuthority?.data || (info.status !== 'ACTIVE' && info.status !== 'UPDATING')) {
      return [error(resource, who, 'cluster answers', `the cluster is ${info?.status ?? 'unknown'}, with no API endpoint yet`, 'wait until it is ACTIVE')];
    }
    const region = await eks.config.region();
    const { token } = await eksToken({ cluster, region, credentials: () => eks.config.credentials(), now });
    connection = { endpoint: info.endpoint, caPem: Buffer.from(info.certificateAuthority.data, 'base64').toString('utf8'), token };
  } catch (e) {
    if ((e as Error).name === 'ResourceNotFoundException') {
      return [
        error(
          resource,
          who,
          'cluster answers',
          `no EKS cluster ${cluster} in this region`,
          `check target.eks.cluster of ${who.join(', ')} (aws eks list-clusters)`,
        ),
      ];
    }
    return [callFailed(resource, who, 'cluster answers', e, 'eks:DescribeCluster')];
  }

  const checks: Check[] = [];
  try {
    const version = await kubeRequest(connection, 'GET', '/version');
    if (version.status === 401) {
      return [
        error(
          resource,
          who,
          'cluster answers',
          'the API server does not know your credentials (401)',
          'give your IAM principal an access entry on the cluster (aws eks create-access-entry) to check the Deployments',
        ),
      ];
    }
    checks.push(ok(resource, who, 'cluster answers', `Kubernetes ${String(version.json.gitVersion ?? 'unknown version')} at ${connection.endpoint}`));
  } catch (e) {
    return [
      error(
        resource,
        who,
        'cluster answers',
        `${connection.endpoint}: ${(e as Error).message}`,
        "the API endpoint must be reachable from here and from Lambda (public endpoint, or the functions in the cluster's VPC)",
      ),
    ];
  }
  for (const t of targets) checks.push(...(await checkDeployment(connection, t, revisions)));
  return checks;
}

async function checkDeployment(connection: KubeConnection, t: EksTarget, revisions?: Map<string, string>): Promise<Check[]> {
  const resource = `eks ${t.cluster}/${t.namespace}/${t.deployment}`;
  const who = [t.name];
  const path = `/apis/apps/v1/namespaces/${encodeURIComponent(t.namespace)}/deployments/${encodeURIComponent(t.deployment)}`;
  const checks: Check[] = [];
  let read: { replicas: number; podLabels: Record<string, string> } | undefined;
  try {
    const got = await kubeRequest(connection, 'GET', path);
    if (got.status === 404) {
      checks.push(
        error(
          resource,
          who,
          'Deployment and container exist',
          `no Deployment ${t.deployment} in namespace ${t.namespace}`,
          `check target.eks.namespace and target.eks.deployment of ${t.name} (kubectl get deploy -A)`,
        ),
      );
    } else if (got.status === 403) {
      checks.push(
        warning(
          resource,
          who,
          'Deployment and container exist',
          'you may not read it (403), so this could not be checked',
          'run validate with credentials that may get Deployments, or check by hand: kubectl get deploy',
        ),
      );
    } else if (got.status !== 200) {
      checks.push(error(resource, who, 'Deployment and container exist', `GET answered ${got.status}: ${String(got.json.message ?? '')}`, 'check the cluster'));
    } else {
      const spec = got.json.spec as
        | { replicas?: number; template?: { metadata?: { labels?: Record<string, string> }; spec?: { containers?: { name: string; image?: string }[] } } }
        | undefined;
      const containers = spec?.template?.spec?.containers?.map((c) => c.name) ?? [];
      const image = spec?.template?.spec?.containers?.find((c) => c.name === t.container)?.image;
      if (image) revisions?.set(t.name, image);
      checks.push(
        containers.includes(t.container)
          ? ok(resource, who, 'Deployment and container exist', `container ${t.container} (of ${containers.join(', ')})`)
          : error(
              resource,
              who,
              'Deployment and container exist',
              `no container "${t.container}" (it has ${containers.join(', ')})`,
              `set target.eks.container of ${t.name} to one of: ${containers.join(', ')}`,
            ),
      );
      read = { replicas: spec?.replicas ?? 1, podLabels: spec?.template?.metadata?.labels ?? {} };
    }
  } catch (e) {
    checks.push(error(resource, who, 'Deployment and container exist', (e as Error).message, 'check that the API endpoint is reachable'));
  }
  checks.push(await checkAccess(connection, t));
  if (t.strategy.type === 'canary' || t.strategy.type === 'linear') {
    const canary: CanaryTarget = { ...t, strategy: t.strategy };
    checks.push(await checkCanaryAccess(connection, canary, SHIPWATCH_KUBE_GROUP));
    if (read) checks.push(await checkCanaryService(connection, canary, read), checkCanaryRatio(canary, read));
  }
  return checks;
}

/** SubjectAccessReview: may the group the Shipwatch roles map to get and patch this Deployment? */
async function checkAccess(connection: KubeConnection, t: EksTarget): Promise<Check> {
  const resource = `eks ${t.cluster}/${t.namespace}/${t.deployment}`;
  const who = [t.name];
  const check = `group ${SHIPWATCH_KUBE_GROUP} may get, patch`;
  const fix = `bind a Role with verbs get and patch on deployments (apiGroup apps) in namespace ${t.namespace} to group ${SHIPWATCH_KUBE_GROUP} (README, "EKS"), and give the Shipwatch roles access entries (package with SHIPWATCH_EKS_ACCESS_ENTRIES=true)`;
  const denied: string[] = [];
  for (const verb of VERBS) {
    const review = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: 'shipwatch',
        groups: [SHIPWATCH_KUBE_GROUP],
        resourceAttributes: { namespace: t.namespace, verb, group: 'apps', resource: 'deployments', name: t.deployment },
      },
    };
    try {
      const answer = await kubeRequest(connection, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', review);
      if (answer.status === 403) {
        return warning(
          resource,
          who,
          check,
          'you may not create SubjectAccessReviews (403), so this could not be checked',
          `ask a cluster admin to run shipwatch validate --aws, or: kubectl auth can-i ${VERBS.join(',')} deployments/${t.deployment} -n ${t.namespace} --as shipwatch --as-group ${SHIPWATCH_KUBE_GROUP}`,
        );
      }
      if (answer.status !== 201 && answer.status !== 200)
        return error(resource, who, check, `the access review answered ${answer.status}: ${String(answer.json.message ?? '')}`, fix);
      const status = answer.json.status as { allowed?: boolean; reason?: string } | undefined;
      if (!status?.allowed) denied.push(`${verb}${status?.reason ? ` (${status.reason})` : ''}`);
    } catch (e) {
      return error(resource, who, check, (e as Error).message, 'check that the API endpoint is reachable');
    }
  }
  return denied.length === 0
    ? ok(resource, who, check, `allowed in namespace ${t.namespace}`)
    : error(resource, who, check, `not allowed: ${denied.join(', ')}`, fix);
}
