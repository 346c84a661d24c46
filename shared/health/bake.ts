import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { HealthPolicy } from '../config/schema.js';
import { NotYet, RolloutFailed, Superseded, Unhealthy } from '../errors.js';
import type { Deployment } from '../targets/rollout.js';
import type { DeployTarget } from '../targets/target.js';
import { alarmVerdict, readAlarms } from './alarms.js';
import { metricVerdict, periodsOf, readMetric } from './metrics.js';
import { isFailing, summarize, type HealthVerdict } from './verdict.js';

export interface BakeResult {
  healthy: true;
  startedAt: string;
  finishedAt: string;
  verdicts: HealthVerdict[];
  summary: string;
}

/** All configured alarms and metrics, judged over the window since `from`. */
export async function judgeHealth(cloudwatch: CloudWatchClient, health: HealthPolicy, from: Date, now: Date, final: boolean, deferred: readonly string[] = []): Promise<HealthVerdict[]> {
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

/**
 * One look during the bake. Unhealthy → `Unhealthy` (roll back); someone
 * else's deployment took over → `Superseded`; bake not over → `NotYet` with
 * the live verdict; bake over and healthy → the verdicts.
 */
export async function bakeCheck(
  deps: { cloudwatch: CloudWatchClient; target: DeployTarget },
  health: HealthPolicy,
  deployment: Deployment,
  bakeStartedAt: string,
  now: Date,
): Promise<BakeResult> {
  const status = await deps.target.status({ deploymentId: deployment.deploymentId, revision: deployment.revision, revertRevision: deployment.previousRevision, since: new Date(deployment.startedAt) });
  if (status.state === 'superseded') throw new Superseded(`${deps.target.label} now runs ${status.by}: someone else's deployment replaced this release during the bake`);
  if (status.state === 'failed') throw new RolloutFailed(status.reason);

  const from = new Date(bakeStartedAt);
  const final = now.getTime() - from.getTime() >= health.bakeMinutes * 60_000;
  const verdicts = await judgeHealth(deps.cloudwatch, health, from, now, final, deployment.firingAtDeploy);
  const summary = summarize(verdicts);
  if (verdicts.some(isFailing)) throw new Unhealthy(summary);
  if (!final) {
    const minute = ((now.getTime() - from.getTime()) / 60_000).toFixed(1);
    throw new NotYet(`baking, ${minute} of ${health.bakeMinutes} minutes: ${summary}`, health.pollSeconds);
  }
  return { healthy: true, startedAt: bakeStartedAt, finishedAt: now.toISOString(), verdicts, summary };
}
