import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { setPhase } from '../records/admission.js';
import type { RecordsDb } from '../records/db.js';
import { enterPhase } from '../workflow/lifecycle.js';
import type { DeployTarget } from '../targets/target.js';
import { errorMessage } from '../workflow/result.js';
import { requireDeploy, requireRecordId, type WorkflowState } from '../workflow/state.js';
import { advanceRelease, type ProgressLook } from './advance.js';

export type Decision = 'promote' | 'abort';

/** Who ended the pause and when, from what the approval step left in the state (when nobody did: the expiry, noted now). */
function decisionOf(state: WorkflowState, action: Decision, now: Date): { action: Decision; by: string; at: string } {
  if (action === 'promote') return { action, by: state.promotion?.by ?? 'unknown', at: state.promotion?.at ?? now.toISOString() };
  const failure = state.promotionFailure;
  if (failure?.Error === 'States.Timeout')
    return { action, by: `nobody (the pause expired after ${state.service.approval?.timeoutMinutes ?? '?'} minutes)`, at: now.toISOString() };
  try {
    const cause = JSON.parse(failure?.Cause ?? '') as { by?: unknown; at?: unknown };
    if (typeof cause.by === 'string') return { action, by: cause.by, at: typeof cause.at === 'string' ? cause.at : now.toISOString() };
  } catch {
    // not the approval's JSON cause
  }
  return { action, by: errorMessage(failure), at: now.toISOString() };
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
  const decided = decision ? decisionOf(state, decision, now) : undefined;
  // Every later look keeps who promoted: the record's progress is written whole each time.
  const decisionSoFar = decided ?? (state.promotion ? decisionOf(state, 'promote', now) : undefined);
  // The time at the pause, from the look that paused to the decision, is carried on to every later look.
  const pausedMs =
    (previous && 'pausedMs' in previous ? (previous.pausedMs ?? 0) : 0) +
    (decided && previous && 'paused' in previous ? Math.max(0, now.getTime() - Date.parse(previous.lookedAt)) : 0);
  if (decided && previous && 'paused' in previous) {
    // Kept before it is acted on: an abort ends in Aborted (and the rollback), and the record still says who decided.
    const kept = { strategy: state.service.strategy.type, position: previous.paused, judged: previous.judged, detail: previous.detail, decision: decided };
    await setPhase(deps.records, state.service.name, requireRecordId(state), 'awaiting_promotion', now, { progress: kept });
  }
  const look = await advanceRelease(
    deps,
    {
      strategy: state.service.strategy,
      health: state.service.health,
      deploy,
      ...(previous
        ? { previous: { judged: previous.judged, ...('paused' in previous ? { paused: previous.paused } : { measurementErrors: previous.measurementErrors }) } }
        : {}),
      ...(decided ? { decision: { action: decided.action, by: decided.by } } : {}),
      ...(pausedMs > 0 ? { pausedMs } : {}),
    },
    now,
  );
  const position = look.done ? undefined : 'paused' in look ? look.paused : look.position;
  const progress = {
    strategy: state.service.strategy.type,
    ...(position ? { position } : {}),
    judged: look.judged,
    detail: look.detail,
    ...(decisionSoFar ? { decision: decisionSoFar } : {}),
  };
  // A pause is shown by the promotion request that follows; the rest by the live message.
  await enterPhase(deps.records, state, look.done || !('paused' in look) ? 'progressing' : 'awaiting_promotion', now, {
    record: { progress },
    ...(look.done || 'paused' in look ? {} : { view: { health: look.detail } }),
  });
  return look;
}
