import type { DeploymentResult, Outcome } from '../lifecycle/outcomes.js';
import type { Phase } from '../lifecycle/phases.js';

export type { Phase };

/** One push to one service. */
export interface DeploymentRecord {
  service: string;
  recordId: string;
  repository: string;
  tag?: string;
  digest: string;
  imageUri: string;
  pushedAt: string;
  executionName?: string;
  /** Who asked with `shipwatch deploy` (their IAM identity); absent for a push. */
  requestedBy?: string;
  phase: Phase;
  /** Each phase the deployment entered, and when: its step times as they happened (admitted is createdAt). */
  phaseLog?: { phase: Phase; at: string }[];
  outcome?: Outcome;
  reason?: string;
  previousRevision?: string;
  revision?: string;
  platform?: string;
  result?: DeploymentResult;
  approval?: { approvalId: string; decision?: string; by?: string; at?: string };
  slack?: { channel: string; ts: string };
  /** Things that happened after the outcome, e.g. an alarm outside the guard window. */
  events?: { at: string; what: string }[];
  /** Keys of the notes in `events` that are written once (an alarm transition: `<alarm>@<time>`). */
  noted?: string[];
  createdAt: string;
  updatedAt: string;
}

export interface Lease {
  holder: string;
  phase: 'deploying' | 'rolling_back';
  acquiredAt: string;
  expiresAt: string;
}

/** The service as Shipwatch knows it. */
export interface ServiceState {
  service: string;
  newest?: { recordId: string; pushedAt: string };
  lease?: Lease;
  lastGood?: { recordId: string; revision: string; imageUri: string; digest: string; deployedAt: string };
  lastDeployment?: { recordId: string; outcome: Outcome; revision?: string; previousRevision?: string; platform?: string; finishedAt: string };
}
