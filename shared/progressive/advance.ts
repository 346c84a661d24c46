import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { HealthPolicy } from '../config/schema.js';
import { progressLimitMinutes } from '../config/limits.js';
import type { Strategy } from '../config/strategy.js';
import { Aborted, RolloutFailed, Superseded } from '../errors.js';
import { alarmKey } from '../waits/keys.js';
import { pending, type Pending } from '../waits/look.js';
import type { ProgressStatus, RevisionScope } from '../targets/progressive.js';
import type { DeployTarget, Watch } from '../targets/target.js';
import { describeStep, judgeStep, type StepPosition } from './judge-step.js';

/** A step Shipwatch judged healthy, with its arithmetic: it goes into the record and the result. */
export interface JudgedStep extends StepPosition {
  judgedAt: string;
  summary: string;
}

/** Where the deployment stands, as the record and the message show it. */
export type Position = StepPosition & { detail: string };

export type ProgressPending = Pending & { position?: Position; judged: JudgedStep[]; measurementErrors?: number; pausedMs?: number };
export interface ProgressPaused {
  done: false;
  paused: Position & { pauseId: string; expiresAt?: string };
  detail: string;
  lookedAt: string;
  judged: JudgedStep[];
}
export interface ProgressDone {
  done: true;
  completedAt: string;
  detail: string;
  judged: JudgedStep[];
  /** What the service-wide bake measures: the new revision alone (ECS: its target group), read once here. */
  scope?: RevisionScope;
}
export type ProgressLook = ProgressPending | ProgressPaused | ProgressDone;

export interface ProgressInput {
  strategy: Strategy;
  health: HealthPolicy;
  deploy: { deploymentId: string; revision: string; previousRevision: string; startedAt: string };
  /** The last look's output. */
  previous?: { judged?: JudgedStep[]; measurementErrors?: number | undefined; paused?: { pauseId: string } };
  /** A person's decision at the pause `previous.paused`. */
  decision?: { action: 'promote' | 'abort'; by: string };
  /** Milliseconds spent waiting at pauses so far: the approval timeout bounds them, not the progress limit. */
  pausedMs?: number;
}

/**
 * One look at a progressive deployment, and the next move: follow the
 * platform's traffic steps (ECS), judge a step in place and shift to the next
 * (EKS), hold at a pause for a person, act on that person's decision. Every
 * call reads where the deployment stands from the platform, so a repeated
 * call (a retry, a duplicate wake) does no harm.
 */
export async function advanceRelease(deps: { cloudwatch: CloudWatchClient; target: DeployTarget }, input: ProgressInput, now: Date): Promise<ProgressLook> {
  const { target, cloudwatch } = deps;
  const progressive = target.progressive;
  if (!progressive)
    throw new Error(`${target.label} has no progressive deployment for a ${input.strategy.type} strategy: the state machine called this task out of order`);
  const watch: Watch = {
    deploymentId: input.deploy.deploymentId,
    revision: input.deploy.revision,
    revertRevision: input.deploy.previousRevision,
    since: new Date(input.deploy.startedAt),
  };
  const judged = [...(input.previous?.judged ?? [])];

  if (input.decision) {
    const pauseId = input.previous?.paused?.pauseId;
    if (!pauseId) throw new Error('a promotion decision without a pause: the state machine called this task out of order');
    await progressive.decide(watch, pauseId, input.decision.action, now);
    if (input.decision.action === 'abort')
      throw new Aborted(
        `${input.decision.by} aborted the ${input.strategy.type} deployment at the pause (${pauseId}); all traffic goes back to ${input.deploy.previousRevision}`,
      );
  }

  const status = await progressive.progress(watch);
  const wake = target.wakeKeys;
  switch (status.state) {
    case 'completed': {
      // Fixed for the rest of the deployment, so the bake's looks need not ask the platform again.
      const scope = await progressive.scope?.(watch);
      return { done: true, completedAt: now.toISOString(), detail: status.detail, judged, ...(scope ? { scope } : {}) };
    }
    case 'failed':
      throw new RolloutFailed(`${input.strategy.type} deployment on ${target.label} failed: ${status.reason}`);
    case 'superseded':
      throw new Superseded(`${target.label} now runs ${status.by}; the ${input.strategy.type} deployment was replaced by someone else's`);
    case 'paused':
      return {
        done: false,
        paused: { ...positionOf(status), pauseId: status.pauseId, ...(status.expiresAt ? { expiresAt: status.expiresAt } : {}) },
        detail: `paused at ${describeStep(status)}: ${status.detail}`,
        lookedAt: now.toISOString(),
        judged,
      };
    case 'stepping':
      return stillGoing(input, status, `${describeStep(status)}: ${status.detail}`, fallbackSeconds(wake, input.health), now, wake, judged);
    case 'judge': {
      const alarms = input.health.alarms.map(alarmKey);
      const judgement = await judgeStep(cloudwatch, input.health, status, now, input.previous?.measurementErrors ?? 0);
      if (judgement.state === 'measuring') {
        const look = stillGoing(
          input,
          status,
          `${describeStep(status)}, judging the new revision: ${judgement.summary}`,
          judgement.lookAgainSeconds,
          now,
          [...new Set([...alarms, ...wake])],
          judged,
        );
        return judgement.measurementErrors ? { ...look, measurementErrors: judgement.measurementErrors } : look;
      }
      judged.push({ ...stepOf(status), judgedAt: now.toISOString(), summary: judgement.summary });
      await progressive.advance(watch, status.step, now);
      // The next step's pods take a moment to start: the next look follows the platform.
      return stillGoing(input, status, `${describeStep(status)} healthy (${judgement.summary}); moving on`, input.health.pollSeconds, now, wake, judged);
    }
  }
}

const stepOf = (s: StepPosition): StepPosition => ({ step: s.step, steps: s.steps, trafficPercent: s.trafficPercent });
const positionOf = (s: Extract<ProgressStatus, { step: number }>): Position => ({ ...stepOf(s), detail: s.detail });

/** Where the platform announces its deployments (ECS), an event ends the wait and the fallback only covers a lost one. */
const fallbackSeconds = (wake: string[], health: HealthPolicy) => (wake.length > 0 ? Math.max(health.pollSeconds, 60) : health.pollSeconds);

function stillGoing(
  input: ProgressInput,
  status: Extract<ProgressStatus, { step: number }>,
  detail: string,
  seconds: number,
  now: Date,
  wake: string[],
  judged: JudgedStep[],
): ProgressPending {
  const limit = progressLimitMinutes(input.strategy, input.health);
  // A person's time at a pause is not the platform's: it is left out (limits.ts).
  const paused = input.pausedMs ?? 0;
  const elapsedMinutes = (now.getTime() - Date.parse(input.deploy.startedAt) - paused) / 60_000;
  if (elapsedMinutes >= limit)
    throw new RolloutFailed(
      `${input.strategy.type} deployment still at ${describeStep(status)} after ${Math.round(elapsedMinutes)} minutes${paused > 0 ? ' besides the pause' : ''} (limit ${limit}: rolloutTimeoutMinutes per step plus the step bakes)`,
    );
  const remaining = (limit - elapsedMinutes) * 60;
  return { ...pending(detail, Math.min(seconds, remaining), now, wake), position: positionOf(status), judged, ...(paused > 0 ? { pausedMs: paused } : {}) };
}
