import type { ServiceConfig } from '../config/schema.js';
import { clients } from '../aws/clients.js';
import { ecsTarget } from './ecs/ecs-target.js';
import type { DeployTarget } from './target.js';

/** The platform behind a service, built from module-scope clients. */
export function targetFor(service: ServiceConfig): DeployTarget {
  return ecsTarget(clients.ecs(), service.target.ecs);
}
