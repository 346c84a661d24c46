import type { Cluster, DescribeClusterCommandInput, DescribeClusterCommandOutput } from '@aws-sdk/client-eks';
import { CloudError } from './errors.js';
import { SANDBOX_KUBE_CA_PEM } from './kube-server.js';
import { KubernetesModel } from './kubernetes.js';
import type { ImageProfile } from './profiles.js';

type Out<T> = Omit<T, '$metadata'>;

interface SimCluster {
  name: string;
  version: string;
  createdAt: number;
  kubernetes: KubernetesModel;
  /** Where its API server listens; none yet reads as a cluster still CREATING. */
  endpoint?: string;
}

/** EKS: clusters, each with its Kubernetes API (kubernetes.ts) served over HTTPS (kube-server.ts). */
export class EksModel {
  readonly clusters = new Map<string, SimCluster>();

  constructor(
    readonly account: string,
    readonly region: string,
    private readonly now: () => number,
    private readonly profileOf: (image: string) => ImageProfile | undefined,
    private readonly seed: number,
  ) {}

  /** A cluster that has existed for a month; returns its Kubernetes API, where Deployments are created. */
  createCluster(name: string, options: { version?: string } = {}): KubernetesModel {
    const kubernetes = new KubernetesModel(name, this.now, this.profileOf, this.seed);
    this.clusters.set(name, { name, version: options.version ?? '1.31', createdAt: this.now() - 30 * 24 * 3600 * 1000, kubernetes });
    return kubernetes;
  }

  cluster(name: string): SimCluster {
    const cluster = this.clusters.get(name);
    if (!cluster) throw new Error(`the simulated cloud has no EKS cluster ${name}`);
    return cluster;
  }

  /** Records where the cluster's API server (startKubeServer) listens. */
  serve(name: string, endpoint: string): void {
    this.cluster(name).endpoint = endpoint;
  }

  DescribeCluster(input: DescribeClusterCommandInput): Out<DescribeClusterCommandOutput> {
    const cluster = input.name ? this.clusters.get(input.name) : undefined;
    if (!cluster) throw new CloudError('ResourceNotFoundException', `No cluster found for name: ${input.name}.`, 404);
    const shape: Cluster = {
      name: cluster.name,
      arn: `arn:aws:eks:${this.region}:${this.account}:cluster/${cluster.name}`,
      createdAt: new Date(cluster.createdAt),
      version: cluster.version,
      roleArn: `arn:aws:iam::${this.account}:role/${cluster.name}-eks-cluster`,
      status: cluster.endpoint ? 'ACTIVE' : 'CREATING',
      ...(cluster.endpoint ? { endpoint: cluster.endpoint } : {}),
      certificateAuthority: cluster.endpoint ? { data: Buffer.from(SANDBOX_KUBE_CA_PEM, 'utf8').toString('base64') } : {},
      platformVersion: 'eks.12',
      accessConfig: { authenticationMode: 'API' },
      tags: {},
    };
    return { cluster: shape };
  }
}
