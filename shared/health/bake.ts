import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { HealthPolicy } from '../config/schema.js';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { DEFAULTS } from '../config/defaults.js';
import { MeasurementFailed, RolloutFailed, Superseded, Unhealthy } from '../errors.js';
import { alarmKey } from '../waits/keys.js';
import { pending, type Pending } from '../waits/look.js';
import type { Deployment } from '../targets/rollout.js';
import type { DeployTarget } from '../targets/target.js';
import { alarmVerdict, readAlarms } from './alarms.js';
import { metricVerdict, periodsOf, readMetric } from './metrics.js';
import type { RevisionScope } from '../targets/progressive.js';
import { scopeHealth } from './revision-scope.js';
import { isFailing, summarize, type HealthVerdict } from './verdict.js';

export interface BakeResult {
  done: true;
  healthy: true;
  startedAt: string;
  finishedAt: string;
  verdicts: HealthVerdict[];
  summary: string;
}

/** All configured alarms and metrics, judged over the window since `from`. */
export async function judgeHealth(
  cloudwatch: CloudWatchClient,
  health: HealthPolicy,
  from: Date,
  now: Date,
  final: boolean,
  deferred: readonly string[] = [],
): Promise<HealthVerdict[]> {
  const alarms = (await readAlarms(cloudwatch, health.alarms)).map((alarm) => {
    const verdict = alarmVerdict(alarm);
    // A fix-forward release may take the bake to clear the alarm it fixes.
    if (!final && deferred.includes(alarm.name) && alarm.state === 'ALARM') {
      return { ...verdict, phase: 'Running' as const, message: `${verdict.message} (fix-forward: must clear by the end of the bake)` };
    }
    return verdict;
  });
  const metrics: HealthVerdict[] = [];
  for (const check of health.metrics) {
    const periods = periodsOf({ from, now }, check.period);
    metrics.push(metricVerdict(check, periods, await readMetric(cloudwatch, check, periods), final));
  }
  return [...alarms, ...metrics];
}

/** A bake still under way, or whose last measurement failed (`measurementErrors` in a row). */
export type BakePending = Pending & { measurementErrors?: number };

/**
 * An AWS call that failed (the SDK attaches `$metadata` to what it throws, after its own
 * retries) for a reason another try will not fix soon (access denied, a bad query): no
 * measurement, not a verdict. Throttling, 5xx and timeouts are left to the state
 * machine's Transient retrier, with backoff, before they count.
 */
export const isMeasurementError = (error: unknown) => {
  if (!(error instanceof Error) || !('$metadata' in error)) return false;
  const e = error as Parameters<typeof isTransientError>[0];
  return !(isThrottlingError(e) || isTransientError(e) || isServerError(e));
};

/**
 * When to look again: at the end of the bake at the latest; with metric checks,
 * once a period (a metric has no event, and a look sooner finds no new
 * period), or every pollSeconds if that is longer; with alarms only, every
 * bakeLookMinutes, since an alarm's own event ends the wait at once.
 */
export function nextLook(health: HealthPolicy, remainingSeconds: number): number {
  const period = Math.min(...health.metrics.map((m) => m.period));
  const cadence = health.metrics.length > 0 ? Math.max(health.pollSeconds, period) : DEFAULTS.health.bakeLookMinutes * 60;
  return Math.min(remainingSeconds, cadence);
}

/**
 * One look during the bake. Unhealthy → `Unhealthy` (roll back); someone
 * else's deployment took over → `Superseded`; bake not over → pending with
 * the live verdict, woken early by any of its alarms; a measurement that
 * fails `consecutiveErrorLimit` times in a row → `MeasurementFailed`; bake
 * over and healthy → the verdicts.
 */
export async function bakeCheck(
  deps: { cloudwatch: CloudWatchClient; target: DeployTarget },
  health: HealthPolicy,
  deployment: Deployment,
  bakeStartedAt: string,
  now: Date,
  previous: { measurementErrors?: number | undefined } = {},
  scope: RevisionScope = { revision: deployment.revision },
): Promise<BakeResult | BakePending> {
  const status = await deps.target.status({
    deploymentId: deployment.deploymentId,
    revision: deployment.revision,
    revertRevision: deployment.previousRevision,
    since: new Date(deployment.startedAt),
  });
  if (status.state === 'superseded')
    throw new Superseded(`${deps.target.label} now runs ${status.by}: someone else's deployment replaced this release during the bake`);
  if (status.state === 'failed') throw new RolloutFailed(status.reason);

  const from = new Date(bakeStartedAt);
  const elapsedSeconds = (now.getTime() - from.getTime()) / 1000;
  const remaining = health.bakeMinutes * 60 - elapsedSeconds;
  const final = remaining <= 0;
  // An alarm's event, or one of the service's deployments ending (someone else's, say).
  const wake = [...new Set([...health.alarms.map(alarmKey), ...deps.target.wakeKeys])];
  // Once rolled out, the new revision serves everything: a metric that names `{revision}` (EKS per-revision
  // metrics), or after an ECS progressive deployment the target group it serves from, measures it.
  const scoped = scopeHealth(health, scope);
  let verdicts: HealthVerdict[];
  try {
    verdicts = await judgeHealth(deps.cloudwatch, scoped, from, now, final, deployment.firingAtDeploy);
  } catch (error) {
    if (!isMeasurementError(error)) throw error;
    const errors = (previous.measurementErrors ?? 0) + 1;
    const what = `${(error as Error).name}: ${(error as Error).message}`;
    const limit = health.consecutiveErrorLimit;
    if (errors >= limit)
      throw new MeasurementFailed(`health could not be measured: ${errors} failed measurements in a row, consecutiveErrorLimit ${limit}; last: ${what}`, {
        cause: error,
      });
    return {
      ...pending(`could not measure health (${errors} of ${limit} in a row): ${what}`, Math.max(health.pollSeconds, 1), now, wake),
      measurementErrors: errors,
    };
  }
  const summary = summarize(verdicts);
  if (verdicts.some(isFailing)) throw new Unhealthy(summary);
  if (!final) {
    const minute = (elapsedSeconds / 60).toFixed(1);
    return pending(`baking, ${minute} of ${health.bakeMinutes} minutes: ${summary}`, nextLook(scoped, remaining), now, wake);
  }
  return { done: true, healthy: true, startedAt: bakeStartedAt, finishedAt: now.toISOString(), verdicts, summary };
}
