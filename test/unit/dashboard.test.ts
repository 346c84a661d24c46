import { CloudWatchClient, DescribeAlarmHistoryCommand, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { strategyOf } from '../../cli/dashboard/data.js';
import { alarmBands, readHealthChart, type HealthChart } from '../../cli/dashboard/health.js';
import { html, raw } from '../../cli/dashboard/html.js';
import { healthChart } from '../../cli/dashboard/render/charts.js';
import { who } from '../../cli/dashboard/render/format.js';
import { cookieToken, hostAllowed, originAllowed, sessionCookie, tokenMatches } from '../../cli/dashboard/security.js';
import { timelineOf } from '../../cli/dashboard/timeline.js';
import { parseConfigText } from '../../shared/config/load.js';

// The dashboard's pure parts: who may reach it, how a deployment's steps are
// read from its execution history, the health chart's numbers (the bake's
// own arithmetic) and how the chart draws them.

const fixture = (name: string): any => JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8'));

const config = parseConfigText(
  `
services:
  - name: payments
    image: { repository: payments }
    target: { ecs: { cluster: prod, service: payments, container: api } }
    approval: { required: true, channel: C0DEPLOYS, approvers: [U0ALICE], timeoutMinutes: 30 }
    health:
      alarms: [payments-5xx]
      metrics:
        - name: 5xx rate
          expression: "100 * errors / requests"
          metrics:
            errors: { namespace: AWS/ApplicationELB, metricName: HTTPCode_Target_5XX_Count, dimensions: { LoadBalancer: app/payments/5f3e }, stat: Sum }
            requests: { namespace: AWS/ApplicationELB, metricName: RequestCount, dimensions: { LoadBalancer: app/payments/5f3e }, stat: Sum }
          period: 60
          comparison: ">"
          threshold: 2
          unit: "%"
          failureLimit: 1
      bakeMinutes: 10
      rolloutTimeoutMinutes: 15
`,
  'inline.yml',
);
const service = config.services[0]!;

describe('dashboard security checks', () => {
  it('answers only requests addressed to 127.0.0.1 or localhost on its own port', () => {
    expect(hostAllowed('127.0.0.1:8470', 8470)).toBe(true);
    expect(hostAllowed('localhost:8470', 8470)).toBe(true);
    expect(hostAllowed('LOCALHOST:8470', 8470)).toBe(true);
    expect(hostAllowed('evil.example:8470', 8470)).toBe(false);
    expect(hostAllowed('127.0.0.1:8471', 8470)).toBe(false);
    expect(hostAllowed('127.0.0.1', 8470)).toBe(false);
    expect(hostAllowed(undefined, 8470)).toBe(false);
  });

  it('takes actions only from its own origin, and a missing Origin is refused', () => {
    expect(originAllowed('http://127.0.0.1:8470', 8470)).toBe(true);
    expect(originAllowed('http://localhost:8470', 8470)).toBe(true);
    expect(originAllowed('http://127.0.0.1:9999', 8470)).toBe(false);
    expect(originAllowed('https://127.0.0.1:8470', 8470)).toBe(false);
    expect(originAllowed('null', 8470)).toBe(false);
    expect(originAllowed(undefined, 8470)).toBe(false);
  });

  it('compares tokens whole, and keeps one session cookie per port', () => {
    const token = 'x'.repeat(43);
    expect(tokenMatches(token, token)).toBe(true);
    expect(tokenMatches(`${token}y`, token)).toBe(false);
    expect(tokenMatches(token.slice(1), token)).toBe(false);
    expect(tokenMatches('', token)).toBe(false);
    expect(tokenMatches(undefined, token)).toBe(false);
    expect(sessionCookie(8470, token)).toBe(`shipwatch_dashboard_8470=${token}; Path=/; HttpOnly; SameSite=Strict`);
    expect(cookieToken(`a=b; shipwatch_dashboard_8471=other; shipwatch_dashboard_8470=${token}`, 8470)).toBe(token);
    expect(cookieToken('shipwatch_dashboard_8471=other', 8470)).toBeUndefined();
  });

  it('escapes every value put into a page, except markup made safe on purpose', () => {
    const reason = '<img src=x onerror=alert(1)> "quoted" & \'single\'';
    expect(html`<p title="${reason}">${reason}</p>`.text).toBe(
      '<p title="&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; &amp; &#39;single&#39;">&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; &amp; &#39;single&#39;</p>',
    );
    expect(html`<ul>${['a<', 'b'].map((x) => html`<li>${x}</li>`)}</ul>${raw('<br>')}${undefined}${false}`.text).toBe('<ul><li>a&lt;</li><li>b</li></ul><br>');
  });

  it('names who acted in words: an SSO session, an IAM user, a Slack user', () => {
    expect(who('arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Deployers_0123abcd/alice@example.com')).toBe(
      'alice@example.com (role AWSReservedSSO_Deployers_0123abcd)',
    );
    expect(who('arn:aws:iam::123456789012:user/ops/bob')).toBe('bob (IAM user)');
    expect(who('U0ALICE')).toBe('Slack user U0ALICE');
  });
});

// An execution's history as GetExecutionHistory returns it (oldest first).
const T0 = Date.parse('2026-11-02T10:00:00Z');
let id = 0;
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const entered = (type: string, name: string, s: number): HistoryEvent => ({
  id: ++id,
  timestamp: at(s),
  type: `${type}StateEntered` as HistoryEvent['type'],
  stateEnteredEventDetails: { name },
});
const exited = (type: string, name: string, s: number, output: unknown): HistoryEvent => ({
  id: ++id,
  timestamp: at(s),
  type: `${type}StateExited` as HistoryEvent['type'],
  stateExitedEventDetails: { name, output: JSON.stringify(output) },
});
/** What every state output of the workflow carries (shared/workflow/state.ts). */
const workflow = { release: { repository: 'payments', tag: 'release-4.2' }, service: { name: 'payments' } };
const scanned = {
  ...workflow,
  scan: {
    done: true,
    passed: true,
    reason: 'scan passed: HIGH 1 (1 ignored)',
    blocking: [],
    ignored: [{ id: 'CVE-2026-0001', severity: 'HIGH', reason: 'not reachable', until: '2099-12-31' }],
  },
};
const rolloutDone = {
  ...scanned,
  rollout: { done: true, completedAt: at(400).toISOString(), detail: 'completed' },
  deploy: { revision: 'payments:5', previousRevision: 'payments:4', startedAt: at(60).toISOString(), platform: 'ecs' },
};
const baking: HistoryEvent[] = [
  { id: ++id, timestamp: at(0), type: 'ExecutionStarted' },
  entered('Choice', 'Route', 0),
  entered('Task', 'Admit', 0),
  entered('Task', 'ScanImage', 1),
  entered('Choice', 'ScanLooked', 1),
  entered('Task', 'AwaitScan', 1),
  entered('Task', 'ScanImage', 21),
  exited('Task', 'ScanImage', 21, scanned),
  entered('Choice', 'NeedsApproval', 21),
  entered('Task', 'RequestApproval', 21),
  entered('Task', 'AcquireLease', 321),
  entered('Task', 'Deploy', 322),
  entered('Task', 'WatchRollout', 323),
  entered('Task', 'AwaitRollout', 324),
  entered('Task', 'WatchRollout', 400),
  exited('Task', 'WatchRollout', 400, rolloutDone),
  entered('Task', 'Bake', 400),
  entered('Wait', 'WaitBake', 401),
  entered('Task', 'Bake', 460),
  exited('Task', 'Bake', 460, { ...rolloutDone, bake: { done: false, detail: 'baking, 1.0 of 10 minutes: 5xx rate worst 0.3%' } }),
  entered('Wait', 'WaitBake', 461),
];

describe("timelineOf: a deployment's steps from its execution history", () => {
  it('groups states into steps with their times, looks and waits, and the step under way with its progress', () => {
    const now = at(640);

    const t = timelineOf(baking, service, now);

    expect(t.status).toBe('RUNNING');
    expect(t.steps.map((s) => [s.key, s.startedAt.slice(11, 19), s.endedAt?.slice(11, 19), s.looks, s.waits, s.waitedMs / 1000])).toEqual([
      ['admit', '10:00:00', '10:00:01', 0, 0, 0],
      ['scan', '10:00:01', '10:00:21', 2, 1, 20],
      ['approval', '10:00:21', '10:05:21', 0, 1, 300],
      ['lease', '10:05:21', '10:05:22', 1, 0, 0],
      ['deploy', '10:05:22', '10:05:23', 0, 0, 0],
      ['rollout', '10:05:23', '10:06:40', 2, 1, 76],
      ['bake', '10:06:40', undefined, 2, 2, 59 + 179],
    ]);
    // The bake began when the rollout completed (its output says when): 4 of 10 minutes.
    expect(t.steps.at(-1)!.progress).toEqual({ elapsedMs: 240_000, totalMs: 600_000, text: '4 of 10 min baked' });
    expect(t.state?.bake).toEqual({ done: false, detail: 'baking, 1.0 of 10 minutes: 5xx rate worst 0.3%' });
    expect(t.state?.deploy?.revision).toBe('payments:5');
  });

  it('closes the last step at the end of a finished execution, and keeps steps it does not know under their own names', () => {
    const events = [
      ...baking,
      entered('Task', 'CanaryStep', 700),
      entered('Task', 'RollBack', 760),
      entered('Task', 'Finish', 900),
      // The result alone (its service a name, not the config): not the workflow's state.
      exited('Succeed', 'Succeeded', 901, { service: 'payments', outcome: 'rolled_back', steps: [] }),
      { id: ++id, timestamp: at(901), type: 'ExecutionFailed' as const },
    ];

    const t = timelineOf(events, service, at(2000));

    expect(t.status).toBe('FAILED');
    expect(t.endedAt).toBe(at(901).toISOString());
    expect(t.steps.slice(-4).map((s) => [s.key, s.label, s.endedAt?.slice(11, 19)])).toEqual([
      ['bake', 'bake', '10:11:40'],
      ['CanaryStep', 'CanaryStep', '10:12:40'],
      ['rollback', 'rollback', '10:15:00'],
      ['finish', 'record outcome', '10:15:01'],
    ]);
    expect(t.steps.every((s) => s.progress === undefined)).toBe(true);
    expect(t.state?.scan?.ignored).toEqual([{ id: 'CVE-2026-0001', severity: 'HIGH', reason: 'not reachable', until: '2099-12-31' }]);
  });
});

describe('the strategy a service is shown with', () => {
  it('names a rolling update by its platform, and a progressive strategy by its traffic steps, judging and pause', () => {
    const eks = { ...service, target: { eks: { cluster: 'shop', namespace: 'shop', deployment: 'catalog', container: 'app' } } } as typeof service;

    expect(strategyOf(service)).toBe('rolling update (ECS deployment circuit breaker watched)');
    expect(strategyOf(eks)).toBe('rolling update (Kubernetes RollingUpdate)');
    expect(strategyOf({ ...service, strategy: { type: 'canary', percent: 10, bakeMinutes: 5, pause: true } })).toBe(
      'canary: traffic 10% → 100%, each step judged over 5 min, pausing for promotion',
    );
    expect(strategyOf({ ...service, strategy: { type: 'linear', stepPercent: 25, bakeMinutes: 3, pause: false } })).toBe(
      'linear: traffic 25% → 50% → 75% → 100%, each step judged over 3 min',
    );
    expect(strategyOf({ ...service, strategy: { type: 'blueGreen', testTrafficBakeMinutes: 10, pause: false } })).toBe(
      'blue/green: traffic 100%, 10 min on test traffic first',
    );
  });
});

describe('timelineOf: a progressive strategy', () => {
  it('groups the traffic steps (Progress and its waits, Promote) into one step, and a pause into a promotion with its timeout', () => {
    const events: HistoryEvent[] = [
      { id: ++id, timestamp: at(0), type: 'ExecutionStarted' },
      entered('Task', 'Admit', 0),
      entered('Task', 'AcquireLease', 1),
      entered('Task', 'Deploy', 2),
      entered('Choice', 'DeployVerdict', 3),
      entered('Task', 'Progress', 3),
      entered('Choice', 'ProgressLooked', 3),
      entered('Task', 'AwaitProgress', 3),
      entered('Task', 'Progress', 63),
      entered('Choice', 'ProgressLooked', 63),
      entered('Wait', 'WaitProgress', 63),
      entered('Task', 'Progress', 123),
      entered('Choice', 'ProgressLooked', 123),
      entered('Task', 'RequestPromotion', 123),
    ];

    const paused = timelineOf(events, service, at(723));
    const promoted = timelineOf(
      [...events, entered('Task', 'Promote', 900), entered('Choice', 'ProgressLooked', 900), entered('Task', 'WatchRollout', 901)],
      service,
      at(960),
    );

    expect(paused.steps.map((s) => [s.key, s.label, s.startedAt.slice(11, 19), s.endedAt?.slice(11, 19), s.looks, s.waits, s.waitedMs / 1000])).toEqual([
      ['admit', 'admit', '10:00:00', '10:00:01', 0, 0, 0],
      ['lease', 'lease', '10:00:01', '10:00:02', 1, 0, 0],
      ['deploy', 'deploy', '10:00:02', '10:00:03', 0, 0, 0],
      ['progress', 'traffic steps', '10:00:03', '10:02:03', 3, 2, 120],
      ['promotion', 'promotion', '10:02:03', undefined, 0, 1, 600],
    ]);
    expect(paused.steps.at(-1)!.progress).toEqual({ elapsedMs: 600_000, totalMs: 1_800_000, text: '10 of 30 min before the pause aborts' });
    expect(promoted.steps.slice(-3).map((s) => [s.key, s.endedAt?.slice(11, 19)])).toEqual([
      ['promotion', '10:15:00'],
      ['progress', '10:15:01'],
      ['rollout', undefined],
    ]);
  });
});

describe("alarmBands: an alarm's states over a window from its history", () => {
  it('reads the published history (newest first) into bands, the state before the first update being its old state', () => {
    const items = fixture('cloudwatch-describe-alarm-history-response-alarm-to-ok').AlarmHistoryItems.map((i: Record<string, string>) => ({
      ...i,
      Timestamp: new Date(i.Timestamp!),
    }));
    const from = Date.parse('2014-04-09T18:50:00Z');
    const to = Date.parse('2014-04-09T19:10:00Z');

    const bands = alarmBands(items, 'OK', from, to);

    expect(bands).toEqual([
      { from, to: Date.parse('2014-04-09T18:59:05.805Z'), state: 'OK' },
      { from: Date.parse('2014-04-09T18:59:05.805Z'), to: Date.parse('2014-04-09T18:59:06.442Z'), state: 'ALARM' },
      { from: Date.parse('2014-04-09T18:59:06.442Z'), to, state: 'OK' },
    ]);
  });

  it('without updates in the window, the alarm was all along in the state it has now', () => {
    expect(alarmBands([], 'ALARM', 0, 60_000)).toEqual([{ from: 0, to: 60_000, state: 'ALARM' }]);
  });
});

describe('the health chart', () => {
  // Five complete periods of the bake: 0.4%, no data, 7.79%, 3.1%, 0.5%.
  const from = new Date('2026-11-02T10:00:00Z');
  const minute = (n: number) => new Date(from.getTime() + n * 60_000);

  it("reads each period with the bake's queries and judges it with the bake's arithmetic", async () => {
    const cloudwatch = mockClient(CloudWatchClient);
    cloudwatch.on(GetMetricDataCommand).callsFake((input) => {
      const id = input.MetricDataQueries.find((q: { ReturnData?: boolean }) => q.ReturnData !== false).Id;
      if (input.MetricDataQueries.some((q: { Expression?: string }) => q.Expression)) {
        return { MetricDataResults: [{ Id: id, Timestamps: [minute(0), minute(2), minute(3), minute(4)], Values: [0.4, 7.79, 3.1, 0.5] }] };
      }
      return { MetricDataResults: [{ Id: id, Timestamps: [minute(0), minute(1), minute(2), minute(3), minute(4)], Values: [3, 4, 114, 138, 90] }] };
    });
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        {
          AlarmName: 'payments-5xx',
          StateValue: 'ALARM',
          Namespace: 'AWS/ApplicationELB',
          MetricName: 'HTTPCode_Target_5XX_Count',
          Dimensions: [{ Name: 'LoadBalancer', Value: 'app/payments/5f3e' }],
          Statistic: 'Sum',
          Period: 60,
          Threshold: 60,
          ComparisonOperator: 'GreaterThanThreshold',
        },
      ],
    });
    cloudwatch.on(DescribeAlarmHistoryCommand).resolves({
      AlarmHistoryItems: [
        {
          AlarmName: 'payments-5xx',
          Timestamp: minute(4.5),
          HistoryItemType: 'StateUpdate',
          HistoryData: JSON.stringify({ oldState: { stateValue: 'OK' }, newState: { stateValue: 'ALARM' } }),
        },
      ],
    });

    const chart = await readHealthChart(new CloudWatchClient({ region: 'us-east-1' }), service.health, {
      from,
      to: minute(6),
      until: minute(6),
      axisTo: minute(10),
      now: minute(6),
      final: false,
      live: true,
    });
    cloudwatch.restore();

    const rate = chart.metrics[0]!;
    expect(rate.points.map((p) => [p.value, p.breaching])).toEqual([
      [0.4, false],
      [undefined, false],
      [7.79, true],
      [3.1, true],
      [0.5, false],
    ]);
    expect(rate.verdict).toMatchObject({
      phase: 'Failed',
      message: '5xx rate 7.79% > 2% in 2 of 5 periods, failure limit 1',
      breaches: 2,
      missing: 1,
      periods: 5,
    });
    const alarm = chart.alarms[0]!;
    expect(alarm.bands.map((b) => [b.state, new Date(b.from).toISOString().slice(11, 19)])).toEqual([
      ['OK', '10:00:00'],
      ['ALARM', '10:04:30'],
    ]);
    expect(alarm.series?.points.filter((p) => p.breaching).map((p) => p.value)).toEqual([114, 138, 90]);
  });

  it('draws a mark per period: failing ones marked, those without data as gaps, the threshold as a line, alarm states as a band', () => {
    const chart: HealthChart = {
      from: from.getTime(),
      to: minute(5).getTime(),
      until: minute(5).getTime(),
      axisTo: minute(10).getTime(),
      live: true,
      metrics: [],
      alarms: [],
    };
    const series = {
      name: '5xx rate',
      unit: '%',
      comparison: '>' as const,
      threshold: 2,
      period: 60,
      points: [
        { start: minute(0).getTime(), value: 0.4, breaching: false },
        { start: minute(1).getTime(), breaching: false },
        { start: minute(2).getTime(), value: 7.79, breaching: true },
      ],
    };

    const svg = healthChart(
      chart,
      series,
      [
        { from: from.getTime(), to: minute(2).getTime(), state: 'OK' },
        { from: minute(2).getTime(), to: minute(5).getTime(), state: 'ALARM' },
      ],
      '5xx rate during the bake',
      '5xx rate 7.79% > 2% in 1 of 3 periods',
    ).text;

    expect(svg).toMatch(/^<svg class="chart health-chart" viewBox="0 0 760 230" role="img" aria-labelledby="t\d+ d\d+" data-points="3">/);
    expect(svg.match(/data-state="ok"/g)).toHaveLength(1);
    expect(svg.match(/data-state="breach"/g)).toHaveLength(1);
    expect(svg.match(/data-state="missing"/g)).toHaveLength(1);
    expect(svg).toContain('<title>10:01–10:02Z: no data (inconclusive)</title>');
    expect(svg).toContain('<title>10:02–10:03Z: 7.79% (&gt; 2%: failing)</title>');
    expect(svg).toMatch(/<line class="threshold"[^>]*><title>threshold: failing when &gt; 2%<\/title><\/line>/);
    expect(svg.match(/data-alarm-state="(\w+)"/g)).toEqual(['data-alarm-state="OK"', 'data-alarm-state="ALARM"']);
    // The line stops at the gap: two segments, each starting with a move.
    expect(/<path class="line" d="([^"]+)"/.exec(svg)![1]!.match(/M/g)).toHaveLength(2);
    expect(svg).toContain('>now</text>');
  });
});
