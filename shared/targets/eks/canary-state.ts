import type { KubeDeployment } from './types.js';

// Where a progressive deployment on EKS stands lives on the canary
// Deployment itself, in one annotation that Shipwatch writes in the same
// patch that changes the canary (its creation, each scale): any call reads it
// back, so every step is repeatable and the workflow keeps no state of its own
// about the cluster. An annotation, not a label: labels are for selecting,
// and their values allow neither JSON nor image references.

export const CANARY_ANNOTATION = 'shipwatch/canary';

export interface CanaryState {
  /** The Deployment this is the canary of. */
  of: string;
  container: string;
  /** The image the canary runs: the release (the progressive deployment's revision). */
  revision: string;
  /** The image the Deployment ran when the canary was created: what serves everything again after an abort. */
  from: string;
  /** The traffic steps in percent, the last being 100: the promotion of the Deployment itself. */
  steps: number[];
  /** 1-based: the step in place or under way. */
  step: number;
  /** The canary's replicas Shipwatch set for this step: any other count means someone scaled it. */
  replicas: number;
  /** The Deployment's replicas the step was sized against. */
  stableReplicas: number;
  /** When Shipwatch started this step (created or scaled the canary). */
  since: string;
  /** When Shipwatch first found every pod of this step available: the step is judged from then. */
  readyAt?: string;
  /** Judged healthy, and held for a person (`pause: true`): the pause id, `step-<n>`. */
  pausedAt?: string;
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** The state a canary carries, or undefined where there is none or it does not parse (not ours, or edited by hand). */
export function canaryState(canary: KubeDeployment): CanaryState | undefined {
  const raw = canary.metadata.annotations?.[CANARY_ANNOTATION];
  if (!raw) return undefined;
  let v: Partial<CanaryState>;
  try {
    v = JSON.parse(raw) as Partial<CanaryState>;
  } catch {
    return undefined;
  }
  const steps = v.steps;
  const valid =
    isString(v.of) &&
    isString(v.container) &&
    isString(v.revision) &&
    isString(v.from) &&
    Array.isArray(steps) &&
    steps.length > 0 &&
    steps.every((s) => typeof s === 'number' && s > 0 && s <= 100) &&
    isCount(v.step) &&
    v.step >= 1 &&
    v.step <= steps.length &&
    isCount(v.replicas) &&
    isCount(v.stableReplicas) &&
    isString(v.since) &&
    (v.readyAt === undefined || isString(v.readyAt)) &&
    (v.pausedAt === undefined || isString(v.pausedAt));
  if (!valid) return undefined;
  return {
    of: v.of!,
    container: v.container!,
    revision: v.revision!,
    from: v.from!,
    steps: [...steps],
    step: v.step!,
    replicas: v.replicas!,
    stableReplicas: v.stableReplicas!,
    since: v.since!,
    ...(v.readyAt ? { readyAt: v.readyAt } : {}),
    ...(v.pausedAt ? { pausedAt: v.pausedAt } : {}),
  };
}

/** The annotation that records `state`. */
export const stateAnnotation = (state: CanaryState): Record<string, string> => ({ [CANARY_ANNOTATION]: JSON.stringify(state) });

/** The pause id of a step: what Slack's buttons and `shipwatch promote/abort` name. */
export const pauseIdOf = (step: number): string => `step-${step}`;

/** The step a pause id names, or undefined. */
export function stepOfPause(pauseId: string): number | undefined {
  const match = /^step-([1-9]\d*)$/.exec(pauseId);
  return match ? Number(match[1]) : undefined;
}
