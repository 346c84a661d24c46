// The deploy platforms the functions can drive, by the key that selects each
// in a service's `target:` (`<key>/platform.ts` exports `<key>Platform`);
// every platform of platforms/registry.ts, or the compiler says which is missing.
//
// From source (tests, the sandbox, the CLI): all of them. In the zips,
// infra/esbuild-plugins.cjs keeps only the platforms the packaged config
// uses, so an ECS-only package carries no EKS target and an EKS-only package
// no ECS client (38 KB).
import type { ServiceConfig } from '../config/schema.js';
import type { PlatformKey } from '../platforms/registry.js';
import { ecsPlatform } from './ecs/platform.js';
import { eksPlatform } from './eks/platform.js';
import type { DeployTarget } from './target.js';

/** The service's target if it is on this platform. */
export type Platform = (service: ServiceConfig) => DeployTarget | undefined;

export const platforms: Partial<Record<PlatformKey, Platform>> = { ecs: ecsPlatform, eks: eksPlatform } satisfies Record<PlatformKey, Platform>;
