import type { DeploymentResult, Outcome, StepTime } from '../lifecycle/outcomes.js';
import { deploymentOf, finished, type WorkflowState } from './state.js';

export { OUTCOMES, type DeploymentResult, type Outcome, type StepTime } from '../lifecycle/outcomes.js';

/**
 * Lambda errors reach Catch with Cause = '{"errorType":…,"errorMessage":…}';
 * other errors (States.*, local runs) carry the message itself.
 */
export function errorMessage(error: { Error: string; Cause?: string | undefined } | undefined): string {
  if (!error) return 'unknown error';
  const cause = error.Cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed?.errorMessage === 'string') return `${error.Error}: ${parsed.errorMessage}`;
  } catch {
    // not JSON: the cause is the message
  }
  return cause ? `${error.Error}: ${cause}` : error.Error;
}

/** Executions started before rollbackReason existed carried it as an invented failure with the reason as its cause. */
const REASON_ONLY = new Set(['AlarmAfterDeploy', 'ManualRollback']);
/** A Transient failure during the bake (after the state machine's retries) is health that could not be measured, not an unhealthy release. */
const measurementFailed = (s: WorkflowState) => s.failure?.Error === 'Transient' && finished(s.rollout) !== undefined && finished(s.bake) === undefined;
function failureText(s: WorkflowState): string {
  // A rollback started after the workflow (an alarm, a person) says why in its own words.
  if (s.rollbackReason) return s.rollbackReason.detail;
  if (s.failure && REASON_ONLY.has(s.failure.Error)) return s.failure.Cause ?? s.failure.Error;
  return measurementFailed(s) ? `health could not be measured: ${errorMessage(s.failure)}` : errorMessage(s.failure);
}

function reasonFor(outcome: Outcome, s: WorkflowState): string {
  const d = deploymentOf(s);
  switch (outcome) {
    case 'deployed':
      // Admission found the service already running this image (a new tag of its last good release).
      if (s.failure?.Error === 'AlreadyRunning') return errorMessage(s.failure).replace(/^AlreadyRunning: /, '');
      return d?.alreadyRunning
        ? `${d.revision} already runs ${s.release.imageUri}; nothing to change`
        : `deployed ${s.release.imageUri}${finished(s.bake) ? `; healthy through the bake: ${finished(s.bake)!.summary}` : ''}`;
    case 'blocked':
      return s.deploy && 'blocked' in s.deploy ? s.deploy.blocked.reason : (finished(s.scan)?.reason ?? 'blocked by the scan gate');
    case 'superseded':
      return errorMessage(s.rollbackFailure ?? s.failure);
    case 'rolled_back':
      return `${failureText(s)}; rolled back to ${d?.previousRevision}${s.rollback?.adopted ? ' (rollback already under way, adopted)' : ''}`;
    case 'rollback_failed':
      return `${failureText(s)}; ROLLBACK TO ${d?.previousRevision} FAILED: ${errorMessage(s.rollbackFailure)}`;
    case 'failed':
      return errorMessage(s.failure);
    case 'rejected': {
      const d = decisionOf(s);
      // A Slack user as a mention; anyone else (an IAM identity, from the dashboard) as they are.
      return d ? `rejected by ${/^[UW][A-Z0-9]+$/.test(d.by) ? `<@${d.by}>` : d.by} at ${d.at}` : errorMessage(s.failure);
    }
    case 'expired':
      return `nobody decided within ${s.service.approval?.timeoutMinutes ?? '?'} minutes; approval.onTimeout is reject`;
  }
}

/** The approval decision, from SendTaskSuccess output, the rejection's cause, or the timeout. */
function decisionOf(s: WorkflowState): DeploymentResult['approval'] | undefined {
  if (s.approval) return s.approval;
  if (s.failure?.Error === 'Rejected') {
    try {
      const cause = JSON.parse(s.failure.Cause ?? '') as { by?: string; at?: string; errorMessage?: string };
      // Through Lambda the cause is wrapped once more; SendTaskFailure's own cause is the JSON itself.
      const inner = cause.errorMessage ? (JSON.parse(cause.errorMessage) as { by?: string; at?: string }) : cause;
      if (inner.by && inner.at) return { decision: 'rejected', by: inner.by, at: inner.at };
    } catch {
      // not ours
    }
  }
  if (s.approvalTimeout) return { decision: s.service.approval?.onTimeout === 'approve' ? 'approved' : 'expired', by: 'timeout', at: '' };
  return undefined;
}

function stepsOf(s: WorkflowState, startedAt: string, finishedAt: string): StepTime[] {
  const steps: StepTime[] = [];
  const d = deploymentOf(s);
  const scan = finished(s.scan);
  const rollout = finished(s.rollout);
  const bake = finished(s.bake);
  // Nothing was scanned for a push that admission ended (superseded on arrival, or already running).
  if (s.mode !== 'rollback' && s.admission) {
    const scanEnd = scan?.at ?? (d ? undefined : finishedAt);
    steps.push({ step: 'scan', startedAt, ...(scanEnd ? { endedAt: scanEnd } : {}) });
  }
  if (d && s.mode !== 'rollback') {
    steps.push({ step: 'deploy', startedAt: scan?.at ?? startedAt, endedAt: d.startedAt });
    if (!d.alreadyRunning) {
      // A progressive deployment's traffic steps come first; the rollout is watched to its end after them.
      const progressEnd = s.progress ? (finished(s.progress)?.completedAt ?? s.rollback?.startedAt ?? finishedAt) : undefined;
      if (progressEnd) steps.push({ step: 'progress', startedAt: d.startedAt, endedAt: progressEnd });
      if (!s.progress || finished(s.progress))
        steps.push({ step: 'rollout', startedAt: progressEnd ?? d.startedAt, endedAt: rollout?.completedAt ?? s.rollback?.startedAt ?? finishedAt });
    }
  }
  if (rollout) steps.push({ step: 'bake', startedAt: rollout.completedAt, endedAt: bake?.finishedAt ?? s.rollback?.startedAt ?? finishedAt });
  if (s.rollback) steps.push({ step: 'rollback', startedAt: s.rollback.startedAt, endedAt: finished(s.rollbackDone)?.completedAt ?? finishedAt });
  return steps;
}

const withTime = (d: NonNullable<DeploymentResult['approval']>, at: string) => (d.at ? d : { ...d, at });

/** Pure: the execution's final result. */
export function buildResult(outcome: Outcome, s: WorkflowState, executionStartedAt: string, now: Date): DeploymentResult {
  const finishedAt = now.toISOString();
  return {
    service: s.service.name,
    repository: s.release.repository,
    ...(s.release.tag ? { tag: s.release.tag } : {}),
    digest: s.release.digest,
    imageUri: s.release.imageUri,
    outcome,
    reason: reasonFor(outcome, s),
    ...(deploymentOf(s) ? { previousRevision: deploymentOf(s)!.previousRevision, revision: deploymentOf(s)!.revision } : {}),
    ...(outcome === 'blocked' && finished(s.scan) && !s.deploy ? { blockingFindings: finished(s.scan)!.blocking } : {}),
    ...(finished(s.bake) ? { health: finished(s.bake)!.verdicts } : {}),
    ...(decisionOf(s) ? { approval: withTime(decisionOf(s)!, finishedAt) } : {}),
    ...(s.progress
      ? { progress: { strategy: s.service.strategy.type, judged: s.progress.judged, ...(s.promotion ? { promotedBy: s.promotion.by } : {}) } }
      : {}),
    steps: stepsOf(s, executionStartedAt, finishedAt),
    startedAt: executionStartedAt,
    finishedAt,
  };
}
