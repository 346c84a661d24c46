import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../shared/config/load.js';
import { parseEcrPushEvent } from '../../shared/events/ecr-push.js';
import { releaseFromPush } from '../../shared/release/release.js';
import { buildResult, errorMessage, type StepTime } from '../../shared/workflow/result.js';
import type { WorkflowState } from '../../shared/workflow/state.js';
import { fixture } from '../support/fixtures.js';

const service = parseConfigText(
  `
services:
  - name: web
    image:
      repository: my-repository-name
    target:
      ecs:
        cluster: prod
        service: web
        container: app
    health:
      alarms: [web-5xx-alarm]
      bakeMinutes: 5
`,
  'inline.yml',
).services[0]!;

// The published ECR push: my-repository-name:latest at 2019-11-16T01:54:34Z.
const release = releaseFromPush(parseEcrPushEvent(fixture('eventbridge-ecr-image-action-push-success')));
const IMAGE_URI = '123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repository-name@sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234';
const PREVIOUS = 'arn:aws:ecs:us-west-2:123456789012:task-definition/web:8';
const REVISION = 'arn:aws:ecs:us-west-2:123456789012:task-definition/web:9';

// One execution's clock.
const T = {
  start: '2019-11-16T01:54:35.000Z',
  scanned: '2019-11-16T01:55:10.000Z',
  deployed: '2019-11-16T01:55:12.000Z',
  rolledOut: '2019-11-16T01:58:40.000Z',
  baked: '2019-11-16T02:03:40.000Z',
  rollbackStarted: '2019-11-16T02:00:41.000Z',
  rolledBack: '2019-11-16T02:03:02.000Z',
  finished: '2019-11-16T02:05:00.000Z',
};
const NOW = new Date(T.finished);

/** What a Lambda task's failure looks like in a Catch: Cause is the runtime's JSON. */
const lambdaError = (errorType: string, errorMessage: string) => ({
  Error: errorType,
  Cause: JSON.stringify({ errorType, errorMessage, trace: [`${errorType}: ${errorMessage}`, '    at bakeCheck (/var/task/index.mjs:1:2)'] }),
});

const UNHEALTHY = lambdaError('Unhealthy', '5xx rate 7.2% > 2% in 3 of 5 periods, failure limit 2');
const verdicts = [{ check: 'web-5xx-alarm', kind: 'alarm', phase: 'Successful', message: 'alarm web-5xx-alarm is OK' }];

type Finished<T> = Extract<NonNullable<T>, { done: true }>;

const scanned = (passed: boolean): Finished<WorkflowState['scan']> => ({
  done: true,
  passed,
  reason: passed ? 'no findings at or above CRITICAL' : '2 findings at or above HIGH: CVE-2024-0001 (CRITICAL), CVE-2024-0002 (HIGH)',
  at: T.scanned,
  blocking: passed
    ? []
    : [
        { name: 'CVE-2024-0001', severity: 'CRITICAL', uri: 'https://nvd.nist.gov/vuln/detail/CVE-2024-0001' },
        { name: 'CVE-2024-0002', severity: 'HIGH', uri: 'https://nvd.nist.gov/vuln/detail/CVE-2024-0002' },
      ],
  blockingTotal: passed ? 0 : 2,
});

/** A look that found its subject not there yet (waits/look.ts), as the state machine keeps it in the state. */
const pendingLook = (detail: string, lookedAt: string, wake: string[]) => ({
  done: false as const,
  detail,
  lookAgainSeconds: 300,
  lookedAt,
  wake,
  awaitEvent: wake.length > 0,
});

const deploy = (alreadyRunning = false): NonNullable<WorkflowState['deploy']> => ({
  platform: 'ecs',
  previousRevision: alreadyRunning ? REVISION : PREVIOUS,
  revision: REVISION,
  deploymentId: 'ecs-svc/7419115625193919142',
  startedAt: T.deployed,
  alreadyRunning,
});

/** Past Admit, as every state but the endings of admission itself. */
const base: WorkflowState = { release, service, admission: { recordId: '20191116T015434Z-7f5b2640fe6f-29c601c6', admittedAt: T.start } };

/** Each step starts no earlier than the one before, and ends no earlier than it starts. */
function expectInOrder(steps: StepTime[]) {
  steps.forEach((s, i) => {
    if (s.endedAt) expect(Date.parse(s.endedAt), `${s.step} ends after it starts`).toBeGreaterThanOrEqual(Date.parse(s.startedAt));
    if (i > 0) expect(Date.parse(s.startedAt), `${s.step} starts after ${steps[i - 1]!.step}`).toBeGreaterThanOrEqual(Date.parse(steps[i - 1]!.startedAt));
  });
}

describe('errorMessage', () => {
  it('reads the message out of a Lambda error Cause', () => {
    // Prepare
    const error = { Error: 'Unhealthy', Cause: '{"errorType":"Unhealthy","errorMessage":"alarm web-5xx-alarm is ALARM","trace":[]}' };

    // Act
    const message = errorMessage(error);

    // Assess
    expect(message).toBe('Unhealthy: alarm web-5xx-alarm is ALARM');
  });

  it('takes a plain Cause as the message', () => {
    // Prepare
    const error = { Error: 'States.Timeout', Cause: 'The task timed out after 60 seconds' };

    // Act
    const message = errorMessage(error);

    // Assess
    expect(message).toBe('States.Timeout: The task timed out after 60 seconds');
  });

  it('keeps a JSON Cause without errorMessage as it is', () => {
    // Prepare
    const error = { Error: 'States.Runtime', Cause: '{"reason":"bad path"}' };

    // Act / Assess
    expect(errorMessage(error)).toBe('States.Runtime: {"reason":"bad path"}');
  });

  it('falls back to the error name, then to "unknown error"', () => {
    // Prepare / Act / Assess
    expect(errorMessage({ Error: 'States.TaskFailed' })).toBe('States.TaskFailed');
    expect(errorMessage({ Error: 'States.TaskFailed', Cause: '' })).toBe('States.TaskFailed');
    expect(errorMessage(undefined)).toBe('unknown error');
  });
});

describe('buildResult', () => {
  it('deployed: healthy through the bake, with every step timed', () => {
    // Prepare
    const state: WorkflowState = {
      ...base,
      scan: scanned(true),
      deploy: deploy(),
      rollout: { done: true, completedAt: T.rolledOut, detail: 'ecs-svc/7419115625193919142 completed: 2/2 tasks running, 0 failed' },
      bake: { done: true, startedAt: T.rolledOut, finishedAt: T.baked, summary: 'alarm web-5xx-alarm is OK', verdicts },
    };

    // Act
    const result = buildResult('deployed', state, T.start, NOW);

    // Assess
    expect(result).toStrictEqual({
      service: 'web',
      repository: 'my-repository-name',
      tag: 'latest',
      digest: 'sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234',
      imageUri: IMAGE_URI,
      outcome: 'deployed',
      reason: `deployed ${IMAGE_URI}; healthy through the bake: alarm web-5xx-alarm is OK`,
      previousRevision: PREVIOUS,
      revision: REVISION,
      health: verdicts,
      steps: [
        { step: 'scan', startedAt: T.start, endedAt: T.scanned },
        { step: 'deploy', startedAt: T.scanned, endedAt: T.deployed },
        { step: 'rollout', startedAt: T.deployed, endedAt: T.rolledOut },
        { step: 'bake', startedAt: T.rolledOut, endedAt: T.baked },
      ],
      startedAt: T.start,
      finishedAt: T.finished,
    });
    expectInOrder(result.steps);
  });

  it('deployed: already running, nothing rolled out or baked', () => {
    // Prepare
    const state: WorkflowState = { ...base, scan: scanned(true), deploy: deploy(true) };

    // Act
    const result = buildResult('deployed', state, T.start, NOW);

    // Assess
    expect(result.reason).toBe(`${REVISION} already runs ${IMAGE_URI}; nothing to change`);
    expect(result.steps).toStrictEqual([
      { step: 'scan', startedAt: T.start, endedAt: T.scanned },
      { step: 'deploy', startedAt: T.scanned, endedAt: T.deployed },
    ]);
    expect(result).not.toHaveProperty('health');
  });

  it('deployed at admission: a new tag of the release that runs; no steps, no revisions, the reason says what runs', () => {
    // Prepare: Admit threw AlreadyRunning, so the state has no admission.
    const why = 'already runs this image (last good release 20191115T100000Z-7f5b2640fe6f-0a1b2c3d); a new tag deploys nothing';
    const state: WorkflowState = { release, service, failure: lambdaError('AlreadyRunning', why) };

    // Act
    const result = buildResult('deployed', state, T.start, NOW);

    // Assess
    expect(result.reason).toBe(why);
    expect(result.steps).toStrictEqual([]);
    expect(result).not.toHaveProperty('revision');
    expect(result).not.toHaveProperty('previousRevision');
  });

  it('superseded at admission: nothing was scanned, so no steps', () => {
    // Prepare
    const state: WorkflowState = {
      release,
      service,
      failure: lambdaError('Superseded', 'web: a newer image (20191116T015500Z-…) was pushed before this one was admitted'),
    };

    // Act
    const result = buildResult('superseded', state, T.start, NOW);

    // Assess
    expect(result.reason).toMatch(/^Superseded: web: a newer image/);
    expect(result.steps).toStrictEqual([]);
  });

  it('blocked: carries the blocking findings and no revisions', () => {
    // Prepare
    const scan = scanned(false);
    const state: WorkflowState = { ...base, scan };

    // Act
    const result = buildResult('blocked', state, T.start, NOW);

    // Assess
    expect(result.outcome).toBe('blocked');
    expect(result.reason).toBe('2 findings at or above HIGH: CVE-2024-0001 (CRITICAL), CVE-2024-0002 (HIGH)');
    expect(result.blockingFindings).toStrictEqual(scan.blocking);
    expect(result.blockingFindings).toHaveLength(2);
    expect(result).not.toHaveProperty('previousRevision');
    expect(result).not.toHaveProperty('revision');
    expect(result.steps).toStrictEqual([{ step: 'scan', startedAt: T.start, endedAt: T.scanned }]);
  });

  it('only a blocked result carries blockingFindings', () => {
    // Prepare
    const state: WorkflowState = { ...base, scan: scanned(false), failure: { Error: 'States.Runtime', Cause: 'boom' } };

    // Act
    const result = buildResult('failed', state, T.start, NOW);

    // Assess
    expect(result).not.toHaveProperty('blockingFindings');
  });

  it('superseded: says who replaced the release', () => {
    // Prepare
    const state: WorkflowState = {
      ...base,
      scan: scanned(true),
      deploy: deploy(),
      rollout: { done: true, completedAt: T.rolledOut, detail: 'completed' },
      failure: lambdaError('Superseded', 'ECS service prod/web now runs ecs-svc/999 (web:10), not this release'),
    };

    // Act
    const result = buildResult('superseded', state, T.start, NOW);

    // Assess
    expect(result.outcome).toBe('superseded');
    expect(result.reason).toBe('Superseded: ECS service prod/web now runs ecs-svc/999 (web:10), not this release');
    expect(result.steps.map((s) => s.step)).toEqual(['scan', 'deploy', 'rollout', 'bake']);
    expect(result.steps.at(-1)).toStrictEqual({ step: 'bake', startedAt: T.rolledOut, endedAt: T.finished });
    expectInOrder(result.steps);
  });

  it('superseded during the rollback: reports the rollback failure', () => {
    // Prepare
    const state: WorkflowState = {
      ...base,
      scan: scanned(true),
      deploy: deploy(),
      failure: UNHEALTHY,
      rollback: { revision: PREVIOUS, deploymentId: 'ecs-svc/5830149223018863412', startedAt: T.rollbackStarted, adopted: false },
      rollbackFailure: lambdaError('Superseded', "ECS service prod/web now runs ecs-svc/999 (web:10); the rollback was replaced by someone else's deployment"),
    };

    // Act
    const result = buildResult('superseded', state, T.start, NOW);

    // Assess
    expect(result.reason).toBe("Superseded: ECS service prod/web now runs ecs-svc/999 (web:10); the rollback was replaced by someone else's deployment");
  });

  it('rolled_back: says why and to which previous revision, with the rollback timed', () => {
    // Prepare
    const state: WorkflowState = {
      ...base,
      scan: scanned(true),
      deploy: deploy(),
      rollout: { done: true, completedAt: T.rolledOut, detail: 'completed' },
      failure: UNHEALTHY,
      rollback: { revision: PREVIOUS, deploymentId: 'ecs-svc/5830149223018863412', startedAt: T.rollbackStarted, adopted: false },
      rollbackDone: { done: true, completedAt: T.rolledBack, detail: 'ecs-svc/5830149223018863412 completed: 2/2 tasks running, 0 failed' },
    };

    // Act
    const result = buildResult('rolled_back', state, T.start, NOW);

    // Assess
    expect(result.outcome).toBe('rolled_back');
    expect(result.reason).toBe(`Unhealthy: 5xx rate 7.2% > 2% in 3 of 5 periods, failure limit 2; rolled back to ${PREVIOUS}`);
    expect(result.previousRevision).toBe(PREVIOUS);
    expect(result.revision).toBe(REVISION);
    expect(result.steps).toStrictEqual([
      { step: 'scan', startedAt: T.start, endedAt: T.scanned },
      { step: 'deploy', startedAt: T.scanned, endedAt: T.deployed },
      { step: 'rollout', startedAt: T.deployed, endedAt: T.rolledOut },
      { step: 'bake', startedAt: T.rolledOut, endedAt: T.rollbackStarted },
      { step: 'rollback', startedAt: T.rollbackStarted, endedAt: T.rolledBack },
    ]);
    expectInOrder(result.steps);
  });

  it('rolled_back: ends the rollout at the rollback and says when ECS had already rolled back', () => {
    // Prepare
    const state: WorkflowState = {
      ...base,
      scan: scanned(true),
      deploy: deploy(),
      failure: lambdaError('RolloutFailed', 'rollout on ECS service prod/web failed: ECS deployment circuit breaker: task failed to start.'),
      rollback: { revision: PREVIOUS, deploymentId: 'ecs-svc/5830149223018863412', startedAt: T.rollbackStarted, adopted: true },
      rollbackDone: { done: true, completedAt: T.rolledBack, detail: 'completed' },
    };

    // Act
    const result = buildResult('rolled_back', state, T.start, NOW);

    // Assess
    expect(result.reason).toBe(
      `RolloutFailed: rollout on ECS service prod/web failed: ECS deployment circuit breaker: task failed to start.; rolled back to ${PREVIOUS} (rollback already under way, adopted)`,
    );
    expect(result.steps).toStrictEqual([
      { step: 'scan', startedAt: T.start, endedAt: T.scanned },
      { step: 'deploy', startedAt: T.scanned, endedAt: T.deployed },
      { step: 'rollout', startedAt: T.deployed, endedAt: T.rollbackStarted },
      { step: 'rollback', startedAt: T.rollbackStarted, endedAt: T.rolledBack },
    ]);
    expectInOrder(result.steps);
  });

  it('rollback_failed: shouts that the rollback failed, with both errors', () => {
    // Prepare
    const state: WorkflowState = {
      ...base,
      scan: scanned(true),
      deploy: deploy(),
      rollout: { done: true, completedAt: T.rolledOut, detail: 'completed' },
      failure: UNHEALTHY,
      rollback: { revision: PREVIOUS, deploymentId: 'ecs-svc/5830149223018863412', startedAt: T.rollbackStarted, adopted: false },
      rollbackFailure: lambdaError('RollbackFailed', 'rollback on ECS service prod/web still in progress after 30 minutes (0/2 tasks running, 6 failed)'),
    };

    // Act
    const result = buildResult('rollback_failed', state, T.start, NOW);

    // Assess
    expect(result.outcome).toBe('rollback_failed');
    expect(result.reason).toContain('ROLLBACK');
    expect(result.reason).toBe(
      `Unhealthy: 5xx rate 7.2% > 2% in 3 of 5 periods, failure limit 2; ROLLBACK TO ${PREVIOUS} FAILED: RollbackFailed: rollback on ECS service prod/web still in progress after 30 minutes (0/2 tasks running, 6 failed)`,
    );
    expect(result.steps.at(-1)).toStrictEqual({ step: 'rollback', startedAt: T.rollbackStarted, endedAt: T.finished });
    expectInOrder(result.steps);
  });

  it('failed before deploying: the reason is the error, the scan step ends at the scan', () => {
    // Prepare
    const state: WorkflowState = {
      ...base,
      scan: scanned(true),
      failure: lambdaError('TargetMisconfigured', 'ECS service prod/web: MISSING; check target.ecs.cluster and target.ecs.service'),
    };

    // Act
    const result = buildResult('failed', state, T.start, NOW);

    // Assess
    expect(result).toStrictEqual({
      service: 'web',
      repository: 'my-repository-name',
      tag: 'latest',
      digest: release.digest,
      imageUri: IMAGE_URI,
      outcome: 'failed',
      reason: 'TargetMisconfigured: ECS service prod/web: MISSING; check target.ecs.cluster and target.ecs.service',
      steps: [{ step: 'scan', startedAt: T.start, endedAt: T.scanned }],
      startedAt: T.start,
      finishedAt: T.finished,
    });
  });

  it('failed during the scan: the scan step runs to the end', () => {
    // Prepare
    const state: WorkflowState = { ...base, failure: { Error: 'States.Timeout' } };

    // Act
    const result = buildResult('failed', state, T.start, NOW);

    // Assess
    expect(result.reason).toBe('States.Timeout');
    expect(result.steps).toStrictEqual([{ step: 'scan', startedAt: T.start, endedAt: T.finished }]);
  });

  it('failed while the scan was still pending: the scan step runs to the end, no findings', () => {
    // Prepare: the last look at the scan said "not yet".
    const state: WorkflowState = {
      ...base,
      scan: pendingLook(`scan of my-repository-name@${release.digest} not finished: scan in progress`, T.scanned, [
        `scan:my-repository-name@${release.digest}`,
      ]),
      failure: { Error: 'States.Timeout' },
    };

    // Act
    const result = buildResult('blocked', state, T.start, NOW);

    // Assess
    expect(result.reason).toBe('blocked by the scan gate');
    expect(result).not.toHaveProperty('blockingFindings');
    expect(result.steps).toStrictEqual([{ step: 'scan', startedAt: T.start, endedAt: T.finished }]);
  });

  it('rolled_back after MeasurementFailed: a pending bake carries no health, and the bake ends at the rollback', () => {
    // Prepare
    const state: WorkflowState = {
      ...base,
      scan: scanned(true),
      deploy: deploy(),
      rollout: { done: true, completedAt: T.rolledOut, detail: 'completed' },
      bake: {
        ...pendingLook('could not measure health (3 of 4 in a row): ThrottlingException: Rate exceeded', T.rollbackStarted, [
          'alarm:web-5xx-alarm',
          'ecs:prod/web',
        ]),
        measurementErrors: 3,
      },
      failure: lambdaError(
        'MeasurementFailed',
        'health could not be measured: 4 failed measurements in a row, consecutiveErrorLimit 4; last: ThrottlingException: Rate exceeded',
      ),
      rollback: { revision: PREVIOUS, deploymentId: 'ecs-svc/5830149223018863412', startedAt: T.rollbackStarted, adopted: false },
      rollbackDone: { done: true, completedAt: T.rolledBack, detail: 'completed' },
    };

    // Act
    const result = buildResult('rolled_back', state, T.start, NOW);

    // Assess
    expect(result.reason).toBe(
      `MeasurementFailed: health could not be measured: 4 failed measurements in a row, consecutiveErrorLimit 4; last: ThrottlingException: Rate exceeded; rolled back to ${PREVIOUS}`,
    );
    expect(result).not.toHaveProperty('health');
    expect(result.steps).toStrictEqual([
      { step: 'scan', startedAt: T.start, endedAt: T.scanned },
      { step: 'deploy', startedAt: T.scanned, endedAt: T.deployed },
      { step: 'rollout', startedAt: T.deployed, endedAt: T.rolledOut },
      { step: 'bake', startedAt: T.rolledOut, endedAt: T.rollbackStarted },
      { step: 'rollback', startedAt: T.rollbackStarted, endedAt: T.rolledBack },
    ]);
    expectInOrder(result.steps);
  });

  it('rollback_failed with pending rollout and rollback looks: no bake step, the rollout ends at the rollback, the rollback at the end', () => {
    // Prepare
    const state: WorkflowState = {
      ...base,
      scan: scanned(true),
      deploy: deploy(),
      rollout: pendingLook('rollout on ECS service prod/web: IN_PROGRESS', T.rolledOut, ['ecs:prod/web']),
      failure: lambdaError('RolloutFailed', 'rollout on ECS service prod/web still in progress after 30 minutes (IN_PROGRESS)'),
      rollback: { revision: PREVIOUS, deploymentId: 'ecs-svc/5830149223018863412', startedAt: T.rollbackStarted, adopted: false },
      rollbackDone: pendingLook('rollback on ECS service prod/web: rolling back', T.rolledBack, ['ecs:prod/web']),
      rollbackFailure: lambdaError('RollbackFailed', 'rollback on ECS service prod/web still in progress after 30 minutes (rolling back)'),
    };

    // Act
    const result = buildResult('rollback_failed', state, T.start, NOW);

    // Assess
    expect(result.steps).toStrictEqual([
      { step: 'scan', startedAt: T.start, endedAt: T.scanned },
      { step: 'deploy', startedAt: T.scanned, endedAt: T.deployed },
      { step: 'rollout', startedAt: T.deployed, endedAt: T.rollbackStarted },
      { step: 'rollback', startedAt: T.rollbackStarted, endedAt: T.finished },
    ]);
    expectInOrder(result.steps);
  });

  it('leaves out the tag of an image pushed by digest only', () => {
    // Prepare
    const { tag: _tag, ...untagged } = release;
    const state: WorkflowState = { ...base, release: untagged, failure: { Error: 'States.Timeout' } };

    // Act
    const result = buildResult('failed', state, T.start, NOW);

    // Assess
    expect(result).not.toHaveProperty('tag');
  });

  it('rejected: names a Slack user as a mention and an IAM identity (the dashboard) as it is', () => {
    // Prepare
    const rejectedBy = (by: string): WorkflowState => ({
      ...base,
      failure: { Error: 'Rejected', Cause: JSON.stringify({ decision: 'rejected', by, at: T.scanned }) },
    });
    const operator = 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Deployers_0123abcd/alice@example.com';

    // Act
    const inSlack = buildResult('rejected', rejectedBy('U060R4BJ4'), T.start, NOW);
    const inDashboard = buildResult('rejected', rejectedBy(operator), T.start, NOW);

    // Assess
    expect(inSlack.reason).toBe(`rejected by <@U060R4BJ4> at ${T.scanned}`);
    expect(inDashboard.reason).toBe(`rejected by ${operator} at ${T.scanned}`);
    expect(inDashboard.approval).toStrictEqual({ decision: 'rejected', by: operator, at: T.scanned });
  });
});
