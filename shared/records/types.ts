import type { DeploymentResult, Outcome } from '../lifecycle/outcomes.js';
import type { Phase } from '../lifecycle/phases.js';
import type { PlatformKey } from '../platforms/registry.js';

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
  platform?: PlatformKey;
  result?: DeploymentResult;
  approval?: { approvalId: string; decision?: string; by?: string; at?: string };
  /** A progressive deployment paused after its first traffic step: the approval id its promote or abort decides. */
  promotion?: { approvalId: string };
  /** Canary, linear, blue/green: where the traffic steps stand (shared/progressive/advance-step.ts writes it at every look). */
  progress?: RecordProgress;
  slack?: { channel: string; ts: string };
  /** Things that happened after the outcome, e.g. an alarm outside the guard window. */
  events?: { at: string; what: string }[];
  /** Keys of the notes in `events` that are written once (an alarm transition: `<alarm>@<time>`). */
  noted?: string[];
  createdAt: string;
  updatedAt: string;
}

/** A traffic step: which of how many, and the share of the traffic the new release gets in it. */
export interface TrafficStep {
  step: number;
  steps: number;
  trafficPercent: number;
}

/** Where a progressive deployment stands, as its record keeps it. */
export interface RecordProgress {
  strategy: string;
  /** The step under way (absent once done); at a pause, with the pause's id. */
  position?: TrafficStep & { detail: string; pauseId?: string; expiresAt?: string };
  /** Each step judged healthy, with the verdict's arithmetic. */
  judged: (TrafficStep & { judgedAt: string; summary: string })[];
  detail: string;
  /** Who promoted or aborted at the pause, and when ("nobody (the pause expired …)" when nobody decided). */
  decision?: { action: 'promote' | 'abort'; by: string; at: string };
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
  lastDeployment?: { recordId: string; outcome: Outcome; revision?: string; previousRevision?: string; platform?: PlatformKey; finishedAt: string };
}
