import type * as v from 'valibot';
import { ecsState } from './ecs/config-state.js';
import { eksState } from './eks/config-state.js';

// The deploy platforms, by the key that selects each in a service's `target:`.
// This list is the one place a platform is registered: the config schema, the
// execution state, the Deployment type and IAM read their keys from it, and
// the compiler asks for the platform's entry in the two maps that cannot sit
// here (config-sections.ts: zod, which must not reach the functions;
// targets/platforms.ts: the target factories, a layer above config).
//
// Each platform's pieces, by convention:
//   platforms/<key>/config.ts        `target.<key>` for shipwatch.yml (zod, the edge)
//   platforms/<key>/config-state.ts  its mirror in the execution state (Valibot)
//   platforms/<key>/iam.ts           its IAM statements per function (infra/iam.cjs)
//   targets/<key>/platform.ts        `<key>Platform`, the target factory (and the target beside it)

/** Per platform: its `target.<key>` section as the functions check it. */
export const PLATFORMS = {
  ecs: { state: ecsState },
  eks: { state: eksState },
} satisfies Record<string, { state: v.GenericSchema }>;

export type PlatformKey = keyof typeof PLATFORMS;

export const PLATFORM_KEYS = Object.keys(PLATFORMS) as [PlatformKey, ...PlatformKey[]];

/** "exactly one of `ecs` or `eks`": a service deploys to one platform, one of `keys`. */
export const exactlyOnePlatform = (keys: readonly string[]) =>
  `exactly one of ${keys
    .map((k) => `\`${k}\``)
    .join(', ')
    .replace(/, ([^,]*)$/, ' or $1')}`;
