import type { WorkflowState } from './state.js';

export const OUTCOMES = ['deployed', 'rolled_back', 'blocked', 'superseded', 'failed', 'rollback_failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface StepTime {
  step: 'scan' | 'deploy' | 'rollout' | 'bake' | 'rollback';
  startedAt: string;
  endedAt?: string;
}

/** What every execution ends with: the Succeed output, or the Fail cause as JSON. */
export interface DeploymentResult {
  service: string;
  repository: string;
  tag?: string;
  digest: string;
  imageUri: string;
  outcome: Outcome;
  reason: string;
  previousRevision?: string;
  revision?: string;
  blockingFindings?: unknown[];
  health?: unknown[];
  steps: StepTime[];
  startedAt: string;
  finishedAt: string;
}

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

function reasonFor(outcome: Outcome, s: WorkflowState): string {
  switch (outcome) {
    case 'deployed':
      return s.deploy?.alreadyRunning
        ? `${s.deploy.revision} already runs ${s.release.imageUri}; nothing to change`
        : `deployed ${s.release.imageUri}${s.bake ? `; healthy through the bake: ${s.bake.summary}` : ''}`;
    case 'blocked':
      return s.scan?.reason ?? 'blocked by the scan gate';
    case 'superseded':
      return errorMessage(s.rollbackFailure ?? s.failure);
    case 'rolled_back':
      return `${errorMessage(s.failure)}; rolled back to ${s.deploy?.previousRevision}${s.rollback?.adopted ? ' (rollback already under way, adopted)' : ''}`;
    case 'rollback_failed':
      return `${errorMessage(s.failure)}; ROLLBACK TO ${s.deploy?.previousRevision} FAILED: ${errorMessage(s.rollbackFailure)}`;
    case 'failed':
      return errorMessage(s.failure);
  }
}

function stepsOf(s: WorkflowState, startedAt: string, finishedAt: string): StepTime[] {
  const steps: StepTime[] = [];
  const scanEnd = s.scan?.at ?? (s.deploy ? undefined : finishedAt);
  steps.push({ step: 'scan', startedAt, ...(scanEnd ? { endedAt: scanEnd } : {}) });
  if (s.deploy) {
    steps.push({ step: 'deploy', startedAt: s.scan?.at ?? startedAt, endedAt: s.deploy.startedAt });
    if (!s.deploy.alreadyRunning) {
      steps.push({ step: 'rollout', startedAt: s.deploy.startedAt, endedAt: s.rollout?.completedAt ?? s.rollback?.startedAt ?? finishedAt });
    }
  }
  if (s.rollout) steps.push({ step: 'bake', startedAt: s.rollout.completedAt, endedAt: s.bake?.finishedAt ?? s.rollback?.startedAt ?? finishedAt });
  if (s.rollback) steps.push({ step: 'rollback', startedAt: s.rollback.startedAt, endedAt: s.rollbackDone?.completedAt ?? finishedAt });
  return steps;
}

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
    ...(s.deploy ? { previousRevision: s.deploy.previousRevision, revision: s.deploy.revision } : {}),
    ...(outcome === 'blocked' && s.scan ? { blockingFindings: s.scan.blocking } : {}),
    ...(s.bake ? { health: s.bake.verdicts } : {}),
    steps: stepsOf(s, executionStartedAt, finishedAt),
    startedAt: executionStartedAt,
    finishedAt,
  };
}
