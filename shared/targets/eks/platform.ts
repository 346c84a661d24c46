import { describeCluster } from '../../aws/eks.js';
import type { Platform } from '../platforms.js';
import { eksTarget } from './eks-target.js';

/** `target.eks`: the Kubernetes Deployment, its cluster described once per container. */
export const eksPlatform: Platform = (service) => service.target.eks && eksTarget({ describeCluster }, service.target.eks);
