import type { ServiceConfig } from '../config/schema.js';
import { progressLimitMinutes } from '../config/limits.js';

/** Headroom for the steps around the ones with limits (deploy, Finish, retries with backoff). */
export const LEASE_MARGIN_MINUTES = 15;

/**
 * How long a deployment holds its service: long enough for everything it may
 * still do, so the lease never expires under a live deployment; a crashed
 * holder blocks the service no longer than this. A deployment: its rollout
 * (every traffic step and step bake of a progressive strategy, plus a pause's
 * approval time), the bake, and a rollback. A rollback: its rollout.
 */
export function leaseMinutes(service: Pick<ServiceConfig, 'strategy' | 'health' | 'approval'>, phase: 'deploying' | 'rolling_back'): number {
  const { health, strategy } = service;
  if (phase === 'rolling_back') return health.rolloutTimeoutMinutes + LEASE_MARGIN_MINUTES;
  const pause = strategy.type !== 'rolling' && strategy.pause ? (service.approval?.timeoutMinutes ?? 0) : 0;
  return progressLimitMinutes(strategy, health) + pause + health.bakeMinutes + health.rolloutTimeoutMinutes + LEASE_MARGIN_MINUTES;
}
