import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, type GetMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { HealthPolicy } from '../../shared/config/schema.js';
import type { Strategy } from '../../shared/config/strategy.js';
import { progressLimitMinutes } from '../../shared/config/limits.js';
import { advanceRelease, type ProgressInput } from '../../shared/progressive/advance.js';
import type { ProgressStatus, ProgressiveTarget } from '../../shared/targets/progressive.js';
import type { DeployTarget } from '../../shared/targets/target.js';

// The progress look over a scripted platform: what it asks the platform, what
// it asks CloudWatch (the metric narrowed to the new revision), and what it
// answers the state machine. The platforms' own implementations are tested
// against their APIs in the ECS and EKS suites.

const cloudwatchMock = mockClient(CloudWatchClient);
const cloudwatch = () => new CloudWatchClient({ region: 'us-east-1' });
const at = (iso: string) => new Date(iso);

const health: HealthPolicy = {
  alarms: ['web-5xx'],
  metrics: [
    {
      name: '5xx of the new revision',
      metric: { namespace: 'Shipwatch/Sandbox', metricName: 'Errors', dimensions: { Revision: '{revision}' }, stat: 'Sum' },
      period: 60,
      comparison: '>',
      threshold: 5,
      unit: '',
      failureLimit: 1,
      inconclusiveLimit: 2,
    },
  ],
  bakeMinutes: 10,
  pollSeconds: 30,
  consecutiveErrorLimit: 2,
  rolloutTimeoutMinutes: 30,
  guardMinutes: 60,
  fixForwardTags: [],
};
const canary: Strategy = { type: 'canary', percent: 10, bakeMinutes: 5, pause: false };
const deploy = { deploymentId: 'web-canary', revision: 'web:v2', previousRevision: 'web:v1', startedAt: '2026-05-10T12:00:00.000Z' };
const input = (over: Partial<ProgressInput> = {}): ProgressInput => ({ strategy: canary, health, deploy, ...over });

/** A platform that answers `status` and records every call. */
function platform(status: ProgressStatus, wakeKeys: string[] = []) {
  const calls: string[] = [];
  const progressive: ProgressiveTarget = {
    progress: async (watch) => {
      calls.push(`progress ${watch.deploymentId} ${watch.revision}←${watch.revertRevision}`);
      return status;
    },
    advance: async (_watch, step) => {
      calls.push(`advance ${step}`);
    },
    decide: async (_watch, pauseId, action) => {
      calls.push(`decide ${pauseId} ${action}`);
    },
  };
  const target: DeployTarget = {
    label: 'EKS deployment prod/web',
    wakeKeys,
    progressive,
    deploy: () => Promise.reject(new Error('not called')),
    status: () => Promise.reject(new Error('not called')),
    rollback: () => Promise.reject(new Error('not called')),
  };
  return { target, calls };
}

const judging: ProgressStatus = {
  state: 'judge',
  step: 1,
  steps: 2,
  trafficPercent: 10,
  detail: '1 of 5 pods on the new image',
  since: '2026-05-10T12:01:00.000Z',
  bakeMinutes: 5,
  scope: { revision: 'v2' },
};

/** CloudWatch answering `values` per period from 12:01 on, and the alarm OK. */
function metrics(values: number[]) {
  cloudwatchMock
    .on(DescribeAlarmsCommand)
    .resolves({ MetricAlarms: [{ AlarmName: 'web-5xx', StateValue: 'OK', StateUpdatedTimestamp: at('2026-05-10T11:00:00Z') }] });
  cloudwatchMock.on(GetMetricDataCommand).callsFake((q: GetMetricDataCommandInput) => {
    const start = q.StartTime!.getTime();
    const timestamps = values
      .map((_, i) => new Date(Date.parse('2026-05-10T12:01:00Z') + i * 60_000))
      .filter((t) => t.getTime() >= start && t.getTime() < q.EndTime!.getTime());
    return {
      MetricDataResults: [
        {
          Id: 'shipwatch',
          Timestamps: timestamps,
          Values: timestamps.map((t) => values[(t.getTime() - Date.parse('2026-05-10T12:01:00Z')) / 60_000]!),
          StatusCode: 'Complete',
        },
      ],
    };
  });
}

beforeEach(() => cloudwatchMock.reset());

describe('advanceRelease: a step Shipwatch judges (EKS)', () => {
  it('judges the new revision alone while the step bakes, and says when to look again', async () => {
    // Prepare
    metrics([0, 1]);
    const { target, calls } = platform(judging);

    // Act
    const look = await advanceRelease({ cloudwatch: cloudwatch(), target }, input(), at('2026-05-10T12:04:00Z'));

    // Assess
    expect(look).toMatchObject({
      done: false,
      position: { step: 1, steps: 2, trafficPercent: 10 },
      judged: [],
      wake: ['alarm:web-5xx'],
      awaitEvent: true,
      lookAgainSeconds: 60,
    });
    expect(calls).toEqual(['progress web-canary web:v2←web:v1']);
    const query = cloudwatchMock.commandCalls(GetMetricDataCommand)[0]!.args[0].input.MetricDataQueries![0]!;
    expect(query.MetricStat!.Metric!.Dimensions).toEqual([{ Name: 'Revision', Value: 'v2' }]);
  });

  it('moves to the next step once the step has baked healthy, and keeps its arithmetic', async () => {
    metrics([0, 1, 0, 2, 0, 0]);
    const { target, calls } = platform(judging);

    const look = await advanceRelease({ cloudwatch: cloudwatch(), target }, input(), at('2026-05-10T12:07:00Z'));

    expect(calls).toEqual(['progress web-canary web:v2←web:v1', 'advance 1']);
    expect(look).toMatchObject({
      done: false,
      lookAgainSeconds: 30,
      judged: [{ step: 1, steps: 2, trafficPercent: 10, judgedAt: '2026-05-10T12:07:00.000Z' }],
    });
    expect(!look.done && 'judged' in look && look.judged[0]!.summary).toMatch(/5xx of the new revision/);
  });

  it('throws Unhealthy with the step and the arithmetic as soon as a check fails, and shifts nothing', async () => {
    // failureLimit 1: one bad period is noise, the second fails.
    metrics([0, 40, 45]);
    const { target, calls } = platform(judging);

    const act = advanceRelease({ cloudwatch: cloudwatch(), target }, input(), at('2026-05-10T12:05:00Z'));

    const error = await act.catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'Unhealthy' });
    expect((error as Error).message).toBe('step 1 of 2 (10% of traffic): 5xx of the new revision 45 > 5 in 2 of 3 periods, failure limit 1');
    expect(calls).toEqual(['progress web-canary web:v2←web:v1']);
  });

  it('keeps "could not measure" apart: errors count up, then MeasurementFailed', async () => {
    cloudwatchMock
      .on(DescribeAlarmsCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    const { target } = platform(judging);

    const first = await advanceRelease({ cloudwatch: cloudwatch(), target }, input(), at('2026-05-10T12:04:00Z'));
    expect(first).toMatchObject({ done: false, measurementErrors: 1 });
    const second = advanceRelease({ cloudwatch: cloudwatch(), target }, input({ previous: { judged: [], measurementErrors: 1 } }), at('2026-05-10T12:04:30Z'));
    await expect(second).rejects.toMatchObject({ name: 'MeasurementFailed' });
  });
});

describe('advanceRelease: following the platform (ECS)', () => {
  it('waits for the service deployment events while ECS shifts traffic, with a fallback look', async () => {
    const { target } = platform({ state: 'stepping', step: 1, steps: 2, trafficPercent: 10, detail: 'PRODUCTION_TRAFFIC_SHIFT' }, ['ecs:prod/web']);

    const look = await advanceRelease({ cloudwatch: cloudwatch(), target }, input(), at('2026-05-10T12:02:00Z'));

    expect(look).toMatchObject({
      done: false,
      wake: ['ecs:prod/web'],
      awaitEvent: true,
      lookAgainSeconds: 60,
      detail: 'step 1 of 2 (10% of traffic): PRODUCTION_TRAFFIC_SHIFT',
    });
    expect(cloudwatchMock.calls()).toHaveLength(0);
  });

  it('is done when all traffic is on the new revision, carrying the steps judged so far', async () => {
    const judged = [{ step: 1, steps: 2, trafficPercent: 10, judgedAt: '2026-05-10T12:07:00.000Z', summary: 'ok' }];
    const { target } = platform({ state: 'completed', detail: 'SUCCESSFUL' });

    const look = await advanceRelease({ cloudwatch: cloudwatch(), target }, input({ previous: { judged } }), at('2026-05-10T12:20:00Z'));

    expect(look).toEqual({ done: true, completedAt: '2026-05-10T12:20:00.000Z', detail: 'SUCCESSFUL', judged });
  });

  it("reads the new revision's scope once, when all traffic is on it, for the bake to measure", async () => {
    const { target, calls } = platform({ state: 'completed', detail: 'SUCCESSFUL' });
    target.progressive!.scope = async (watch) => {
      calls.push(`scope ${watch.deploymentId}`);
      return { revision: 'web:v2', targetGroup: 'targetgroup/green/3' };
    };

    const look = await advanceRelease({ cloudwatch: cloudwatch(), target }, input(), at('2026-05-10T12:20:00Z'));

    expect(look).toMatchObject({ done: true, scope: { revision: 'web:v2', targetGroup: 'targetgroup/green/3' } });
    expect(calls).toEqual(['progress web-canary web:v2←web:v1', 'scope web-canary']);
  });

  it("reports a platform rollback as RolloutFailed and someone else's deployment as Superseded", async () => {
    const failed = platform({ state: 'failed', reason: 'the lifecycle hook answered FAILED at PRODUCTION_TRAFFIC_SHIFT' });
    await expect(advanceRelease({ cloudwatch: cloudwatch(), target: failed.target }, input(), at('2026-05-10T12:05:00Z'))).rejects.toMatchObject({
      name: 'RolloutFailed',
      message: 'canary deployment on EKS deployment prod/web failed: the lifecycle hook answered FAILED at PRODUCTION_TRAFFIC_SHIFT',
    });
    const replaced = platform({ state: 'superseded', by: 'web:v3' });
    await expect(advanceRelease({ cloudwatch: cloudwatch(), target: replaced.target }, input(), at('2026-05-10T12:05:00Z'))).rejects.toMatchObject({
      name: 'Superseded',
    });
  });

  it('calls a step stuck after the rollout timeout per step plus the step bakes', async () => {
    expect(progressLimitMinutes(canary, health)).toBe(2 * 30 + 2 * 5);
    const { target } = platform({ state: 'stepping', step: 1, steps: 2, trafficPercent: 10, detail: 'SCALE_UP' });
    await expect(advanceRelease({ cloudwatch: cloudwatch(), target }, input(), at('2026-05-10T13:10:00Z'))).rejects.toMatchObject({
      name: 'RolloutFailed',
      message: expect.stringMatching(/limit 70/),
    });
  });
});

describe('advanceRelease: a pause', () => {
  const paused: ProgressStatus = { state: 'paused', pauseId: 'step-1', step: 1, steps: 2, trafficPercent: 10, detail: 'judged healthy' };

  it('answers paused, for the state machine to ask a person', async () => {
    const { target } = platform(paused);
    const look = await advanceRelease({ cloudwatch: cloudwatch(), target }, input(), at('2026-05-10T12:07:00Z'));
    expect(look).toEqual({
      done: false,
      paused: { step: 1, steps: 2, trafficPercent: 10, detail: 'judged healthy', pauseId: 'step-1' },
      detail: 'paused at step 1 of 2 (10% of traffic): judged healthy',
      lookedAt: '2026-05-10T12:07:00.000Z',
      judged: [],
    });
  });

  it('promotes at the pause the look found, then looks again', async () => {
    const { target, calls } = platform({ state: 'stepping', step: 2, steps: 2, trafficPercent: 100, detail: 'scaling' });
    await advanceRelease(
      { cloudwatch: cloudwatch(), target },
      input({ previous: { judged: [], paused: { pauseId: 'step-1' } }, decision: { action: 'promote', by: 'U2' } }),
      at('2026-05-10T12:09:00Z'),
    );
    expect(calls).toEqual(['decide step-1 promote', 'progress web-canary web:v2←web:v1']);
  });

  it('leaves the time at a pause out of the progress limit, and carries it on to the next look', async () => {
    // 70 minutes is the limit; 80 have passed since the deploy, 45 of them waiting for a person.
    const { target } = platform({ state: 'stepping', step: 2, steps: 2, trafficPercent: 100, detail: 'scaling' });
    const late = at('2026-05-10T13:20:00Z');
    const look = await advanceRelease({ cloudwatch: cloudwatch(), target }, input({ pausedMs: 45 * 60_000 }), late);
    expect(look).toMatchObject({ done: false, pausedMs: 45 * 60_000, lookAgainSeconds: 30 });
    await expect(advanceRelease({ cloudwatch: cloudwatch(), target }, input({ pausedMs: 5 * 60_000 }), late)).rejects.toMatchObject({
      name: 'RolloutFailed',
      message: expect.stringMatching(/after 75 minutes besides the pause \(limit 70/),
    });
  });

  it('aborts: tells the platform, then fails with Aborted saying who', async () => {
    const { target, calls } = platform(paused);
    const act = advanceRelease(
      { cloudwatch: cloudwatch(), target },
      input({ previous: { judged: [], paused: { pauseId: 'step-1' } }, decision: { action: 'abort', by: 'U3' } }),
      at('2026-05-10T12:09:00Z'),
    );
    await expect(act).rejects.toMatchObject({ name: 'Aborted', message: expect.stringMatching(/^U3 aborted the canary deployment at the pause \(step-1\)/) });
    expect(calls).toEqual(['decide step-1 abort']);
  });
});
