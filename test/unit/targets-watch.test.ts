import { describe, expect, it } from 'vitest';
import { RollbackFailed, RolloutFailed, Superseded } from '../../shared/errors.js';
import { watchRollout } from '../../shared/targets/watch.js';
import { at, fakeTarget } from '../support/health.js';

// shared/targets/watch.ts: one look at a rollout (or our rollback) through
// any DeployTarget: done, failed, replaced, or when to look again.

describe('watchRollout', () => {
  const watched = {
    deploymentId: 'ecs-svc/7419115625193919142',
    startedAt: '2025-02-21T12:00:00.000Z',
    revision: 'arn:aws:ecs:us-west-2:123456789012:task-definition/web:9',
    revertRevision: 'arn:aws:ecs:us-west-2:123456789012:task-definition/web:8',
  };
  const limits = { pollSeconds: 15, fallbackSeconds: 300, timeoutMinutes: 30 };
  const IN_PROGRESS = 'ecs-svc/7419115625193919142 IN_PROGRESS: 1/2 tasks running, 0 failed';

  it('returns when the rollout completed', async () => {
    // Prepare
    const target = fakeTarget({ state: 'completed', detail: 'ecs-svc/7419115625193919142 completed: 2/2 tasks running, 0 failed' });

    // Act
    const result = await watchRollout(target, watched, limits, 'rollout', at('2025-02-21T12:04:00Z'));

    // Assess
    expect(target.status).toHaveBeenCalledWith({
      deploymentId: watched.deploymentId,
      revision: watched.revision,
      revertRevision: watched.revertRevision,
      since: new Date(watched.startedAt),
    });
    expect(result).toStrictEqual({
      done: true,
      completedAt: '2025-02-21T12:04:00.000Z',
      detail: 'ecs-svc/7419115625193919142 completed: 2/2 tasks running, 0 failed',
    });
  });

  it('throws RolloutFailed at once when the rollout failed', async () => {
    // Prepare
    const target = fakeTarget({ state: 'failed', reason: 'ECS deployment circuit breaker: task failed to start.' });

    // Act
    const act = watchRollout(target, watched, limits, 'rollout', at('2025-02-21T12:01:00Z'));

    // Assess
    await expect(act).rejects.toThrow(RolloutFailed);
    await expect(act).rejects.toThrow('rollout on ECS service prod/web failed: ECS deployment circuit breaker: task failed to start.');
  });

  it('throws RollbackFailed when our rollback failed', async () => {
    // Prepare
    const target = fakeTarget({ state: 'failed', reason: 'tasks failed to start' });

    // Act
    const act = watchRollout(target, watched, limits, 'rollback', at('2025-02-21T12:01:00Z'));

    // Assess
    await expect(act).rejects.toThrow(RollbackFailed);
    await expect(act).rejects.toMatchObject({ name: 'RollbackFailed', message: 'rollback on ECS service prod/web failed: tasks failed to start' });
  });

  it('throws Superseded when someone else deployed', async () => {
    // Prepare
    const target = fakeTarget({ state: 'superseded', by: 'ecs-svc/999 (web:10)' });

    // Act
    const act = watchRollout(target, watched, limits, 'rollout', at('2025-02-21T12:01:00Z'));

    // Assess
    await expect(act).rejects.toThrow(Superseded);
    await expect(act).rejects.toThrow("ECS service prod/web now runs ecs-svc/999 (web:10); the rollout was replaced by someone else's deployment");
  });

  it('is pending while in progress on ECS: woken by the service event, looking again after the fallback', async () => {
    // Prepare
    const target = fakeTarget({ state: 'in_progress', detail: IN_PROGRESS });

    // Act
    const look = await watchRollout(target, watched, limits, 'rollout', at('2025-02-21T12:04:00Z'));

    // Assess
    expect(look).toStrictEqual({
      done: false,
      detail: 'rollout on ECS service prod/web: ecs-svc/7419115625193919142 IN_PROGRESS: 1/2 tasks running, 0 failed',
      lookAgainSeconds: 300,
      lookedAt: '2025-02-21T12:04:00.000Z',
      wake: ['ecs:prod/web'],
      awaitEvent: true,
    });
  });

  it('is pending while in progress without deployment events (EKS): a plain wait of the configured poll interval', async () => {
    // Prepare
    const target = fakeTarget({ state: 'in_progress', detail: IN_PROGRESS }, []);

    // Act
    const look = await watchRollout(target, watched, limits, 'rollout', at('2025-02-21T12:04:00Z'));

    // Assess
    expect(look).toStrictEqual({
      done: false,
      detail: `rollout on ECS service prod/web: ${IN_PROGRESS}`,
      lookAgainSeconds: 15,
      lookedAt: '2025-02-21T12:04:00.000Z',
      wake: [],
      awaitEvent: false,
    });
  });

  it('looks again no later than the timeout: one second before it, in one second', async () => {
    // Prepare
    const target = fakeTarget({ state: 'in_progress', detail: IN_PROGRESS });

    // Act
    const look = await watchRollout(target, watched, limits, 'rollout', at('2025-02-21T12:29:59Z'));

    // Assess
    expect(look).toStrictEqual({
      done: false,
      detail: `rollout on ECS service prod/web: ${IN_PROGRESS}`,
      lookAgainSeconds: 1,
      lookedAt: '2025-02-21T12:29:59.000Z',
      wake: ['ecs:prod/web'],
      awaitEvent: true,
    });
  });

  it('caps the fallback at the seconds left before the timeout, rounded up to a whole second', async () => {
    // Prepare: 200.5 s left, less than the 300 s fallback.
    const target = fakeTarget({ state: 'in_progress', detail: IN_PROGRESS });

    // Act
    const look = await watchRollout(target, watched, limits, 'rollout', at('2025-02-21T12:26:39.500Z'));

    // Assess
    expect(look).toMatchObject({ done: false, lookAgainSeconds: 201, wake: ['ecs:prod/web'], awaitEvent: true });
  });

  it('caps the poll interval at the seconds left before the timeout on EKS too', async () => {
    // Prepare: 10 s left, less than pollSeconds 15.
    const target = fakeTarget({ state: 'in_progress', detail: IN_PROGRESS }, []);

    // Act
    const look = await watchRollout(target, watched, limits, 'rollout', at('2025-02-21T12:29:50Z'));

    // Assess
    expect(look).toMatchObject({ done: false, lookAgainSeconds: 10, wake: [], awaitEvent: false });
  });

  it('says rollback in the detail of a rollback still in progress', async () => {
    // Prepare
    const target = fakeTarget({ state: 'in_progress', detail: 'rolling back' });

    // Act
    const look = await watchRollout(target, watched, limits, 'rollback', at('2025-02-21T12:10:00Z'));

    // Assess
    expect(look).toStrictEqual({
      done: false,
      detail: 'rollback on ECS service prod/web: rolling back',
      lookAgainSeconds: 300,
      lookedAt: '2025-02-21T12:10:00.000Z',
      wake: ['ecs:prod/web'],
      awaitEvent: true,
    });
  });

  it('throws RolloutFailed when still in progress at the timeout', async () => {
    // Prepare
    const target = fakeTarget({ state: 'in_progress', detail: 'ecs-svc/7419115625193919142 IN_PROGRESS: 1/2 tasks running, 3 failed' });

    // Act
    const act = watchRollout(target, watched, limits, 'rollout', at('2025-02-21T12:30:00Z'));

    // Assess
    await expect(act).rejects.toThrow(RolloutFailed);
    await expect(act).rejects.toThrow(
      'rollout on ECS service prod/web still in progress after 30 minutes (ecs-svc/7419115625193919142 IN_PROGRESS: 1/2 tasks running, 3 failed)',
    );
  });

  it('throws RollbackFailed when the rollback is still in progress at the timeout', async () => {
    // Prepare
    const target = fakeTarget({ state: 'in_progress', detail: 'rolling back' });

    // Act
    const act = watchRollout(target, watched, limits, 'rollback', at('2025-02-21T12:45:00Z'));

    // Assess
    await expect(act).rejects.toThrow(RollbackFailed);
  });
});
