import type { ServiceConfig } from '../config/schema.js';
import { ecsClient } from '../aws/ecs.js';
import { eksClient } from '../aws/eks.js';
import { ecsTarget } from './ecs/ecs-target.js';
import { eksTarget } from './eks/eks-target.js';
import type { DeployTarget } from './target.js';

/** The platform behind a service, built from module-scope clients. */
export function targetFor(service: ServiceConfig): DeployTarget {
  if (service.target.ecs) return ecsTarget(ecsClient(), service.target.ecs);
  if (service.target.eks) return eksTarget({ eks: eksClient() }, service.target.eks);
  throw new Error(`${service.name}: no target (the config schema requires one)`);
}
