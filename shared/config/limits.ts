import type { HealthPolicy } from './schema.js';
import type { Strategy } from './strategy.js';
import { trafficSteps } from './traffic-steps.js';

/**
 * How long a progressive deployment may take before it is called stuck: the
 * rollout timeout for each traffic step, plus the bakes ECS or Shipwatch hold
 * between them. Time at a pause is the approval's own timeout and not counted
 * here: a pause is left by a decision or its expiry, never by this limit.
 */
export function progressLimitMinutes(strategy: Strategy, health: HealthPolicy): number {
  const steps = trafficSteps(strategy).length;
  const bakes =
    strategy.type === 'canary' || strategy.type === 'linear'
      ? strategy.bakeMinutes * steps
      : strategy.type === 'blueGreen'
        ? strategy.testTrafficBakeMinutes
        : 0;
  return health.rolloutTimeoutMinutes * steps + bakes;
}
