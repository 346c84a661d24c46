import type { ImageProfile } from '../local/cloud/profiles.js';
import type { Outcome } from '../shared/workflow/result.js';

export interface Scenario {
  name: string;
  title: string;
  repository: string;
  tag: string;
  behaviour: Partial<ImageProfile>;
  expect: Outcome;
  /** When the release starts hurting users, for time to detect: at rollout start, or minutes after it starts serving. */
  failsAt?: 'rollout-start' | { servingMinutes: number };
}

/** Each scenario is one push to ECR; they play in order on the same simulated account. */
export const SCENARIOS: Scenario[] = [
  {
    name: 'good-release',
    title: 'a good release deploys and bakes green',
    repository: 'checkout',
    tag: 'v2',
    behaviour: { findings: [{ id: 'CVE-2026-0001', severity: 'HIGH', package: 'libadmin 2.1' }, { id: 'CVE-2025-4242', severity: 'LOW', package: 'zlib 1.3' }] },
    expect: 'deployed',
  },
  {
    name: 'critical-finding',
    title: 'an image with a CRITICAL finding is blocked',
    repository: 'checkout',
    tag: 'v3',
    behaviour: { findings: [{ id: 'CVE-2026-31337', severity: 'CRITICAL', package: 'openssl 3.0.1' }] },
    expect: 'blocked',
  },
  {
    name: 'failing-tasks',
    title: 'tasks fail health checks → circuit breaker → rollback',
    repository: 'checkout',
    tag: 'v4',
    behaviour: { healthy: false },
    expect: 'rolled_back',
    failsAt: 'rollout-start',
  },
  {
    name: '5xx-during-bake',
    title: 'the 5xx rate climbs during the bake → rollback with the numbers',
    repository: 'payments',
    tag: 'release-2',
    behaviour: { latent: { afterMinutes: 3, errorRate: 8 } },
    expect: 'rolled_back',
    failsAt: { servingMinutes: 3 },
  },
];
