import { credentials as awsCredentials } from '../../aws/json-call.js';
import type { EksClusterInfo } from '../../aws/eks.js';
import type { Strategy } from '../../config/strategy.js';
import { InvalidInput, TargetMisconfigured } from '../../errors.js';
import type { Release } from '../../release/release.js';
import type { Deployment, RollbackStart, RolloutStatus } from '../rollout.js';
import type { DeployTarget, Watch } from '../target.js';
import { eksCanary, type EksCanary } from './canary.js';
import { kubeApi, type KubeApi } from './kube-api.js';
import { generationOf, lastDeploy, readDeployment, rollingUpdate, type EksConfig } from './last-deploy.js';
import { eksRolloutStatus } from './rollout-status.js';
import { eksTokenCache, type CredentialSource } from './token.js';

export { LAST_DEPLOY_ANNOTATION, type EksConfig } from './last-deploy.js';

/** The Kubernetes API of an EKS cluster, by cluster name. */
export type KubeResolver = (cluster: string) => Promise<KubeApi>;

export interface EksClusterOptions {
  /** EKS DescribeCluster: the cluster's endpoint and CA (production: shared/aws/eks.ts). */
  describeCluster: (name: string) => Promise<{ cluster?: EksClusterInfo }>;
  /** Signs the tokens. Default: the SDK's credential chain (the Lambda role). */
  credentials?: CredentialSource;
  /** Region of the clusters and of STS. Default: AWS_REGION. */
  region?: string;
  /** Clock of the token cache. */
  now?: () => Date;
  timeoutMs?: number;
}

export interface EksTargetDeps extends EksClusterOptions {
  /** Default: `eksClusters(deps)`, shared by every target on the same client when nothing else is overridden. */
  kube?: KubeResolver;
}

/**
 * DescribeCluster (endpoint, CA) and a Kubernetes client per cluster, kept as
 * long as the resolver (one per container). A failed Kubernetes call drops
 * the cluster, so the next call describes it again: a cluster re-created
 * under the same name has a new endpoint and CA.
 */
export function eksClusters(options: EksClusterOptions): KubeResolver {
  const tokens = eksTokenCache({ credentials: options.credentials ?? (() => awsCredentials()), ...(options.now ? { now: options.now } : {}) });
  const clusters = new Map<string, Promise<KubeApi>>();

  async function connect(cluster: string): Promise<KubeApi> {
    const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new TargetMisconfigured('AWS_REGION is not set: the EKS cluster and its token need a region');
    const described = await options.describeCluster(cluster).catch((error: unknown) => {
      if ((error as Error)?.name === 'ResourceNotFoundException') {
        throw new TargetMisconfigured(`EKS cluster ${cluster} not found in ${region}; check target.eks.cluster`, { cause: error });
      }
      throw error;
    });
    const info = described.cluster;
    if (!info) throw new TargetMisconfigured(`EKS cluster ${cluster}: DescribeCluster returned no cluster; check target.eks.cluster`);
    // UPDATING (a version or configuration update) keeps the API server up.
    if (info.status !== 'ACTIVE' && info.status !== 'UPDATING') throw new TargetMisconfigured(`EKS cluster ${cluster} is ${info.status}, not ACTIVE`);
    const ca = info.certificateAuthority?.data;
    if (!info.endpoint || !ca) throw new TargetMisconfigured(`EKS cluster ${cluster} has no API endpoint or certificate authority yet`);
    const api = kubeApi({
      endpoint: info.endpoint,
      caPem: Buffer.from(ca, 'base64').toString('utf8'),
      token: () => tokens.token(cluster, region),
      label: `EKS cluster ${cluster}`,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    return forgetOnFailure(cluster, api);
  }

  function forgetOnFailure(cluster: string, api: KubeApi): KubeApi {
    const forget = <T>(work: Promise<T>) =>
      work.catch((error: unknown) => {
        clusters.delete(cluster);
        throw error;
      });
    return {
      getDeployment: (...args) => forget(api.getDeployment(...args)),
      patchContainerImage: (...args) => forget(api.patchContainerImage(...args)),
      findDeployment: (...args) => forget(api.findDeployment(...args)),
      createDeployment: (...args) => forget(api.createDeployment(...args)),
      patchDeployment: (...args) => forget(api.patchDeployment(...args)),
      deleteDeployment: (...args) => forget(api.deleteDeployment(...args)),
    };
  }

  return (cluster) => {
    let api = clusters.get(cluster);
    if (!api) {
      const connecting = connect(cluster);
      connecting.catch(() => clusters.get(cluster) === connecting && clusters.delete(cluster));
      clusters.set(cluster, connecting);
      api = connecting;
    }
    return api;
  };
}

// With only DescribeCluster (production: shared/aws/eks.ts), every target on
// it shares one resolver, so the cluster cache outlives the target.
const shared = new WeakMap<EksClusterOptions['describeCluster'], KubeResolver>();
function resolverFor(deps: EksTargetDeps): KubeResolver {
  if (deps.kube) return deps.kube;
  const overridden = deps.credentials !== undefined || deps.region !== undefined || deps.now !== undefined || deps.timeoutMs !== undefined;
  if (overridden) return eksClusters(deps);
  let resolver = shared.get(deps.describeCluster);
  if (!resolver) shared.set(deps.describeCluster, (resolver = eksClusters({ describeCluster: deps.describeCluster })));
  return resolver;
}

/**
 * A Deployment on EKS: one container's image is replaced with a strategic
 * merge patch. With a progressive `strategy` (canary, linear) the new image
 * reaches a canary Deployment first, stepped by `progressive` (canary.ts).
 */
export function eksTarget(deps: EksTargetDeps, config: EksConfig, strategy: Strategy = { type: 'rolling' }): DeployTarget {
  const label = `EKS deployment ${config.cluster}/${config.namespace}/${config.deployment}`;
  const kube = resolverFor(deps);
  const canary: EksCanary | undefined =
    strategy.type === 'canary' || strategy.type === 'linear'
      ? eksCanary({ kube: () => kube(config.cluster), now: deps.now ?? (() => new Date()) }, config, strategy, label)
      : undefined;

  async function read() {
    const api = await kube(config.cluster);
    return { api, ...(await readDeployment(api, config, label)) };
  }

  return {
    label,
    // Kubernetes sends AWS no events for a Deployment's rollout: it is polled.
    wakeKeys: [],

    async deploy(release: Release, now: Date): Promise<Deployment> {
      if (strategy.type === 'blueGreen') {
        // Refused when the config is validated (config/schema.ts); a package built before that check still says why.
        throw new TargetMisconfigured(`${label}: strategy blueGreen is not available on EKS (see docs/progressive-eks.md); use canary or linear`);
      }
      const { api, deployment, image, generation } = await read();
      const startedAt = now.toISOString();

      if (image === release.imageUri) {
        // Either a retry of this very step after our patch went through (its
        // answer lost), or the Deployment already runs this digest. Never
        // patch twice; it is ours only if we set it and it is still rolling out.
        const last = lastDeploy(deployment);
        if (last && last.container === config.container && last.to === image) {
          const status = eksRolloutStatus(deployment, { container: config.container, generation, revision: image, revertRevision: last.from });
          if (status.state !== 'completed') {
            return { platform: 'eks', previousRevision: last.from, revision: image, deploymentId: String(generation), startedAt, alreadyRunning: false };
          }
        }
        return { platform: 'eks', previousRevision: image, revision: image, deploymentId: String(generation), startedAt, alreadyRunning: true };
      }

      if (canary) return canary.start(api, deployment, image, release, now);

      // resourceVersion: if anyone changed the Deployment since we read it,
      // the API server answers 409 (Transient) and the retry reads it again,
      // so previousRevision is exactly the image our patch replaced.
      return rollingUpdate(api, config, deployment, image, release.imageUri, startedAt, label);
    },

    async status(watch: Watch): Promise<RolloutStatus> {
      const numeric = Number(watch.deploymentId);
      // A progressive deployment's id is its canary's uid: once promoted, what is watched is the Deployment's own rollout of the image.
      const promoted = !Number.isSafeInteger(numeric) && canary !== undefined;
      if (!Number.isSafeInteger(numeric) && !promoted) throw new InvalidInput(`${label}: deployment id "${watch.deploymentId}" is not a Deployment generation`);
      const api = await kube(config.cluster);
      const deployment = await api.getDeployment(config.namespace, config.deployment);
      const generation = promoted ? (deployment.metadata.generation ?? 0) : numeric;
      return eksRolloutStatus(deployment, { container: config.container, generation, revision: watch.revision, revertRevision: watch.revertRevision });
    },

    async rollback(revision: string, now: Date): Promise<RollbackStart> {
      // Whatever step a progressive deployment is at: its canary goes first, so only `revision` serves.
      const removed = canary ? await canary.remove() : false;
      const { api, deployment, image, generation } = await read();
      const startedAt = now.toISOString();
      // An earlier attempt of ours (or a person) already put it back: watch that. Before
      // the promotion the Deployment never left `revision`: deleting the canary was the rollback.
      if (image === revision) return { revision, deploymentId: String(generation), startedAt, adopted: !removed };
      const expect = deployment.metadata.resourceVersion ? { resourceVersion: deployment.metadata.resourceVersion } : {};
      const patched = await api.patchContainerImage(config.namespace, config.deployment, config.container, revision, expect);
      return { revision, deploymentId: generationOf(patched, 'rollback', label), startedAt, adopted: false };
    },

    ...(canary ? { progressive: canary.progressive } : {}),
  };
}
