import { describeCluster } from '../../aws/eks.js';
import type { Platform } from '../platforms.js';
import { eksTarget } from './eks-target.js';

/** `target.eks`: the Kubernetes Deployment, its cluster described once per container; a canary beside it for a progressive strategy. */
export const eksPlatform: Platform = (service) => service.target.eks && eksTarget({ describeCluster }, service.target.eks, service.strategy);
