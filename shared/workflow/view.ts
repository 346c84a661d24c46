import type { DeploymentPhase, DeploymentView } from '../slack/messages.js';
import { deploymentOf, finished, type WorkflowState } from './state.js';

/** The message's content for a workflow state in a given phase. */
export function viewOf(
  state: Pick<WorkflowState, 'release' | 'service' | 'scan' | 'deploy'>,
  phase: DeploymentPhase,
  extra: Partial<DeploymentView> = {},
): DeploymentView {
  const d = deploymentOf(state as WorkflowState);
  const scan = finished(state.scan);
  return {
    service: state.service.name,
    repository: state.release.repository,
    ...(state.release.tag ? { tag: state.release.tag } : {}),
    digest: state.release.digest,
    imageUri: state.release.imageUri,
    phase,
    ...(scan ? { scanSummary: scan.reason } : {}),
    ...(d && !d.alreadyRunning ? { change: { from: d.previousRevision, to: d.revision } } : {}),
    ...extra,
  };
}
