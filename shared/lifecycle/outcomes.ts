// How a deployment ends, and what its record keeps: one closed list for the
// records, the execution's result, Slack and the CLI. Nothing but the list and
// its types, below every module that uses them, so records/ and workflow/ need
// not import each other.

export const OUTCOMES = ['deployed', 'rolled_back', 'blocked', 'rejected', 'expired', 'superseded', 'failed', 'rollback_failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface StepTime {
  step: 'scan' | 'deploy' | 'progress' | 'rollout' | 'bake' | 'rollback';
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
  /** Who decided and when (`by: timeout` when the policy approved on timeout). */
  approval?: { decision: 'approved' | 'rejected' | 'expired'; by: string; at: string };
  /** Canary, linear, blue/green: each traffic step Shipwatch judged, with its arithmetic, and who promoted at a pause. */
  progress?: { strategy: string; judged: { step: number; steps: number; trafficPercent: number; judgedAt: string; summary: string }[]; promotedBy?: string };
  steps: StepTime[];
  startedAt: string;
  finishedAt: string;
}
