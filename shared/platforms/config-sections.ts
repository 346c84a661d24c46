import type { z } from 'zod';
import { ecsConfig } from './ecs/config.js';
import { eksConfig } from './eks/config.js';
import type { PlatformKey } from './registry.js';

// Each registered platform's `target.<key>` section of shipwatch.yml (zod).
// Apart from registry.ts because only the edge (packaging, the CLI) may load
// zod; `satisfies` makes a platform registered there but missing here a type error.

export const CONFIG_SECTIONS = {
  ecs: ecsConfig,
  eks: eksConfig,
} satisfies Record<PlatformKey, z.ZodType>;
