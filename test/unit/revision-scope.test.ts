import { describe, expect, it } from 'vitest';
import type { HealthPolicy, MetricCheck } from '../../shared/config/schema.js';
import { isRevisionScoped, scopeHealth } from '../../shared/health/revision-scope.js';

const check = (over: Partial<MetricCheck>): MetricCheck => ({
  name: 'errors',
  period: 60,
  comparison: '>',
  threshold: 5,
  unit: '%',
  failureLimit: 1,
  inconclusiveLimit: 2,
  ...over,
});
const health = (metrics: MetricCheck[]): HealthPolicy => ({
  alarms: ['web-5xx'],
  metrics,
  bakeMinutes: 10,
  pollSeconds: 30,
  consecutiveErrorLimit: 4,
  rolloutTimeoutMinutes: 30,
  guardMinutes: 60,
  fixForwardTags: [],
});
const alb = { namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', stat: 'Sum' };

describe('scopeHealth', () => {
  it("points a TargetGroup dimension at the new revision's target group and leaves the alarms", () => {
    const scoped = scopeHealth(health([check({ metric: { ...alb, dimensions: { TargetGroup: 'targetgroup/blue/1', LoadBalancer: 'app/web/2' } } })]), {
      revision: 'web:8',
      targetGroup: 'targetgroup/green/3',
    });
    expect(scoped.metrics[0]!.metric!.dimensions).toEqual({ TargetGroup: 'targetgroup/green/3', LoadBalancer: 'app/web/2' });
    expect(scoped.alarms).toEqual(['web-5xx']);
  });

  it('fills {revision} in dimension values and expressions, and keeps a TargetGroup when no target group is known', () => {
    const scoped = scopeHealth(
      health([
        check({
          expression: "SEARCH('{AWS/ContainerInsights,Revision} Revision=\"{revision}\"', 'Sum', 60)",
          metrics: { e: { ...alb, dimensions: { TargetGroup: 'targetgroup/blue/1', Revision: 'web-{revision}' } } },
        }),
      ]),
      { revision: 'abc123' },
    );
    expect(scoped.metrics[0]!.expression).toBe("SEARCH('{AWS/ContainerInsights,Revision} Revision=\"abc123\"', 'Sum', 60)");
    expect(scoped.metrics[0]!.metrics!.e!.dimensions).toEqual({ TargetGroup: 'targetgroup/blue/1', Revision: 'web-abc123' });
  });

  it('tells a check that can see the new revision from one that sees the whole service', () => {
    expect(isRevisionScoped(check({ metric: { ...alb, dimensions: { TargetGroup: 'x' } } }))).toBe(true);
    expect(isRevisionScoped(check({ metric: { ...alb, dimensions: { Service: 'web-{revision}' } } }))).toBe(true);
    expect(isRevisionScoped(check({ metric: { ...alb, dimensions: { LoadBalancer: 'app/web/2' } } }))).toBe(false);
  });
});
