import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { ServiceConfig } from '../../shared/config/schema.js';
import { errorMessage, type DeploymentResult, type StepTime } from '../../shared/workflow/result.js';
import { duration } from '../stats/percentile.js';

// What `shipwatch follow` prints while an execution runs, read from its
// GetExecutionHistory: the steps as they start, what each look found (the
// scan, the lease, a progressive deployment's traffic steps and its pause,
// the rollout, the live health verdicts of the bake with a progress bar),
// failures, and at the end the outcome with each step's time.
// Pure: events in, lines out.

export interface ProgressLine {
  at: Date;
  text: string;
}

/** The part of an execution's input the lines need. */
export interface FollowedInput {
  mode?: 'rollback';
  release: { repository: string; digest: string; tag?: string };
  service: Pick<ServiceConfig, 'name' | 'approval'> & { health: Pick<ServiceConfig['health'], 'bakeMinutes'> };
}

/** `web:8` for a task-definition ARN, `web@sha256:84b15ecf52b6` for an image URI. */
export const shortRevision = (revision: string) =>
  revision
    .split('/')
    .pop()!
    .replace(/(@sha256:[a-f0-9]{12})[a-f0-9]+$/, '$1');

const BAR = 20;
/** `[##########----------]  50%`: how much of the bake is behind it. */
export function bakeBar(fraction: number): string {
  const f = Math.min(1, Math.max(0, fraction));
  const filled = Math.floor(f * BAR);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${String(Math.floor(f * 100)).padStart(3)}%`;
}

/** Steps the execution enters that say what it does next (looks re-enter their step: said once). */
const ENTERED: Record<string, (input: FollowedInput) => string> = {
  ScanImage: (i) => `scanning ${i.release.repository}@${i.release.digest.slice(7, 19)}`,
  RequestApproval: (i) =>
    `waiting for approval in Slack (${i.service.approval?.approvers.join(', ') ?? 'no approvers'}, within ${i.service.approval?.timeoutMinutes ?? '?'} min)`,
  RequestPromotion: (i) =>
    `waiting for promote or abort (shipwatch promote ${i.service.name} / shipwatch abort ${i.service.name}, the dashboard, or Slack: ${i.service.approval?.approvers.join(', ') ?? 'no approvers'}, within ${i.service.approval?.timeoutMinutes ?? '?'} min; then it aborts)`,
  AcquireRollbackLease: () => 'rolling back',
};

/** The states that look at a progressive deployment's traffic steps (and act on a pause's decision). */
const PROGRESS = new Set(['Progress', 'Promote', 'Abort']);

type Json = Record<string, unknown>;
const parse = (text: string | undefined): Json | undefined => {
  try {
    const value = JSON.parse(text ?? '') as unknown;
    return value && typeof value === 'object' ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
};
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** Reads an execution's history as it grows; each call takes the events not seen yet, in order. */
export class ProgressReader {
  private state = '';
  private readonly said = new Set<string>();
  private last = '';
  private bakeStart: number | undefined;

  constructor(
    private readonly input: FollowedInput,
    private readonly startedAt: Date,
  ) {}

  read(events: readonly HistoryEvent[]): ProgressLine[] {
    const lines: ProgressLine[] = [];
    for (const event of events) {
      const at = event.timestamp ? new Date(event.timestamp) : this.startedAt;
      for (const text of this.describe(event)) {
        // A look that found the same as the last one (a scan still running) says nothing new.
        if (text === this.last) continue;
        this.last = text;
        lines.push({ at, text });
      }
    }
    return lines;
  }

  /** `10:42:34Z  +31s     scan passed: …` */
  format(line: ProgressLine): string {
    const elapsed = `+${duration(Math.max(0, (line.at.getTime() - this.startedAt.getTime()) / 1000))}`;
    return `${line.at.toISOString().slice(11, 19)}Z  ${elapsed.padEnd(8)} ${line.text}`;
  }

  private describe(event: HistoryEvent): string[] {
    const entered = event.stateEnteredEventDetails?.name;
    if (entered !== undefined && event.type?.endsWith('StateEntered')) {
      this.state = entered;
      const say = ENTERED[entered];
      if (!say || this.said.has(entered)) return [];
      this.said.add(entered);
      return [say(this.input)];
    }
    if (event.type === 'LambdaFunctionSucceeded') return this.result(parse(event.lambdaFunctionSucceededEventDetails?.output));
    if (event.type === 'TaskSucceeded') return this.answered(parse(event.taskSucceededEventDetails?.output));
    const failed = event.lambdaFunctionFailedEventDetails ?? event.taskFailedEventDetails;
    if (failed && (event.type === 'LambdaFunctionFailed' || event.type === 'TaskFailed')) {
      if (this.state === 'RequestApproval' && failed.error === 'Rejected') return [`rejected by ${str(parse(failed.cause)?.by) || 'an approver'}`];
      if (this.state === 'RequestPromotion' && failed.error === 'Rejected') return [`aborted by ${str(parse(failed.cause)?.by) || 'an approver'}`];
      // A wait for an event that ends at its timeout is no failure: the step looks for itself.
      if (failed.error === 'States.Timeout') {
        if (this.state === 'RequestPromotion') return ['nobody decided within the approval timeout: the pause aborts'];
        return this.state === 'RequestApproval' ? ['nobody decided within the approval timeout'] : [];
      }
      return [`${this.state}: ${errorMessage({ Error: failed.error ?? 'Error', Cause: failed.cause })}`];
    }
    return [];
  }

  /** What a function returned, read by the state that called it. */
  private result(out: Json | undefined): string[] {
    if (!out) return [];
    const done = out.done;
    const detail = str(out.detail);
    // Each look says where the traffic stands ("step 1 of 2 (20% of traffic), judging …"), a pause included.
    if (PROGRESS.has(this.state)) return [out.paused ? detail : done === false ? `traffic: ${detail}` : `traffic steps done: ${detail}`];
    switch (this.state) {
      case 'Admit':
        return [`admitted: record ${str(out.recordId)}${out.needsApproval ? '; needs approval' : ''}`];
      case 'ScanImage':
        if (done === false) return [`scan: ${detail}`];
        // The gate's reason mostly says it already ("scan passed: no findings").
        return [/^scan /.test(str(out.reason)) ? str(out.reason) : `scan ${out.passed ? 'passed' : 'blocked'}: ${str(out.reason)}`];
      case 'AcquireLease':
      case 'AcquireRollbackLease':
        return done === false ? [`waiting its turn: ${detail}`] : [];
      case 'Deploy': {
        const blocked = out.blocked as Json | undefined;
        if (blocked) return [`refused: ${str(blocked.reason)}`];
        if (out.alreadyRunning) return [`${shortRevision(str(out.revision))} already runs it: nothing to change`];
        return [`deploying: ${shortRevision(str(out.previousRevision))} → ${shortRevision(str(out.revision))}`];
      }
      case 'WatchRollout':
        if (done === false) return [`rolling out: ${detail}`];
        this.bakeStart = Date.parse(str(out.completedAt));
        return [`rolled out: ${detail}`];
      case 'Bake':
        return [this.bake(out)];
      case 'RollBack':
        return [`rolling back to ${shortRevision(str(out.revision))}${out.adopted ? ' (adopting the rollback already under way)' : ''}`];
      case 'WatchRollback':
        return done === false ? [`rolling back: ${detail}`] : [`rolled back: ${detail}`];
      default:
        return [];
    }
  }

  /** A task token's answer: of the steps that wait for one, the approval and the pause say who decided. */
  private answered(out: Json | undefined): string[] {
    if (out?.decision !== 'approved') return [];
    if (this.state === 'RequestApproval') return [`approved by ${str(out.by)}`];
    return this.state === 'RequestPromotion' ? [`promoted by ${str(out.by)}`] : [];
  }

  /** `baking [######--------------]  30%  3m00s of 10m: alarm web-5xx OK; …` */
  private bake(out: Json): string {
    const minutes = this.input.service.health.bakeMinutes;
    if (out.done === true) return `baked   ${bakeBar(1)}  ${minutes}m of ${minutes}m: ${str(out.summary)}`;
    const start = this.bakeStart ?? Date.parse(str(out.lookedAt));
    const elapsed = (Date.parse(str(out.lookedAt)) - start) / 1000;
    const fraction = minutes > 0 ? elapsed / (minutes * 60) : 1;
    // The look's own words begin with how far it is ("baking, 3 of 10 minutes: "): the bar says that.
    const verdict = str(out.detail).replace(/^baking, [\d.]+ of [\d.]+ minutes: /, '');
    return `baking  ${bakeBar(fraction)}  ${duration(Math.max(0, elapsed))} of ${minutes}m: ${verdict}`;
  }
}

/** `scan 31s, approval wait 1m01s, rollout 2m01s, bake 10m00s`: each step's time, from the result. */
export function stepTimes(result: Pick<DeploymentResult, 'steps' | 'approval'>): string {
  const seconds = (s: StepTime) => (s.endedAt ? (Date.parse(s.endedAt) - Date.parse(s.startedAt)) / 1000 : undefined);
  const parts = result.steps.map((s) => `${s.step} ${duration(seconds(s))}`);
  const scan = result.steps.find((s) => s.step === 'scan');
  if (result.approval?.at && scan?.endedAt) parts.splice(1, 0, `approval wait ${duration((Date.parse(result.approval.at) - Date.parse(scan.endedAt)) / 1000)}`);
  return parts.join(', ');
}
