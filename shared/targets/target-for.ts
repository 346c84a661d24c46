import type { ServiceConfig } from '../config/schema.js';
import { TargetMisconfigured } from '../errors.js';
import { platforms } from './platforms.js';
import type { DeployTarget } from './target.js';

/** The platform behind a service, built from module-scope clients. */
export function targetFor(service: ServiceConfig): DeployTarget {
  for (const platform of Object.values(platforms)) {
    const target = platform(service);
    if (target) return target;
  }
  // Only in a package whose config had no service on this platform (a service added without packaging again).
  const wanted = Object.keys(service.target).filter((key) => service.target[key as keyof ServiceConfig['target']]);
  throw new TargetMisconfigured(
    `${service.name} deploys to ${wanted.join(', ') || 'no platform'}, but these functions were packaged for ${Object.keys(platforms).join(', ') || 'none'} only (the packaged config has no such service); package and deploy Shipwatch again`,
  );
}
