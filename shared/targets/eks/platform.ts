import { eksClient } from '../../aws/eks.js';
import type { Platform } from '../platforms.js';
import { eksTarget } from './eks-target.js';

/** `target.eks`: the Kubernetes Deployment, through the container's one EKS client. */
export const eksPlatform: Platform = (service) => service.target.eks && eksTarget({ eks: eksClient() }, service.target.eks);
