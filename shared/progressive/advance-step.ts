import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { RecordsDb } from '../records/db.js';
import { enterPhase } from '../workflow/lifecycle.js';
import type { DeployTarget } from '../targets/target.js';
import { errorMessage } from '../workflow/result.js';
import { requireDeploy, type WorkflowState } from '../workflow/state.js';
import { advanceRelease, type ProgressLook } from './advance.js';

export type Decision = 'promote' | 'abort';

/** Who ended the pause, from what the approval step left in the state. */
function decidedBy(state: WorkflowState, decision: Decision): string {
  if (decision === 'promote') return state.promotion?.by ?? 'unknown';
  const failure = state.promotionFailure;
  if (failure?.Error === 'States.Timeout') return `nobody (the pause expired after ${state.service.approval?.timeoutMinutes ?? '?'} minutes)`;
  try {
    const cause = JSON.parse(failure?.Cause ?? '') as { by?: unknown };
    if (typeof cause.by === 'string') return cause.by;
  } catch {
    // not the approval's JSON cause
  }
  return errorMessage(failure);
}

/**
 * The Progress step of the workflow: one look (and move) through
 * advanceRelease, then the record and the live message say where the
 * deployment stands, which step, how much traffic, and each step's verdict.
 */
export async function progressStep(
  deps: { cloudwatch: CloudWatchClient; target: DeployTarget; records: RecordsDb },
  state: WorkflowState,
  decision: Decision | undefined,
  now: Date,
): Promise<ProgressLook> {
  const deploy = requireDeploy(state);
  const previous = state.progress && !state.progress.done ? state.progress : undefined;
  const look = await advanceRelease(
    deps,
    {
      strategy: state.service.strategy,
      health: state.service.health,
      deploy,
      ...(previous ? { previous: { judged: previous.judged, ...('paused' in previous ? { paused: previous.paused } : { measurementErrors: previous.measurementErrors }) } } : {}),
      ...(decision ? { decision: { action: decision, by: decidedBy(state, decision) } } : {}),
    },
    now,
  );
  const position = look.done ? undefined : 'paused' in look ? look.paused : look.position;
  const progress = { strategy: state.service.strategy.type, ...(position ? { position } : {}), judged: look.judged, detail: look.detail, ...(decision ? { decision: { action: decision, by: decidedBy(state, decision), at: now.toISOString() } } : {}) };
  // A pause is shown by the promotion request that follows; the rest by the live message.
  await enterPhase(deps.records, state, look.done || !('paused' in look) ? 'progressing' : 'awaiting_promotion', now, { record: { progress }, ...(look.done || 'paused' in look ? {} : { view: { health: look.detail } }) });
  return look;
}
