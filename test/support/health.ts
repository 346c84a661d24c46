import { CloudWatchClient, GetMetricDataCommand, type DescribeAlarmsCommandOutput } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { vi } from 'vitest';
import { parseConfigText } from '../../shared/config/load.js';
import type { MetricCheck, ServiceConfig } from '../../shared/config/schema.js';
import type { Deployment, RolloutStatus } from '../../shared/targets/rollout.js';
import type { DeployTarget, Watch } from '../../shared/targets/target.js';
import { fixture } from './fixtures.js';

// What the health tests (test/unit/health-*.test.ts, targets-watch.test.ts)
// share: services with health checks parsed by the real schema, the periods
// and values metric verdicts are judged on, a deployment baking since 12:00,
// a DeployTarget that only answers status(), and CloudWatch, mocked, with the
// answers a bake reads. Each test file resets `cloudwatchMock` before each test.

export const MINUTE = 60_000;
export const at = (iso: string) => new Date(iso);
export const ms = (iso: string) => Date.parse(iso);

/** One service, `health` block given inline; parsed by the real schema so defaults apply. */
export function serviceWith(health: string): ServiceConfig {
  const text = `
services:
  - name: web
    image:
      repository: web
    target:
      ecs:
        cluster: prod
        service: web
        container: app
    health:
${health
  .split('\n')
  .map((line) => `      ${line}`)
  .join('\n')}
`;
  return parseConfigText(text, 'inline.yml').services[0]!;
}

export const FIVE_XX = `
- name: 5xx rate
  expression: "100 * errors / requests"
  metrics:
    errors: { namespace: AWS/ApplicationELB, metricName: HTTPCode_Target_5XX_Count, dimensions: { LoadBalancer: app/web/123 }, stat: Sum }
    requests: { namespace: AWS/ApplicationELB, metricName: RequestCount, dimensions: { LoadBalancer: app/web/123 }, stat: Sum }
  period: 60
  comparison: GreaterThanThreshold
  threshold: 2
  unit: "%"
  failureLimit: 2
  inconclusiveLimit: 1`;

/** A service with three metric checks: the 5xx rate (an expression), p99 latency (">") and success rate ("<"). */
export const service = serviceWith(`
alarms: [web-5xx-alarm, myalarm]
bakeMinutes: 5
pollSeconds: 30
metrics:
${FIVE_XX.split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}
  - name: p99 latency
    metric: { namespace: AWS/ApplicationELB, metricName: TargetResponseTime, dimensions: { LoadBalancer: app/web/123, TargetGroup: targetgroup/web/456 }, stat: p99 }
    period: 60
    comparison: ">"
    threshold: 0.5
    unit: " s"
  - name: success rate
    metric: { namespace: Shipwatch/Web, metricName: SuccessRate }
    period: 60
    comparison: LessThanThreshold
    threshold: 99
    unit: "%"
    failureLimit: 1
`);
export const [fiveXx, latency, successRate] = service.health.metrics as [MetricCheck, MetricCheck, MetricCheck];

/** Five complete one-minute periods from 12:00. */
export const FIVE_PERIODS = [0, 1, 2, 3, 4].map((i) => ms('2025-02-21T12:00:00Z') + i * MINUTE);
export const valuesOf = (periods: number[], values: Array<number | undefined>) =>
  new Map(periods.flatMap((p, i) => (values[i] === undefined ? [] : [[p, values[i]] as [number, number]])));

/** Every CloudWatchClient of the test file that imports this, mocked (aws-sdk-client-mock). */
export const cloudwatchMock = mockClient(CloudWatchClient);
export const cloudwatch = () => new CloudWatchClient({});

/** The service the bake tests judge: its 5xx alarm and the 5xx rate, a 5-minute bake. */
export const bakeService = serviceWith(`
alarms: [web-5xx-alarm]
bakeMinutes: 5
pollSeconds: 30
metrics:
${FIVE_XX.split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}
`);

export const deployment: Deployment = {
  platform: 'ecs',
  previousRevision: 'arn:aws:ecs:us-west-2:123456789012:task-definition/web:8',
  revision: 'arn:aws:ecs:us-west-2:123456789012:task-definition/web:9',
  deploymentId: 'ecs-svc/7419115625193919142',
  startedAt: '2025-02-21T11:55:00.000Z',
  alreadyRunning: false,
};
export const BAKE_STARTED = '2025-02-21T12:00:00.000Z';

/** The event key of the ECS service prod/web, as ecsTarget names it. */
const ECS_KEY = 'ecs:prod/web';

/**
 * A DeployTarget that answers status() with `status` and must not deploy or
 * roll back. Woken like ECS by default; `wakeKeys: []` is a target without
 * deployment events (EKS).
 */
export function fakeTarget(status: RolloutStatus, wakeKeys: string[] = [ECS_KEY]) {
  return {
    label: 'ECS service prod/web',
    wakeKeys,
    status: vi.fn(async (_watch: Watch) => status),
    deploy: vi.fn(async () => {
      throw new Error('deploy must not be called');
    }),
    rollback: vi.fn(async () => {
      throw new Error('rollback must not be called');
    }),
  } satisfies DeployTarget;
}

export function alarmState(StateValue: 'OK' | 'ALARM', StateReason: string): DescribeAlarmsCommandOutput {
  const published = fixture<DescribeAlarmsCommandOutput>('cloudwatch-describe-alarms-response-metric-alarm').MetricAlarms![0];
  return {
    $metadata: {},
    MetricAlarms: [{ ...published, AlarmName: 'web-5xx-alarm', StateValue, StateReason, StateUpdatedTimestamp: new Date('2025-02-21T12:02:10.000Z') }],
  };
}

/** The 5xx expression's values for consecutive minutes from 12:00. */
export function metricValues(values: number[]) {
  cloudwatchMock.on(GetMetricDataCommand).resolves({
    MetricDataResults: [{ Id: 'shipwatch', Timestamps: values.map((_, i) => new Date(ms(BAKE_STARTED) + i * MINUTE)), Values: values, StatusCode: 'Complete' }],
  });
}
