import type { DeploymentConfiguration } from '@aws-sdk/client-ecs';
import type { AlbModel } from './alb.js';
import type { DeploymentStatus, HookChange, HookRun, ProgressiveState, Revision, SimServiceDeployment, Stage } from './ecs-deployment-types.js';
import { hooksAt } from './ecs-hook-runs.js';

// ECS's own canary, linear and blue/green engine, simulated: a service
// deployment moves through its lifecycle stages in simulated time
// (developerguide/blue-green-deployment-how-it-works.html, canary-deployment.html,
// linear-deployment.html), ECS's load balancer weights follow, and its
// lifecycle hooks hold each stage until they succeed (Lambda hooks answer
// SUCCEEDED, pauses are continued); a FAILED hook, a pause rolled back or
// timed out, StopServiceDeployment ROLLBACK or tasks that never become healthy
// roll it back within the same service deployment. Where the pages are
// ambiguous, the choice is noted (docs/progressive-ecs.md lists them).

/** Tasks of a healthy revision start and pass the target group's health checks in this long (as the rolling model's). */
export const SCALE_UP_SECONDS = 120;
/** A failing task is replaced (and counted) this often, as in the rolling model. */
export const TASK_FAILURE_SECONDS = 40;
/** ECS edits a listener rule's weights. */
export const SHIFT_SECONDS = 10;
/** The other revision's tasks drain and stop. */
export const CLEAN_UP_SECONDS = 30;

export interface EngineHost {
  now(): number;
  alb: AlbModel;
  imageOf(taskDefinition: string): string | undefined;
  healthyOf(taskDefinition: string): boolean;
  announce(
    d: SimServiceDeployment,
    at: number,
    eventName: 'SERVICE_DEPLOYMENT_IN_PROGRESS' | 'SERVICE_DEPLOYMENT_COMPLETED' | 'SERVICE_DEPLOYMENT_FAILED',
    reason: string,
  ): void;
  announceHook(change: HookChange): void;
}

const ONGOING = new Set<DeploymentStatus>(['PENDING', 'IN_PROGRESS', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS']);
export const isOngoing = (d: SimServiceDeployment) => ONGOING.has(d.status);
export const isRollingBack = (d: SimServiceDeployment) => d.status === 'ROLLBACK_REQUESTED' || d.status === 'ROLLBACK_IN_PROGRESS';

/** The target revision's production weight at each step (the API's 0.1 granularity). */
export function stepsOf(config: DeploymentConfiguration): number[] {
  if (config.strategy === 'CANARY') {
    const p = config.canaryConfiguration?.canaryPercent ?? 5;
    return p >= 100 ? [100] : [p, 100];
  }
  if (config.strategy === 'LINEAR') {
    const step = config.linearConfiguration?.stepPercent ?? 10;
    const steps: number[] = [];
    for (let w = step; w < 100 - 1e-9; w += step) steps.push(Math.round(w * 10) / 10);
    return [...steps, 100];
  }
  return [100];
}

/** A canary's bake after its first step, a linear step's between steps; none after 100% (API_LinearConfiguration). */
function stepBakeMs(d: SimServiceDeployment): number {
  if (d.production >= 100) return 0;
  if (d.config.strategy === 'CANARY') return (d.config.canaryConfiguration?.canaryBakeTimeInMinutes ?? 10) * 60_000;
  if (d.config.strategy === 'LINEAR') return (d.config.linearConfiguration?.stepBakeTimeInMinutes ?? 6) * 60_000;
  return 0;
}

export class ProgressiveEngine {
  constructor(private readonly host: EngineHost) {}

  private enter(d: SimServiceDeployment, state: ProgressiveState, stage: Stage, at: number): void {
    d.stage = stage;
    d.stageAt = at;
    d.stageUntil = at;
    d.afterHooksMs = 0;
    d.updatedAt = at;
    const alb = this.host.alb;
    const targetGroup = d.target.targetGroup;
    const sourceGroup = d.source.targetGroup;
    switch (stage) {
      case 'SCALE_UP': {
        if (this.host.healthyOf(d.target.taskDefinition)) {
          d.stageUntil = at + SCALE_UP_SECONDS * 1000;
          if (targetGroup) alb.serve(targetGroup, d.stageUntil, { image: this.host.imageOf(d.target.taskDefinition), production: 0, test: 0 });
        } else {
          // As the rolling model's circuit breaker counts failed tasks: half the desired count, at least 3.
          const threshold = Math.min(Math.max(Math.ceil(d.desiredCount / 2), 3), 200);
          d.stageUntil = at + threshold * TASK_FAILURE_SECONDS * 1000;
          d.failing = `tasks of ${d.target.taskDefinition} failed to start (${threshold} failed tasks)`;
        }
        break;
      }
      case 'TEST_TRAFFIC_SHIFT':
        d.stageUntil = at + SHIFT_SECONDS * 1000;
        // Test traffic needs a test listener rule; without one the stage passes and nothing is routed.
        if (state.setup?.testListenerRule && targetGroup) {
          d.test = 100;
          alb.serve(targetGroup, at, { test: 100 });
        }
        break;
      case 'PRODUCTION_TRAFFIC_SHIFT': {
        d.step += 1;
        d.production = d.steps[d.step] ?? 100;
        d.stageUntil = at + SHIFT_SECONDS * 1000;
        d.afterHooksMs = stepBakeMs(d);
        if (targetGroup) alb.serve(targetGroup, at, { production: d.production });
        if (sourceGroup) alb.serve(sourceGroup, at, { production: 100 - d.production });
        break;
      }
      case 'BAKE_TIME':
        d.stageUntil = at + (d.config.bakeTimeInMinutes ?? 0) * 60_000;
        break;
      case 'CLEAN_UP':
        d.stageUntil = at + CLEAN_UP_SECONDS * 1000;
        break;
      default:
        break;
    }
    d.hooks = hooksAt(d, stage, at, false);
    for (const h of d.hooks) if (h.targetType === 'PAUSE') this.announceHook(d, h, 'HOOK_AWAITING_ACTION', at);
  }

  /** The stage after this one, forward. */
  private next(d: SimServiceDeployment): Stage | 'DONE' {
    switch (d.stage) {
      case 'RECONCILE_SERVICE':
        return 'PRE_SCALE_UP';
      case 'PRE_SCALE_UP':
        return 'SCALE_UP';
      case 'SCALE_UP':
        return 'POST_SCALE_UP';
      case 'POST_SCALE_UP':
        return 'TEST_TRAFFIC_SHIFT';
      case 'TEST_TRAFFIC_SHIFT':
        return 'POST_TEST_TRAFFIC_SHIFT';
      case 'POST_TEST_TRAFFIC_SHIFT':
        return 'PRE_PRODUCTION_TRAFFIC_SHIFT';
      case 'PRE_PRODUCTION_TRAFFIC_SHIFT':
        return 'PRODUCTION_TRAFFIC_SHIFT';
      case 'PRODUCTION_TRAFFIC_SHIFT':
        return d.step < d.steps.length - 1 ? 'PRE_PRODUCTION_TRAFFIC_SHIFT' : 'POST_PRODUCTION_TRAFFIC_SHIFT';
      case 'POST_PRODUCTION_TRAFFIC_SHIFT':
        return 'BAKE_TIME';
      case 'BAKE_TIME':
        return 'CLEAN_UP';
      case 'CLEAN_UP':
        return 'DONE';
    }
  }

  /** Starts a service deployment: any ongoing one is stopped (ECS: STOP_REQUESTED when a user starts a new deployment). */
  start(state: ProgressiveState, d: SimServiceDeployment, at: number): void {
    const previous = state.deployments.find(isOngoing);
    if (previous) this.stop(state, previous, at, `a newer service deployment (${d.arn.split('/').pop()}) replaced it`);
    state.deployments.push(d);
    this.host.announce(d, at, 'SERVICE_DEPLOYMENT_IN_PROGRESS', `ECS deployment ${d.legacyId} in progress.`);
    // RECONCILE_SERVICE "only happens when you start a new service deployment with more than 1 service revision in an ACTIVE state".
    this.enter(d, state, previous ? 'RECONCILE_SERVICE' : 'PRE_SCALE_UP', at);
  }

  private stop(state: ProgressiveState, d: SimServiceDeployment, at: number, reason: string): void {
    d.status = 'STOPPED';
    d.statusReason = reason;
    d.stoppedAt = at;
    d.finishedAt = at;
    d.updatedAt = at;
    d.hooks = [];
    const alb = this.host.alb;
    if (d.target.targetGroup && d.target.targetGroup !== d.source.targetGroup)
      alb.serve(d.target.targetGroup, at, { image: undefined, production: 0, test: 0 });
    if (d.source.targetGroup) alb.serve(d.source.targetGroup, at, { production: 100 });
    state.productionTargetGroup = d.source.targetGroup;
  }

  /** ECS rolls the deployment back to its source revision, within the same service deployment. */
  rollback(d: SimServiceDeployment, at: number, reason: string, requested = false): void {
    if (!isOngoing(d) || isRollingBack(d)) return;
    for (const h of d.hooks) {
      if (h.targetType === 'PAUSE' && h.status === 'AWAITING_ACTION') this.announceHook(d, h, 'HOOK_FAILED', at);
      if (h.status === 'AWAITING_ACTION' || h.status === 'IN_PROGRESS') h.status = 'FAILED';
    }
    d.status = requested ? 'ROLLBACK_REQUESTED' : 'ROLLBACK_IN_PROGRESS';
    d.statusReason = reason;
    d.rollback = { reason, startedAt: at, serviceRevisionArn: d.source.arn };
    d.updatedAt = at;
    this.host.announce(d, at, 'SERVICE_DEPLOYMENT_FAILED', reason);
    const shifted = { production: d.production > 0, test: d.test > 0 };
    const alb = this.host.alb;
    if (d.target.targetGroup) alb.serve(d.target.targetGroup, at, { production: 0, test: 0 });
    if (d.source.targetGroup) alb.serve(d.source.targetGroup, at, { production: 100 });
    d.production = 0;
    d.test = 0;
    d.failing = undefined;
    // No ROLLBACK stage: ECS re-invokes the PRODUCTION_TRAFFIC_SHIFT and TEST_TRAFFIC_SHIFT
    // hooks while the traffic moves back ("Lifecycle hooks during rollback").
    d.stage = shifted.production || shifted.test ? 'PRODUCTION_TRAFFIC_SHIFT' : 'CLEAN_UP';
    d.stageAt = at;
    d.stageUntil = at + (d.stage === 'CLEAN_UP' ? CLEAN_UP_SECONDS : SHIFT_SECONDS) * 1000;
    d.afterHooksMs = 0;
    d.hooks = [
      ...(shifted.production ? hooksAt(d, 'PRODUCTION_TRAFFIC_SHIFT', at, true) : []),
      ...(shifted.test ? hooksAt(d, 'TEST_TRAFFIC_SHIFT', at, true) : []),
    ];
  }

  /** Moves every ongoing deployment of the service forward to now, stage by stage, in time order. */
  settle(state: ProgressiveState): void {
    const now = this.host.now();
    for (const d of state.deployments) {
      for (let guard = 0; guard < 1000 && isOngoing(d); guard++) {
        if (d.status === 'ROLLBACK_REQUESTED') d.status = 'ROLLBACK_IN_PROGRESS';
        // A hook past its timeout: its action (ROLLBACK by default).
        const expired = d.hooks
          .filter((h) => (h.status === 'IN_PROGRESS' || h.status === 'AWAITING_ACTION') && h.expiresAt <= now)
          .sort((a, b) => a.expiresAt - b.expiresAt)[0];
        const done = this.readyAt(d);
        if (expired && (done === undefined || expired.expiresAt <= done)) {
          const waiting = expired.status;
          expired.status = 'TIMED_OUT';
          if (expired.targetType === 'PAUSE' || waiting === 'AWAITING_ACTION') this.announceHook(d, expired, 'HOOK_TIMED_OUT', expired.expiresAt);
          if (expired.timeoutAction === 'CONTINUE') expired.decidedAt = expired.expiresAt;
          else if (isRollingBack(d))
            this.finish(state, d, 'ROLLBACK_FAILED', expired.expiresAt, `lifecycle hook ${expired.hookId} timed out during the rollback`);
          else this.rollback(d, expired.expiresAt, `lifecycle hook ${expired.hookId} at ${expired.stage} timed out (timeoutAction ROLLBACK)`);
          continue;
        }
        if (done === undefined || done > now) break;
        if (d.failing) {
          this.rollback(d, done, `ECS deployment ${d.legacyId}: ${d.failing}`);
          continue;
        }
        if (isRollingBack(d)) {
          if (d.stage === 'CLEAN_UP') this.finish(state, d, 'ROLLBACK_SUCCESSFUL', done, d.rollback?.reason ?? 'rolled back');
          else this.enterRollbackCleanUp(d, done);
          continue;
        }
        const next = this.next(d);
        if (next === 'DONE') this.finish(state, d, 'SUCCESSFUL', done, `ECS deployment ${d.legacyId} completed.`);
        else this.enter(d, state, next, done);
      }
    }
  }

  private enterRollbackCleanUp(d: SimServiceDeployment, at: number): void {
    d.stage = 'CLEAN_UP';
    d.stageAt = at;
    d.stageUntil = at + CLEAN_UP_SECONDS * 1000;
    d.hooks = [];
  }

  /** When the current stage can end: its own time is up and every hook has succeeded; undefined while one still runs. */
  private readyAt(d: SimServiceDeployment): number | undefined {
    let at = d.stageUntil;
    for (const h of d.hooks) {
      if (h.status === 'FAILED') return undefined;
      if (h.decidedAt === undefined) return undefined;
      at = Math.max(at, h.decidedAt + d.afterHooksMs);
    }
    return Math.max(at, d.stageAt + (d.hooks.length === 0 ? d.afterHooksMs : 0));
  }

  private finish(state: ProgressiveState, d: SimServiceDeployment, status: DeploymentStatus, at: number, reason: string): void {
    d.status = status;
    d.finishedAt = at;
    d.updatedAt = at;
    d.hooks = d.hooks.filter((h) => h.status !== 'IN_PROGRESS' && h.status !== 'AWAITING_ACTION');
    const alb = this.host.alb;
    if (status === 'SUCCESSFUL') {
      if (d.source.targetGroup && d.source.targetGroup !== d.target.targetGroup)
        alb.serve(d.source.targetGroup, at, { image: undefined, production: 0, test: 0 });
      state.revision = d.target;
      state.productionTargetGroup = d.target.targetGroup;
      this.host.announce(d, at, 'SERVICE_DEPLOYMENT_COMPLETED', reason);
      return;
    }
    d.statusReason = reason;
    if (status === 'ROLLBACK_SUCCESSFUL') {
      if (d.target.targetGroup && d.target.targetGroup !== d.source.targetGroup)
        alb.serve(d.target.targetGroup, at, { image: undefined, production: 0, test: 0 });
      state.productionTargetGroup = d.source.targetGroup;
      this.host.announce(d, at, 'SERVICE_DEPLOYMENT_COMPLETED', `ECS deployment rolled back to ${d.source.taskDefinition}: ${reason}`);
    }
  }

  announceHook(d: SimServiceDeployment, h: HookRun, eventName: HookChange['eventName'], at: number): void {
    this.host.announceHook({
      at,
      cluster: d.cluster,
      service: d.service,
      deploymentArn: d.arn,
      hookId: h.hookId,
      hookType: h.targetType,
      eventName,
      stage: h.stage,
      ...(h.targetType === 'PAUSE' ? { expiresAt: h.expiresAt } : {}),
    });
  }

  /** A new revision for a deployment: it registers with whichever target group production is not on. */
  static revisionFor(state: ProgressiveState, arn: string, taskDefinition: string, at: number): Revision {
    const setup = state.setup;
    const free = setup ? (state.productionTargetGroup === setup.alternate.arn ? setup.primary.arn : setup.alternate.arn) : undefined;
    return { arn, taskDefinition, ...(free ? { targetGroup: free } : {}), createdAt: at };
  }
}
