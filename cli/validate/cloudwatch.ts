import { GetMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Config } from '../../shared/config/schema.js';
import { readAlarms } from '../../shared/health/alarms.js';
import { metricQueries, RESULT_ID } from '../../shared/health/metrics.js';
import { REVISION_PLACEHOLDER, scopeHealth } from '../../shared/health/revision-scope.js';
import { callFailed, error, ok, usersOf, warning, type Check } from './check.js';

/** How far back a metric check must find data: a bake judges the periods it sees, and "no data" fails it. */
export const METRIC_LOOKBACK_MS = 3_600_000;

/** Each alarm exists (a missing one refuses every deploy of the service). */
export async function checkAlarms(cloudwatch: CloudWatchClient, config: Config): Promise<Check[]> {
  const alarms = usersOf(config.services.flatMap((s) => s.health.alarms.map((a) => ({ service: s.name, key: a, value: a }))));
  if (alarms.length === 0) return [];
  try {
    const states = await readAlarms(
      cloudwatch,
      alarms.map((a) => a.key),
    );
    return alarms.map(({ key, services }, i) => {
      const state = states[i]!;
      if (state.state === 'MISSING') {
        return error(
          `alarm ${key}`,
          services,
          'exists',
          `no alarm named ${key} in this account and region`,
          `fix health.alarms of ${services.join(', ')} (names are case-sensitive): aws cloudwatch describe-alarms --alarm-name-prefix ${key.slice(0, 8)}`,
        );
      }
      const detail = `${state.state}${state.since ? ` since ${state.since}` : ''}`;
      return state.state === 'ALARM'
        ? warning(
            `alarm ${key}`,
            services,
            'exists',
            `${detail}: ${state.reason ?? ''}`,
            `a deploy is blocked while it fires, unless the tag matches health.fixForwardTags`,
          )
        : ok(`alarm ${key}`, services, 'exists', detail);
    });
  } catch (e) {
    return alarms.map(({ key, services }) => callFailed(`alarm ${key}`, services, 'exists', e, 'cloudwatch:DescribeAlarms'));
  }
}

/**
 * Each metric check returns data over the last hour: a bake with no datapoints
 * is inconclusive and fails. A check that names `{revision}` is asked for the
 * revision running now (`revisions`, from the EKS checks: the image its pods run).
 */
export async function checkMetrics(
  cloudwatch: CloudWatchClient,
  config: Config,
  now: Date,
  revisions: ReadonlyMap<string, string> = new Map(),
): Promise<Check[]> {
  const checks = config.services.flatMap((s) => s.health.metrics.map((m) => ({ service: s.name, health: s.health, metric: m })));
  return Promise.all(
    checks.map(async ({ service, health, metric: asked }): Promise<Check> => {
      const resource = `metric ${service}/${asked.name}`;
      const end = Math.floor(now.getTime() / 60_000) * 60_000;
      const scoped = JSON.stringify(asked).includes(REVISION_PLACEHOLDER);
      const revision = revisions.get(service);
      if (scoped && !revision) {
        return warning(
          resource,
          [service],
          'returns data (last hour)',
          `names ${REVISION_PLACEHOLDER}, and the revision ${service} runs could not be read, so this was not checked`,
          'fix the target checks above first',
        );
      }
      const metric = scoped && revision ? scopeHealth({ ...health, metrics: [asked] }, { revision }).metrics[0]! : asked;
      try {
        const out = await cloudwatch.send(
          new GetMetricDataCommand({
            MetricDataQueries: metricQueries(metric),
            StartTime: new Date(end - METRIC_LOOKBACK_MS),
            EndTime: new Date(end),
            ScanBy: 'TimestampDescending',
          }),
        );
        const result = out.MetricDataResults?.find((r) => r.Id === RESULT_ID);
        const values = result?.Values ?? [];
        if (values.length === 0) {
          return warning(
            resource,
            [service],
            'returns data (last hour)',
            `no datapoints in the last hour${result?.Messages?.length ? ` (${result.Messages.map((m) => m.Value).join('; ')})` : ''}`,
            'check the namespace, metric name, dimensions (exact values) and stat; a service with no traffic has no data, and a bake without data fails as inconclusive',
          );
        }
        const latest = values[0]!;
        const unit = metric.unit ?? '';
        // The image as people read it: repository@sha256 and twelve hex digits.
        const shown = revision?.replace(/^.*\//, '').replace(/(@sha256:[a-f0-9]{12})[a-f0-9]+$/, '$1');
        const which = scoped ? ` for the running revision (${REVISION_PLACEHOLDER} = ${shown})` : '';
        return ok(
          resource,
          [service],
          'returns data (last hour)',
          `${values.length} datapoints, latest ${Number(latest.toPrecision(3))}${unit} (threshold ${metric.comparison} ${metric.threshold}${unit})${which}`,
        );
      } catch (e) {
        if ((e as Error).name === 'InvalidParameterValueException' || (e as Error).name === 'ValidationError') {
          return error(
            resource,
            [service],
            'returns data (last hour)',
            `CloudWatch refused the query: ${(e as Error).message}`,
            `fix health.metrics "${metric.name}" of ${service}`,
          );
        }
        return callFailed(resource, [service], 'returns data (last hour)', e, 'cloudwatch:GetMetricData');
      }
    }),
  );
}
