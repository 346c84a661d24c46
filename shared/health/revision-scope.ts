import type { HealthPolicy, MetricCheck, MetricStat } from '../config/schema.js';
import type { RevisionScope } from '../targets/progressive.js';

// A progressive step is judged on the new revision alone, where the metrics
// allow it (#16): ALB metrics by the `TargetGroup` dimension of the target
// group the new revision's tasks serve from (ECS weighted target groups), and
// any dimension value or expression that names `{revision}`. Service-wide
// alarms are left as they are: they still apply at every step.

export const REVISION_PLACEHOLDER = '{revision}';

const scopeStat = (m: MetricStat, scope: RevisionScope): MetricStat => ({
  ...m,
  dimensions: Object.fromEntries(
    Object.entries(m.dimensions).map(([name, value]) => [
      name,
      name === 'TargetGroup' && scope.targetGroup ? scope.targetGroup : value.replaceAll(REVISION_PLACEHOLDER, scope.revision),
    ]),
  ),
});

const scopeCheck = (check: MetricCheck, scope: RevisionScope): MetricCheck => ({
  ...check,
  ...(check.metric ? { metric: scopeStat(check.metric, scope) } : {}),
  ...(check.metrics ? { metrics: Object.fromEntries(Object.entries(check.metrics).map(([id, m]) => [id, scopeStat(m, scope)])) } : {}),
  ...(check.expression ? { expression: check.expression.replaceAll(REVISION_PLACEHOLDER, scope.revision) } : {}),
});

/** The health policy with every metric check narrowed to the new revision. */
export function scopeHealth(health: HealthPolicy, scope: RevisionScope): HealthPolicy {
  return { ...health, metrics: health.metrics.map((check) => scopeCheck(check, scope)) };
}

/** Whether a check can tell the new revision apart (else it measures the whole service, both revisions mixed). */
export const isRevisionScoped = (check: MetricCheck): boolean => {
  const stats = check.metric ? [check.metric] : Object.values(check.metrics ?? {});
  return (
    stats.some((m) => 'TargetGroup' in m.dimensions || Object.values(m.dimensions).some((v) => v.includes(REVISION_PLACEHOLDER))) ||
    (check.expression ?? '').includes(REVISION_PLACEHOLDER)
  );
};
