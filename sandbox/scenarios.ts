import type { ImageProfile } from '../local/cloud/profiles.js';
import type { DeliveryPlan } from '../local/eventbridge/bus.js';
import type { Outcome } from '../shared/workflow/result.js';

export interface Push {
  repository: string;
  tag: string;
  behaviour: Partial<ImageProfile>;
  /** Seconds after the scenario's first push. */
  afterSeconds?: number;
  /** EventBridge delivers the push event this many seconds late (it may, and may reorder events). */
  deliveredAfterSeconds?: number;
}

/**
 * AWS misbehaving on cue: once an execution enters `when`, calls to
 * `operation` (service:Operation, dynamodb:UpdateItem included) fail with
 * `error`: the next `times` of them, or all of them until an execution enters `until`.
 */
export interface FaultCue {
  when: string;
  operation: string;
  times?: number;
  until?: string;
  /** Only every n-th call fails (1 in n), not each one. */
  every?: number;
  error: 'ThrottlingException' | 'AccessDeniedException' | 'InternalServerError';
}

/** Someone else deploys to `service` (cluster/service) while an execution is in `when`: their own revision, their own UpdateService. */
export interface InterferenceCue {
  when: string;
  service: string;
}

export interface Scenario {
  name: string;
  title: string;
  pushes: Push[];
  /** The outcome each push's record must end with, in push order. */
  expect: Outcome[];
  /** When the release starts hurting users, for time to detect: at rollout start, or minutes after it starts serving. */
  failsAt?: 'rollout-start' | { servingMinutes: number };
  /** Keep the simulated cloud running this long after the last execution ends (for alarms after the deploy). */
  observeMinutes?: number;
  /**
   * Who answers the approval request (or a paused canary's promotion
   * request: approve promotes, reject aborts), and when. Played as a signed
   * Slack click when the sandbox runs headless; a person at a terminal
   * answers instead (and the expected outcome follows their answer).
   */
  approval?: { answer: 'approve' | 'reject'; as: string; afterMinutes: number };
  faults?: FaultCue[];
  interference?: InterferenceCue;
  /** How EventBridge treats this scenario's events: late, twice, or never. */
  events?: DeliveryPlan[];
}

/** Each scenario is one or more pushes to ECR; they play in order on the same simulated account. */
export const SCENARIOS: Scenario[] = [
  {
    name: 'good-release',
    title: 'a good release deploys and bakes green',
    pushes: [
      {
        repository: 'checkout',
        tag: 'v2',
        behaviour: {
          findings: [
            { id: 'CVE-2026-0001', severity: 'HIGH', package: 'libadmin 2.1' },
            { id: 'CVE-2025-4242', severity: 'LOW', package: 'zlib 1.3' },
          ],
        },
      },
    ],
    expect: ['deployed'],
  },
  {
    name: 'critical-finding',
    title: 'an image with a CRITICAL finding is blocked',
    pushes: [{ repository: 'checkout', tag: 'v3', behaviour: { findings: [{ id: 'CVE-2026-31337', severity: 'CRITICAL', package: 'openssl 3.0.1' }] } }],
    expect: ['blocked'],
  },
  {
    name: 'failing-tasks',
    title: 'tasks fail health checks → circuit breaker → rollback',
    pushes: [{ repository: 'checkout', tag: 'v4', behaviour: { healthy: false } }],
    expect: ['rolled_back'],
    failsAt: 'rollout-start',
  },
  {
    name: '5xx-during-bake',
    title: 'the 5xx rate climbs during the bake → rollback with the numbers',
    pushes: [{ repository: 'payments', tag: 'release-2', behaviour: { latent: { afterMinutes: 3, errorRate: 8 } } }],
    expect: ['rolled_back'],
    failsAt: { servingMinutes: 3 },
  },
  {
    name: 'alarm-after-deploy',
    title: 'an alarm fires twenty minutes after a successful deploy → rollback',
    pushes: [{ repository: 'checkout', tag: 'v5', behaviour: { latent: { afterMinutes: 18, errorRate: 12 } } }],
    expect: ['rolled_back'],
    failsAt: { servingMinutes: 18 },
    observeMinutes: 30,
  },
  {
    name: 'burst',
    title: 'five pushes to one service in a minute → only the newest deploys',
    pushes: [1, 2, 3, 4, 5].map((n) => ({ repository: 'payments', tag: `release-3.${n}`, behaviour: {}, afterSeconds: (n - 1) * 15 })),
    expect: ['superseded', 'superseded', 'superseded', 'superseded', 'deployed'],
  },
  {
    name: 'eks-good-release',
    title: 'a good release rolls out to the Kubernetes Deployment on EKS and bakes green',
    pushes: [{ repository: 'catalog', tag: 'v2', behaviour: {} }],
    expect: ['deployed'],
  },
  {
    name: 'eks-pods-not-ready',
    title: 'the new pods never become ready → ProgressDeadlineExceeded → rollback',
    pushes: [{ repository: 'catalog', tag: 'v3', behaviour: { healthy: false } }],
    expect: ['rolled_back'],
    failsAt: 'rollout-start',
  },
  {
    name: 'eks-canary-good',
    title: 'a canary on EKS: search-canary (1 pod beside 4: 20% of the requests) judged healthy, then search promoted and the canary deleted',
    pushes: [{ repository: 'search', tag: 'v2', behaviour: {} }],
    expect: ['deployed'],
  },
  {
    name: 'eks-canary-bad',
    title: 'a canary on EKS whose 5xx rate is 9% → rolled back at the first step by deleting the canary: only its share of the requests ever reached it',
    pushes: [{ repository: 'search', tag: 'v3', behaviour: { errorRate: 9 } }],
    expect: ['rolled_back'],
    failsAt: 'rollout-start',
  },
  {
    name: 'eks-canary-paused-promoted',
    title:
      'a canary on EKS that pauses: reviews-canary (1 pod beside 4) judged healthy, a person promotes it in Slack, then reviews is promoted and the canary deleted',
    pushes: [{ repository: 'reviews', tag: 'v2', behaviour: {} }],
    expect: ['deployed'],
    approval: { answer: 'approve', as: 'U0SANDBOXYOU', afterMinutes: 4 },
  },
  {
    name: 'approval-granted',
    title: 'a release that needs approval: a person approves in Slack, then it deploys',
    pushes: [{ repository: 'payments', tag: 'release-4.0', behaviour: {} }],
    expect: ['deployed'],
    approval: { answer: 'approve', as: 'U0SANDBOXYOU', afterMinutes: 6 },
  },
  {
    name: 'approval-rejected',
    title: 'a release that needs approval: a person rejects it in Slack',
    pushes: [{ repository: 'payments', tag: 'release-4.1', behaviour: {} }],
    expect: ['rejected'],
    approval: { answer: 'reject', as: 'U0SANDBOXYOU', afterMinutes: 3 },
  },
  {
    name: 'throttled-watch-and-bake',
    title: 'ECS and CloudWatch throttle the watch, then the bake → retried, still deployed',
    pushes: [{ repository: 'checkout', tag: 'v6', behaviour: {} }],
    expect: ['deployed'],
    faults: [
      { when: 'WatchRollout', operation: 'ecs:DescribeServices', times: 5, error: 'ThrottlingException' },
      { when: 'Bake', operation: 'cloudwatch:DescribeAlarms', times: 5, error: 'ThrottlingException' },
    ],
  },
  {
    name: 'someone-elses-deployment',
    title: "a teammate's UpdateService lands during our rollout → theirs stands, ours ends superseded",
    pushes: [{ repository: 'checkout', tag: 'v7', behaviour: {} }],
    expect: ['superseded'],
    interference: { when: 'WatchRollout', service: 'prod/checkout' },
  },
  {
    name: 'late-event',
    title: "an older push's event arrives after a newer one's → the older ends superseded",
    pushes: [
      { repository: 'checkout', tag: 'v8', behaviour: {}, deliveredAfterSeconds: 90 },
      { repository: 'checkout', tag: 'v9', behaviour: {}, afterSeconds: 20 },
    ],
    expect: ['superseded', 'deployed'],
  },
  {
    name: 'rollback-fails',
    title: 'the 5xx rate climbs, and the rollback itself is refused → rollback_failed, loudly',
    pushes: [{ repository: 'payments', tag: 'release-5', behaviour: { latent: { afterMinutes: 3, errorRate: 8 } } }],
    expect: ['rollback_failed'],
    failsAt: { servingMinutes: 3 },
    faults: [{ when: 'RollBack', operation: 'ecs:UpdateService', times: 10, error: 'AccessDeniedException' }],
  },
  {
    name: 'outcome-not-recorded',
    title: 'DynamoDB fails every write while the workflow records its outcome → the closer records the true one',
    pushes: [{ repository: 'checkout', tag: 'v10', behaviour: {} }],
    expect: ['deployed'],
    faults: [{ when: 'Finish', operation: 'dynamodb:UpdateItem', until: 'NotRecorded', error: 'InternalServerError' }],
  },
  {
    name: 'alarm-during-bake',
    title: 'the 5xx alarm fires during the bake, its event delivered twice → one rollback, seconds after the event',
    pushes: [{ repository: 'checkout', tag: 'v11', behaviour: { latent: { afterMinutes: 3, errorRate: 12 } } }],
    expect: ['rolled_back'],
    failsAt: { servingMinutes: 3 },
    events: [{ detailType: 'CloudWatch Alarm State Change', copies: 2 }],
    // Until the alarm is OK again: the next scenario deploys to the same service.
    observeMinutes: 10,
  },
  {
    name: 'lost-rollout-event',
    title: "EventBridge loses ECS's deployment events → the rollout is still followed, by the fallback look",
    pushes: [{ repository: 'checkout', tag: 'v12', behaviour: {} }],
    expect: ['deployed'],
    events: [{ detailType: 'ECS Deployment State Change', drop: true }],
  },
  {
    name: 'long-bake-sporadic-throttling',
    title: 'a 60-minute bake while one call in three is throttled → deployed; the bill does not grow with the bake',
    pushes: [{ repository: 'ledger', tag: 'v2', behaviour: {} }],
    expect: ['deployed'],
    faults: [
      { when: 'WatchRollout', operation: 'ecs:DescribeServices', every: 3, until: 'EndDeployed', error: 'ThrottlingException' },
      { when: 'Bake', operation: 'cloudwatch:DescribeAlarms', every: 3, until: 'EndDeployed', error: 'ThrottlingException' },
    ],
  },
  {
    name: 'ecs-canary-good',
    title: "ECS's canary: 10% judged on the new target group by Shipwatch's lifecycle hook, then 100%, baked",
    pushes: [{ repository: 'storefront', tag: 'v2', behaviour: {} }],
    expect: ['deployed'],
  },
  {
    name: 'ecs-canary-bad',
    title: 'a bad release on ECS canary: the hook answers FAILED at 10%, ECS rolls back; only the canary was exposed',
    pushes: [{ repository: 'storefront', tag: 'v3', behaviour: { errorRate: 9 } }],
    expect: ['rolled_back'],
  },
  {
    name: 'ecs-linear',
    title: "ECS's linear rollout in four steps of 25%, each judged by the hook",
    pushes: [{ repository: 'listings', tag: 'v2', behaviour: {} }],
    expect: ['deployed'],
  },
  {
    name: 'ecs-canary-paused',
    title: 'an ECS canary pauses after its judged 20% step; a person promotes it in Slack',
    pushes: [{ repository: 'orders', tag: 'v2', behaviour: {} }],
    expect: ['deployed'],
    approval: { answer: 'approve', as: 'U0SANDBOXYOU', afterMinutes: 2 },
  },
  {
    name: 'ecs-blue-green',
    title: "ECS's blue/green: test traffic judged for 4 minutes, then all production at once, baked",
    pushes: [{ repository: 'inventory', tag: 'v2', behaviour: {} }],
    expect: ['deployed'],
  },
  {
    name: 'measurement-fails',
    title: 'CloudWatch refuses every metric query during the bake → rolled back as "could not measure", not as unhealthy',
    pushes: [{ repository: 'payments', tag: 'release-6', behaviour: {} }],
    expect: ['rolled_back'],
    faults: [{ when: 'Bake', operation: 'cloudwatch:GetMetricData', until: 'EndRolledBack', error: 'AccessDeniedException' }],
  },
];
