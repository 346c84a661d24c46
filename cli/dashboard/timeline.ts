import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { ServiceConfig } from '../../shared/config/schema.js';
import type { StepTime } from '../../shared/workflow/result.js';

// A deployment's steps, from its execution's history (GetExecutionHistory):
// each Task and Wait state entered, in order, grouped into the steps a person
// thinks in (scan, approval, lease, deploy, a progressive strategy's traffic
// steps and its pauses, rollout, bake, rollback), each with when it started and
// ended, how many looks it took and how long it waited between them. States the
// dashboard does not know still show, each as a step of its own name.

export type StepKey = 'admit' | 'scan' | 'approval' | 'lease' | 'deploy' | 'progress' | 'promotion' | 'rollout' | 'bake' | 'rollback' | 'finish';

const STEP_OF: Record<string, StepKey> = {
  Admit: 'admit',
  ScanImage: 'scan',
  AwaitScan: 'scan',
  RequestApproval: 'approval',
  AcquireLease: 'lease',
  WaitLease: 'lease',
  Deploy: 'deploy',
  Progress: 'progress',
  AwaitProgress: 'progress',
  WaitProgress: 'progress',
  Promote: 'progress',
  Abort: 'progress',
  RequestPromotion: 'promotion',
  WatchRollout: 'rollout',
  AwaitRollout: 'rollout',
  WaitRollout: 'rollout',
  Bake: 'bake',
  AwaitBake: 'bake',
  WaitBake: 'bake',
  AcquireRollbackLease: 'rollback',
  WaitRollbackLease: 'rollback',
  RollBack: 'rollback',
  WatchRollback: 'rollback',
  AwaitRollback: 'rollback',
  WaitRollback: 'rollback',
  Finish: 'finish',
};

export const STEP_LABELS: Record<StepKey, string> = {
  admit: 'admit',
  scan: 'scan',
  approval: 'approval',
  lease: 'lease',
  deploy: 'deploy',
  progress: 'traffic steps',
  promotion: 'promotion',
  rollout: 'rollout',
  bake: 'bake',
  rollback: 'rollback',
  finish: 'record outcome',
};

/** Looks: one answer each ("not yet", or the result). */
const LOOKS = new Set(['ScanImage', 'AcquireLease', 'Progress', 'WatchRollout', 'Bake', 'AcquireRollbackLease', 'WatchRollback']);
/** Where the execution waits: for an event (a task token) or a set time; a person's approval too. */
const WAITS = new Set([
  'AwaitScan',
  'WaitLease',
  'AwaitProgress',
  'WaitProgress',
  'AwaitRollout',
  'WaitRollout',
  'AwaitBake',
  'WaitBake',
  'WaitRollbackLease',
  'AwaitRollback',
  'WaitRollback',
  'RequestApproval',
  'RequestPromotion',
]);

export interface Step {
  key: string;
  label: string;
  startedAt: string;
  /** Undefined while it runs. */
  endedAt?: string;
  looks: number;
  waits: number;
  /** Milliseconds spent waiting (between looks, or for a person). */
  waitedMs: number;
  /** For the step under way: how far along it is against its limit (bakeMinutes, a timeout), when it has one. */
  progress?: { elapsedMs: number; totalMs: number; text: string };
}

export interface Timeline {
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'UNKNOWN';
  startedAt?: string;
  endedAt?: string;
  steps: Step[];
  /** The execution's state after the last state that exited: scan, approval, deploy, rollout, bake… as the workflow holds them. */
  state?: ExecutionState;
}

/** What the dashboard reads from the workflow's state (shared/workflow/state.ts); loose, since it is another process's output. */
export interface ExecutionState {
  scan?: {
    done: boolean;
    passed?: boolean;
    reason?: string;
    detail?: string;
    counts?: Record<string, number>;
    blocking?: Finding[];
    blockingTotal?: number;
    ignored?: (Finding & { reason: string; until: string })[];
    at?: string;
  };
  approval?: { decision: string; by: string; at: string };
  deploy?: { revision?: string; previousRevision?: string; startedAt?: string; platform?: string; blocked?: { reason: string } };
  rollout?: { done: boolean; completedAt?: string; detail?: string };
  bake?: { done: boolean; detail?: string; startedAt?: string; finishedAt?: string; summary?: string; verdicts?: unknown[] };
  failure?: { Error: string; Cause?: string };
  rollback?: { revision: string; startedAt: string; adopted: boolean };
  rollbackDone?: { done: boolean; completedAt?: string; detail?: string };
}

export interface Finding {
  id: string;
  severity: string;
  package?: string;
  title?: string;
  uri?: string;
}

const END_STATUS: Record<string, Timeline['status']> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

const iso = (d: Date | string | undefined) => (d === undefined ? undefined : new Date(d).toISOString());

/** Pure: the steps of one execution from its history events (oldest first), judged at `now`. */
export function timelineOf(events: readonly HistoryEvent[], service: ServiceConfig, now: Date): Timeline {
  const steps: Step[] = [];
  let status: Timeline['status'] = events.length > 0 ? 'RUNNING' : 'UNKNOWN';
  let startedAt: string | undefined;
  let endedAt: string | undefined;
  let state: ExecutionState | undefined;
  /** The wait under way: its state name and when it began. */
  let waiting: { since: number } | undefined;

  const closeWait = (at: number) => {
    const step = steps.at(-1);
    if (waiting && step) step.waitedMs += Math.max(0, at - waiting.since);
    waiting = undefined;
  };

  for (const event of events) {
    const at = new Date(event.timestamp ?? 0).getTime();
    const type = event.type ?? '';
    if (type === 'ExecutionStarted') startedAt = iso(event.timestamp);
    if (END_STATUS[type]) {
      status = END_STATUS[type]!;
      endedAt = iso(event.timestamp);
      closeWait(at);
    }
    const exited = event.stateExitedEventDetails;
    if (exited?.output) {
      try {
        const output = JSON.parse(exited.output) as { release?: unknown; service?: unknown };
        // The workflow's state (release and service config); the last states output the result alone.
        if (output && typeof output.service === 'object' && output.release) state = output as ExecutionState;
      } catch {
        // an output cut short (over 256 KB) or not JSON: keep the last one read
      }
    }
    const entered = event.stateEnteredEventDetails?.name;
    if (!entered || !/^(Task|Wait)StateEntered$/.test(type)) {
      // Choices, Pass states and the end take no time of their own; a new state ends a wait.
      if (entered) closeWait(at);
      continue;
    }
    closeWait(at);
    const key = STEP_OF[entered] ?? entered;
    let step = steps.at(-1);
    if (!step || step.key !== key) {
      if (step && step.endedAt === undefined) step.endedAt = new Date(at).toISOString();
      step = { key, label: STEP_LABELS[key as StepKey] ?? entered, startedAt: new Date(at).toISOString(), looks: 0, waits: 0, waitedMs: 0 };
      steps.push(step);
    }
    if (LOOKS.has(entered)) step.looks += 1;
    if (WAITS.has(entered) || type === 'WaitStateEntered') {
      step.waits += 1;
      waiting = { since: at };
    }
  }
  const last = steps.at(-1);
  if (last && endedAt && last.endedAt === undefined) last.endedAt = endedAt;
  if (last && status === 'RUNNING') {
    if (waiting) last.waitedMs += Math.max(0, now.getTime() - waiting.since);
    const progress = progressOf(last, service, state, now);
    if (progress) last.progress = progress;
  }
  return { status, ...(startedAt ? { startedAt } : {}), ...(endedAt ? { endedAt } : {}), steps, ...(state ? { state } : {}) };
}

const minutes = (ms: number) => (ms / 60_000).toFixed(1).replace(/\.0$/, '');

/** How far the step under way has come against its limit: the bake against bakeMinutes, a wait against its timeout. */
function progressOf(step: Step, service: ServiceConfig, state: ExecutionState | undefined, now: Date): Step['progress'] {
  const since = (iso: string | undefined) => now.getTime() - Date.parse(iso ?? step.startedAt);
  const bar = (elapsedMs: number, totalMinutes: number, what: string) => {
    const totalMs = totalMinutes * 60_000;
    return { elapsedMs: Math.max(0, Math.min(elapsedMs, totalMs)), totalMs, text: `${minutes(Math.max(0, elapsedMs))} of ${totalMinutes} min ${what}` };
  };
  switch (step.key) {
    case 'bake':
      return bar(since(state?.rollout?.done ? state.rollout.completedAt : undefined), service.health.bakeMinutes, 'baked');
    case 'rollout':
      return bar(since(state?.deploy?.startedAt), service.health.rolloutTimeoutMinutes, 'before the rollout times out');
    case 'rollback':
      return bar(since(state?.rollback?.startedAt), service.health.rolloutTimeoutMinutes, 'before the rollback times out');
    case 'approval':
      return service.approval
        ? bar(
            since(undefined),
            service.approval.timeoutMinutes,
            `before the approval ${service.approval.onTimeout === 'approve' ? 'approves itself' : 'expires'}`,
          )
        : undefined;
    case 'promotion':
      // A pause waits as long as an approval; nobody deciding aborts (statemachines/deploy.asl.yml).
      return service.approval ? bar(since(undefined), service.approval.timeoutMinutes, 'before the pause aborts') : undefined;
    case 'scan':
      return bar(since(undefined), service.scan.timeoutMinutes, 'before the scan counts as failed');
    default:
      return undefined;
  }
}

/** The steps a finished record's result lists (when its execution history is gone, or a rollback ran after the workflow). */
export function stepsFromResult(steps: readonly StepTime[]): Step[] {
  return steps.map((s) => ({
    key: s.step,
    label: STEP_LABELS[s.step as StepKey] ?? s.step,
    startedAt: s.startedAt,
    ...(s.endedAt ? { endedAt: s.endedAt } : {}),
    looks: 0,
    waits: 0,
    waitedMs: 0,
  }));
}
