import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { HealthPolicy } from '../config/schema.js';
import { MeasurementFailed, Unhealthy } from '../errors.js';
import { isMeasurementError, judgeHealth, nextLook } from '../health/bake.js';
import { scopeHealth } from '../health/revision-scope.js';
import { isFailing, summarize, type HealthVerdict } from '../health/verdict.js';
import type { RevisionScope } from '../targets/progressive.js';

/** Where the step is, for messages and the record: "step 1 of 2 (10% of traffic)". */
export interface StepPosition {
  step: number;
  steps: number;
  trafficPercent: number;
}

export const describeStep = (p: StepPosition) => `step ${p.step} of ${p.steps} (${p.trafficPercent}% of traffic)`;

export type StepJudgement =
  | { state: 'healthy'; summary: string; verdicts: HealthVerdict[] }
  | { state: 'measuring'; summary: string; lookAgainSeconds: number; measurementErrors?: number };

/**
 * Shipwatch's verdict on the new revision over one traffic step, the same
 * arithmetic as the bake (Argo Rollouts' analysis per step): metric checks
 * narrowed to the new revision (scopeHealth), service-wide alarms as they are.
 * A failing check throws Unhealthy at once; a measurement that keeps failing
 * throws MeasurementFailed (could not measure is not unhealthy); healthy only
 * once the step has baked its full `bakeMinutes`.
 */
export async function judgeStep(
  cloudwatch: CloudWatchClient,
  health: HealthPolicy,
  step: StepPosition & { since: string; bakeMinutes: number; scope: RevisionScope },
  now: Date,
  previousErrors = 0,
): Promise<StepJudgement> {
  const from = new Date(step.since);
  const remaining = step.bakeMinutes * 60 - (now.getTime() - from.getTime()) / 1000;
  const final = remaining <= 0;
  const scoped = scopeHealth(health, step.scope);
  let verdicts: HealthVerdict[];
  try {
    verdicts = await judgeHealth(cloudwatch, scoped, from, now, final);
  } catch (error) {
    if (!isMeasurementError(error)) throw error;
    const errors = previousErrors + 1;
    const what = `${(error as Error).name}: ${(error as Error).message}`;
    if (errors >= health.consecutiveErrorLimit) {
      throw new MeasurementFailed(
        `${describeStep(step)}: health could not be measured, ${errors} failed measurements in a row (consecutiveErrorLimit ${health.consecutiveErrorLimit}); last: ${what}`,
        { cause: error },
      );
    }
    return {
      state: 'measuring',
      summary: `could not measure (${errors} of ${health.consecutiveErrorLimit} in a row): ${what}`,
      lookAgainSeconds: Math.max(health.pollSeconds, 1),
      measurementErrors: errors,
    };
  }
  const summary = summarize(verdicts);
  if (verdicts.some(isFailing)) throw new Unhealthy(`${describeStep(step)}: ${summary}`);
  if (!final) return { state: 'measuring', summary, lookAgainSeconds: nextLook(scoped, remaining) };
  return { state: 'healthy', summary, verdicts };
}
