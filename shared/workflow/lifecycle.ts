import type { Phase } from '../lifecycle/phases.js';
import { setPhase } from '../records/admission.js';
import type { RecordsDb } from '../records/db.js';
import type { DeploymentPhase, DeploymentView } from '../slack/messages.js';
import { updateMessage } from '../slack/live-message.js';
import { requireRecordId, type WorkflowState } from './state.js';
import { viewOf } from './view.js';

/**
 * The live message's form of each phase in flight; none where the message stays
 * as it was: admission posts it as `scanning`, and waiting for the lease or a
 * person is shown by the step before (the approval request posts its own).
 */
const MESSAGE_PHASE: Partial<Record<Phase, DeploymentPhase>> = {
  deploying: 'deploying',
  progressing: 'progressing',
  baking: 'baking',
  rolling_back: 'rolling_back',
};

export interface PhaseChange {
  /** Fields the record keeps beside its phase (the progress of a canary, the approval id). */
  record?: Record<string, unknown>;
  /** What the live message shows beside the phase (the live verdict, the decision). */
  view?: Partial<DeploymentView>;
}

/**
 * The one owner of "this deployment is now in phase X": the record's phase
 * and its log of step times, and the live Slack message, together. Handlers
 * declare the phase they enter; the outcome itself is Finish's.
 */
export async function enterPhase(
  records: RecordsDb,
  state: WorkflowState,
  phase: Exclude<Phase, 'admitted' | 'done'>,
  now: Date,
  change: PhaseChange = {},
): Promise<void> {
  const entered = await setPhase(records, state.service.name, requireRecordId(state), phase, now, change.record);
  const shown = MESSAGE_PHASE[phase];
  // A look that finds nothing new to show leaves the message alone.
  if (shown && (entered || change.view)) await updateMessage(state.admission?.slack, viewOf(state, shown, change.view));
}
