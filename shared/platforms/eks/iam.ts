import type { PlatformIam } from '../iam.js';
import type { EksConfig } from './config.js';

/**
 * What the functions call on the EKS clusters the config names. The
 * Kubernetes side (get/patch the Deployment) is granted by the cluster's
 * access entry (infra/access-entries.cjs), not IAM.
 */
export const eksIam: PlatformIam<EksConfig> = (eks, { allow, inAccount, unique }) => {
  const clusters =
    eks.length > 0 ? unique(eks.map((t) => t.cluster)).map((c) => inAccount('eks', `cluster/${c}`)) : [inAccount('eks', 'cluster/shipwatch-none')];
  const describeCluster = allow(['eks:DescribeCluster'], clusters);
  return {
    deployRelease: [describeCluster],
    watchRollout: [describeCluster],
    advanceRelease: [describeCluster],
    checkHealth: [describeCluster],
    rollBack: [describeCluster],
  };
};
