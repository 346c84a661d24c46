import type { Watch } from './target.js';

// The platform side of progressive delivery (config/strategy.ts). Two models,
// one contract:
// - ECS steps the traffic itself (deploymentConfiguration.strategy CANARY,
//   LINEAR or BLUE_GREEN) and asks Shipwatch's lifecycle hook for a verdict at
//   each stage; `progress` follows the service deployment.
// - On EKS Shipwatch steps: `<deployment>-canary` scaled to the step's share of
//   the replicas. `progress` says when a step awaits its verdict (`judge`), and
//   `advance` moves to the next step once the workflow found it healthy.
// Where a deployment stands is read from the platform each time (ECS's service
// deployment, the canary Deployment's annotations), so every call is safe to repeat.

/** The new revision alone, for metrics: its target group (ECS, weighted target groups) or the value of a `{revision}` placeholder. */
export interface RevisionScope {
  revision: string;
  targetGroup?: string | undefined;
}

interface StepPosition {
  /** 1-based; `steps` in all. */
  step: number;
  steps: number;
  /** The share of production traffic the new revision serves now. */
  trafficPercent: number;
  detail: string;
}

export type ProgressStatus =
  /** Traffic is moving, or a step bakes under the platform's own clock: look again later. */
  | ({ state: 'stepping' } & StepPosition)
  /** A step is in place since `since`: Shipwatch judges the new revision over `bakeMinutes`, then calls `advance`. */
  | ({ state: 'judge'; since: string; bakeMinutes: number; scope: RevisionScope } & StepPosition)
  /** Held until a person promotes or aborts (`decide`). `pauseId`: ECS's hookId, or the step on EKS. */
  | ({ state: 'paused'; pauseId: string; expiresAt?: string } & StepPosition)
  /** All traffic on the new revision; what follows is the service-wide bake. */
  | { state: 'completed'; detail: string }
  /** The platform gave up or rolled back (`rollingBackId`: its rollback is under way; adopt it). */
  | { state: 'failed'; reason: string; rollingBackId?: string }
  | { state: 'superseded'; by: string };

export interface ProgressiveTarget {
  progress(watch: Watch): Promise<ProgressStatus>;
  /** The step `step` was judged healthy: shift to the next one (EKS); a no-op where the platform steps itself. */
  advance(watch: Watch, step: number, now: Date): Promise<void>;
  /** A person's decision at a pause: `promote` goes on, `abort` sends all traffic back to the previous revision. */
  decide(watch: Watch, pauseId: string, action: 'promote' | 'abort', now: Date): Promise<void>;
  /**
   * The new revision alone, for metrics, once it serves all the traffic: the
   * bake narrows its metric checks to it (ECS: the target group it resolved
   * to, which alternates between deployments). Absent: the bake measures the
   * checks as configured.
   */
  scope?(watch: Watch): Promise<RevisionScope>;
}
