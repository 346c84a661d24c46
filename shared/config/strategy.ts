import { z } from 'zod';
import { DEFAULTS } from './defaults.js';

// How a release reaches the traffic. `rolling` is a plain rolling update and
// a bake (Shipwatch's first behaviour). The progressive strategies expose the
// new release to part of the traffic first and are judged step by step:
// on ECS by the service's own deployment engine (deploymentConfiguration.strategy,
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html),
// with Shipwatch answering its lifecycle hooks; on EKS by a `<deployment>-canary`
// copy scaled to the step's share of the replicas.
//
// Ranges are ECS's (API_CanaryConfiguration, API_LinearConfiguration,
// API_DeploymentConfiguration.bakeTimeInMinutes), so a config that validates
// is one UpdateService accepts.

const stepBake = z.number().int().min(0).max(1440).default(DEFAULTS.strategy.stepBakeMinutes);
/** Ask for approval in Slack (or `shipwatch promote/abort`) before the traffic shifts past the first step. */
const pause = z.boolean().default(false);

const rolling = z.strictObject({ type: z.literal('rolling') });

const canary = z.strictObject({
  type: z.literal('canary'),
  /** The share of production traffic the new release gets first; the rest follows after `bakeMinutes`. */
  percent: z.number().min(0.1).max(100).default(DEFAULTS.strategy.canaryPercent),
  bakeMinutes: stepBake,
  pause,
});

const linear = z.strictObject({
  type: z.literal('linear'),
  /** Each step adds this share of production traffic (ECS: 3–100). */
  stepPercent: z.number().min(3).max(100).default(DEFAULTS.strategy.linearStepPercent),
  bakeMinutes: stepBake,
  pause,
});

const blueGreen = z.strictObject({
  type: z.literal('blueGreen'),
  /** Minutes the new release serves test traffic only, judged, before production traffic moves to it all at once. */
  testTrafficBakeMinutes: z.number().int().min(0).max(1440).default(0),
  pause,
});

export const strategySchema = z.discriminatedUnion('type', [rolling, canary, linear, blueGreen], {
  error: 'a strategy `type`: rolling, canary, linear or blueGreen',
});

export type Strategy = z.infer<typeof strategySchema>;
export type StrategyType = Strategy['type'];
export const STRATEGY_TYPES = ['rolling', 'canary', 'linear', 'blueGreen'] as const satisfies readonly StrategyType[];
