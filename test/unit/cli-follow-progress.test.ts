import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { bakeBar, ProgressReader, shortRevision, stepTimes, type FollowedInput } from '../../cli/follow/progress.js';

// What `shipwatch follow` prints, from GetExecutionHistory events as Step
// Functions reports them for this state machine: a Task whose Resource is a
// function ARN reports LambdaFunctionSucceeded / LambdaFunctionFailed with the
// function's output; a `.waitForTaskToken` state, TaskSucceeded / TaskFailed
// (API reference, HistoryEvent).

const START = new Date('2026-11-02T10:00:00Z');
const DIGEST = `sha256:8f64f257737e${'0'.repeat(52)}`;
const TD = (n: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${n}`;
const input: FollowedInput = {
  release: { repository: 'web', digest: DIGEST, tag: 'v4' },
  service: {
    name: 'web',
    approval: { required: true, channel: 'C0DEPLOYS', approvers: ['U0ALICE', 'S0SRE'], timeoutMinutes: 30, onTimeout: 'reject', allowSelfApproval: false },
    health: { bakeMinutes: 10 },
  },
};

/** A history, event by event: `seconds` after the start. */
function history() {
  const events: HistoryEvent[] = [];
  const at = (seconds: number) => new Date(START.getTime() + seconds * 1000);
  const add = (seconds: number, event: Omit<HistoryEvent, 'id' | 'previousEventId' | 'timestamp'>) => {
    events.push({ id: events.length + 1, previousEventId: events.length, timestamp: at(seconds), ...event } as HistoryEvent);
  };
  // Each builder adds its event and hands back the history, so a test reads as one chain.
  const then = (_added: unknown) => api;
  const api = {
    events,
    enter: (seconds: number, name: string, type = 'TaskStateEntered') =>
      then(add(seconds, { type: type as HistoryEvent['type'], stateEnteredEventDetails: { name } })),
    returned: (seconds: number, output: unknown) =>
      then(add(seconds, { type: 'LambdaFunctionSucceeded', lambdaFunctionSucceededEventDetails: { output: JSON.stringify(output) } })),
    failed: (seconds: number, error: string, cause: string) =>
      then(add(seconds, { type: 'LambdaFunctionFailed', lambdaFunctionFailedEventDetails: { error, cause } })),
    answered: (seconds: number, output: unknown) =>
      then(
        add(seconds, {
          type: 'TaskSucceeded',
          taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', output: JSON.stringify(output) },
        }),
      ),
    taskFailed: (seconds: number, error: string, cause: string) =>
      then(add(seconds, { type: 'TaskFailed', taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', error, cause } })),
  };
  return api;
}

const look = (detail: string, lookedAt: number, wake = ['ecs:prod/web']) => ({
  done: false,
  detail,
  lookAgainSeconds: 60,
  lookedAt: new Date(START.getTime() + lookedAt * 1000).toISOString(),
  wake,
  awaitEvent: wake.length > 0,
});
const lambdaCause = (errorType: string, errorMessage: string) => JSON.stringify({ errorType, errorMessage, trace: [] });

describe('ProgressReader', () => {
  it('says each step once as it starts, what each look found, and the bake with a progress bar', () => {
    // Prepare
    const h = history()
      .enter(0, 'Route', 'ChoiceStateEntered')
      .enter(0, 'Admit')
      .returned(0, { recordId: '20261102T100000Z-8f64f257737e-1c0f9e2b', admittedAt: START.toISOString(), needsApproval: true, approvalTimeoutSeconds: 1800 })
      .enter(0, 'ScanImage')
      .returned(1, look('scan of web@sha256:8f64… not finished: The scan is in progress.', 1, ['scan:web@x']))
      .enter(1, 'AwaitScan')
      .taskFailed(300, 'States.Timeout', '')
      .enter(300, 'ScanImage')
      .returned(301, look('scan of web@sha256:8f64… not finished: The scan is in progress.', 301, ['scan:web@x']))
      .enter(301, 'AwaitScan')
      .answered(330, { woken: 'scan' })
      .enter(330, 'ScanImage')
      .returned(331, { done: true, passed: true, reason: 'scan passed: no findings', at: START.toISOString(), blocking: [], blockingTotal: 0 })
      .enter(331, 'RequestApproval')
      .answered(400, { decision: 'approved', by: 'U0ALICE', at: START.toISOString() })
      .enter(400, 'AcquireLease')
      .returned(401, look('web: waiting for 20261102T095000Z-aaaaaaaaaaaa-00000000 (deploying until 11:10Z at the latest)', 401, []))
      .enter(431, 'AcquireLease')
      .returned(432, { done: true, holder: 'r', phase: 'deploying', acquiredAt: START.toISOString(), expiresAt: START.toISOString() })
      .enter(432, 'Deploy')
      .returned(433, {
        platform: 'ecs',
        previousRevision: TD(7),
        revision: TD(8),
        deploymentId: 'ecs-svc/1',
        startedAt: START.toISOString(),
        alreadyRunning: false,
      })
      .enter(433, 'WatchRollout')
      .returned(434, look('rollout on ECS service prod/web: ecs-svc/1 IN_PROGRESS: 0/4 tasks running, 0 failed', 434))
      .enter(555, 'WatchRollout')
      .returned(555, { done: true, completedAt: new Date(START.getTime() + 555_000).toISOString(), detail: 'ecs-svc/1 completed: 4/4 tasks running, 0 failed' })
      .enter(555, 'Bake')
      .returned(556, look('baking, 0.0 of 10 minutes: alarm web-5xx-alarm OK', 556))
      .enter(856, 'Bake')
      .returned(857, look('baking, 5.0 of 10 minutes: alarm web-5xx-alarm OK', 857))
      .enter(1156, 'Bake')
      .returned(1157, {
        done: true,
        startedAt: START.toISOString(),
        finishedAt: START.toISOString(),
        summary: 'alarm web-5xx-alarm OK throughout',
        verdicts: [],
      })
      .enter(1157, 'EndDeployed', 'PassStateEntered')
      .enter(1157, 'Finish');
    const reader = new ProgressReader(input, START);

    // Act: the history as two polls see it.
    const lines = [...reader.read(h.events.slice(0, 12)), ...reader.read(h.events.slice(12))].map((l) => reader.format(l));

    // Assess
    expect(lines).toEqual([
      '10:00:00Z  +0s      admitted: record 20261102T100000Z-8f64f257737e-1c0f9e2b; needs approval',
      '10:00:00Z  +0s      scanning web@8f64f257737e',
      '10:00:01Z  +1s      scan: scan of web@sha256:8f64… not finished: The scan is in progress.',
      '10:05:31Z  +5m31s   scan passed: no findings',
      '10:05:31Z  +5m31s   waiting for approval in Slack (U0ALICE, S0SRE, within 30 min)',
      '10:06:40Z  +6m40s   approved by U0ALICE',
      '10:06:41Z  +6m41s   waiting its turn: web: waiting for 20261102T095000Z-aaaaaaaaaaaa-00000000 (deploying until 11:10Z at the latest)',
      '10:07:13Z  +7m13s   deploying: web:7 → web:8',
      '10:07:14Z  +7m14s   rolling out: rollout on ECS service prod/web: ecs-svc/1 IN_PROGRESS: 0/4 tasks running, 0 failed',
      '10:09:15Z  +9m15s   rolled out: ecs-svc/1 completed: 4/4 tasks running, 0 failed',
      '10:09:16Z  +9m16s   baking  [--------------------]   0%  1s of 10m: alarm web-5xx-alarm OK',
      '10:14:17Z  +14m17s  baking  [##########----------]  50%  5m02s of 10m: alarm web-5xx-alarm OK',
      '10:19:17Z  +19m17s  baked   [####################] 100%  10m of 10m: alarm web-5xx-alarm OK throughout',
    ]);
  });

  it('says why a deployment failed, how it rolls back, and when an approver rejects', () => {
    // Prepare
    const rolledBack = history()
      .enter(0, 'Deploy')
      .returned(1, {
        platform: 'ecs',
        previousRevision: TD(7),
        revision: TD(8),
        deploymentId: 'ecs-svc/1',
        startedAt: START.toISOString(),
        alreadyRunning: false,
      })
      .enter(1, 'WatchRollout')
      .failed(
        120,
        'RolloutFailed',
        lambdaCause('RolloutFailed', 'rollout on ECS service prod/web failed: ECS deployment circuit breaker: tasks failed to start.'),
      )
      .enter(120, 'RollBack')
      .returned(121, { revision: TD(7), deploymentId: 'ecs-svc/2', startedAt: START.toISOString(), adopted: true })
      .enter(121, 'WatchRollback')
      .returned(122, look('rollback on ECS service prod/web: ecs-svc/2 IN_PROGRESS: 2/4 tasks running, 0 failed', 122))
      .enter(240, 'WatchRollback')
      .returned(240, { done: true, completedAt: START.toISOString(), detail: 'ecs-svc/2 completed: 4/4 tasks running, 0 failed' });
    const rejected = history()
      .enter(0, 'RequestApproval')
      .taskFailed(60, 'Rejected', JSON.stringify({ decision: 'rejected', by: 'U0BOB', at: START.toISOString() }));
    const expired = history().enter(0, 'RequestApproval').taskFailed(1800, 'States.Timeout', '');

    // Act
    const read = (events: HistoryEvent[]) => new ProgressReader(input, START).read(events).map((l) => l.text);

    // Assess
    expect(read(rolledBack.events)).toEqual([
      'deploying: web:7 → web:8',
      'WatchRollout: RolloutFailed: rollout on ECS service prod/web failed: ECS deployment circuit breaker: tasks failed to start.',
      'rolling back to web:7 (adopting the rollback already under way)',
      'rolling back: rollback on ECS service prod/web: ecs-svc/2 IN_PROGRESS: 2/4 tasks running, 0 failed',
      'rolled back: ecs-svc/2 completed: 4/4 tasks running, 0 failed',
    ]);
    expect(read(rejected.events)).toEqual(['waiting for approval in Slack (U0ALICE, S0SRE, within 30 min)', 'rejected by U0BOB']);
    expect(read(expired.events)).toEqual(['waiting for approval in Slack (U0ALICE, S0SRE, within 30 min)', 'nobody decided within the approval timeout']);
  });

  it("says where a canary's traffic stands at each look, its pause, and who promoted or aborted, or that nobody did", () => {
    // Prepare
    const IMG = (d: string) => `123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:${d.repeat(64)}`;
    const paused = {
      done: false,
      paused: { step: 1, steps: 2, trafficPercent: 20, detail: 'judged healthy', pauseId: 'step-1' },
      detail: 'paused at step 1 of 2 (20% of traffic): judged healthy',
      lookedAt: START.toISOString(),
      judged: [],
    };
    const upTo = (h: ReturnType<typeof history>) =>
      h
        .enter(0, 'Deploy')
        .returned(1, {
          platform: 'eks',
          previousRevision: IMG('a'),
          revision: IMG('b'),
          deploymentId: 'uid-1',
          startedAt: START.toISOString(),
          alreadyRunning: false,
        })
        .enter(1, 'Progress')
        .returned(2, { ...look('step 1 of 2 (20% of traffic): 0 of 1 canary pods available', 2, []), judged: [] })
        .enter(122, 'Progress')
        .returned(123, { ...look('step 1 of 2 (20% of traffic), judging the new revision: 5xx rate worst 0.4%, > 2% in 0 of 1 periods', 123, []), judged: [] })
        .enter(420, 'Progress')
        .returned(421, paused)
        .enter(421, 'RequestPromotion');
    const promoted = upTo(history())
      .answered(600, { decision: 'approved', by: 'arn:aws:sts::123456789012:assumed-role/sandbox-operator/you', at: START.toISOString() })
      .enter(600, 'Promote')
      .returned(601, { ...look('step 2 of 2 (100% of traffic): promoting: generation 2: 2 of 4 updated', 601, []), judged: [] })
      .enter(700, 'Progress')
      .returned(701, { done: true, completedAt: START.toISOString(), detail: 'generation 2 rolled out', judged: [] });
    const aborted = upTo(history())
      .taskFailed(600, 'Rejected', JSON.stringify({ decision: 'rejected', by: 'U0BOB', at: START.toISOString() }))
      .enter(600, 'Abort')
      .failed(601, 'Aborted', lambdaCause('Aborted', 'U0BOB aborted the canary deployment at the pause (step-1); all traffic goes back to web@a'));
    const expired = upTo(history()).taskFailed(2221, 'States.Timeout', '');

    // Act
    const read = (events: HistoryEvent[]) => new ProgressReader(input, START).read(events).map((l) => l.text);

    // Assess
    const before = [
      `deploying: web@sha256:${'a'.repeat(12)} → web@sha256:${'b'.repeat(12)}`,
      'traffic: step 1 of 2 (20% of traffic): 0 of 1 canary pods available',
      'traffic: step 1 of 2 (20% of traffic), judging the new revision: 5xx rate worst 0.4%, > 2% in 0 of 1 periods',
      'paused at step 1 of 2 (20% of traffic): judged healthy',
      'waiting for promote or abort (shipwatch promote web / shipwatch abort web, the dashboard, or Slack: U0ALICE, S0SRE, within 30 min; then it aborts)',
    ];
    expect(read(promoted.events)).toEqual([
      ...before,
      'promoted by arn:aws:sts::123456789012:assumed-role/sandbox-operator/you',
      'traffic: step 2 of 2 (100% of traffic): promoting: generation 2: 2 of 4 updated',
      'traffic steps done: generation 2 rolled out',
    ]);
    expect(read(aborted.events)).toEqual([
      ...before,
      'aborted by U0BOB',
      'Abort: Aborted: U0BOB aborted the canary deployment at the pause (step-1); all traffic goes back to web@a',
    ]);
    expect(read(expired.events)).toEqual([...before, 'nobody decided within the approval timeout: the pause aborts']);
  });

  it('says a deploy refused by firing alarms, and a release that already ran', () => {
    // Prepare
    const blocked = history()
      .enter(0, 'Deploy')
      .returned(1, { blocked: { reason: 'alarm web-5xx-alarm is in ALARM before the deploy', alarms: ['web-5xx-alarm'] } });
    const already = history()
      .enter(0, 'Deploy')
      .returned(1, {
        platform: 'ecs',
        previousRevision: TD(8),
        revision: TD(8),
        deploymentId: 'ecs-svc/1',
        startedAt: START.toISOString(),
        alreadyRunning: true,
      });

    // Act
    const read = (events: HistoryEvent[]) => new ProgressReader(input, START).read(events).map((l) => l.text);

    // Assess
    expect(read(blocked.events)).toEqual(['refused: alarm web-5xx-alarm is in ALARM before the deploy']);
    expect(read(already.events)).toEqual(['web:8 already runs it: nothing to change']);
  });
});

describe('bakeBar, shortRevision, stepTimes', () => {
  it('draws how much of the bake is behind it, never outside 0 to 100%', () => {
    // Prepare / Act / Assess
    expect([bakeBar(-1), bakeBar(0), bakeBar(0.26), bakeBar(1), bakeBar(3)]).toEqual([
      '[--------------------]   0%',
      '[--------------------]   0%',
      '[#####---------------]  26%',
      '[####################] 100%',
      '[####################] 100%',
    ]);
  });

  it('shortens task definitions and image URIs', () => {
    // Prepare / Act / Assess
    expect(shortRevision(TD(12))).toBe('web:12');
    expect(shortRevision(`123456789012.dkr.ecr.us-east-1.amazonaws.com/catalog@${DIGEST}`)).toBe('catalog@sha256:8f64f257737e');
  });

  it("lists each step's time, with the approval wait after the scan", () => {
    // Prepare
    const t = (s: number) => new Date(START.getTime() + s * 1000).toISOString();
    const steps = [
      { step: 'scan' as const, startedAt: t(0), endedAt: t(31) },
      { step: 'rollout' as const, startedAt: t(100), endedAt: t(221) },
      { step: 'bake' as const, startedAt: t(221), endedAt: t(821) },
    ];

    // Act / Assess
    expect(stepTimes({ steps, approval: { decision: 'approved', by: 'U0ALICE', at: t(92) } })).toBe(
      'scan 31s, approval wait 1m01s, rollout 2m01s, bake 10m00s',
    );
    expect(stepTimes({ steps: [] })).toBe('');
  });
});
