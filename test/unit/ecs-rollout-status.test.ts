import type { Deployment, Service } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { ecsRolloutStatus } from '../../shared/targets/ecs/rollout-status.js';
import { fixture } from '../support/fixtures.js';

// Published UpdateService Example 1: our deployment PRIMARY IN_PROGRESS, the one it replaces ACTIVE COMPLETED.
const inProgress = (): Service => fixture<{ service: Service }>('ecs-update-service-response-rollout-in-progress').service;
// Published UpdateService Example 2: a single PRIMARY COMPLETED.
const completed = (): Service => fixture<{ service: Service }>('ecs-update-service-response-rollout-completed').service;
// Published DescribeServices CLI example: an old service, no rolloutState at all.
const oldService = (): Service => fixture<{ services: [Service] }>('ecs-describe-services-response-cli-example').services[0];

const OURS = 'ecs-svc/7419115625193919142';
const OUR_REVISION = 'arn:aws:ecs:us-west-2:123456789012:task-definition/amazon-ecs-sample:2';
const PREVIOUS = 'ecs-svc/1709597507655421668';
const REVERT_REVISION = 'arn:aws:ecs:us-west-2:123456789012:task-definition/old-amazon-ecs-sample:4';
const ROLLBACK_ID = 'ecs-svc/5830149223018863412';

const deployment = (s: Service, id: string): Deployment => s.deployments!.find((d) => d.id === id)!;

/** What ECS shows once the circuit breaker (with rollback) gave up on ours: a new PRIMARY on the previous revision. */
function circuitBreakerRolledBack(): Service {
  const s = inProgress();
  const ours = deployment(s, OURS);
  const previous = deployment(s, PREVIOUS);
  s.taskDefinition = REVERT_REVISION;
  s.deployments = [
    {
      ...previous,
      id: ROLLBACK_ID,
      status: 'PRIMARY',
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: `ECS deployment circuit breaker: rolling back to deploymentId ${PREVIOUS}.`,
      runningCount: 0,
    },
    { ...ours, status: 'ACTIVE', rolloutState: 'FAILED', rolloutStateReason: 'ECS deployment circuit breaker: task failed to start.', failedTasks: 3 },
  ];
  return s;
}

describe('ecsRolloutStatus', () => {
  it('reports our PRIMARY IN_PROGRESS deployment as in progress, with its task counts', () => {
    // Prepare
    const service = inProgress();
    Object.assign(deployment(service, OURS), { desiredCount: 2, runningCount: 1, pendingCount: 1, failedTasks: 1 });

    // Act
    const status = ecsRolloutStatus(service, OURS, REVERT_REVISION);

    // Assess
    expect(status).toStrictEqual({ state: 'in_progress', detail: `${OURS} IN_PROGRESS: 1/2 tasks running, 1 failed` });
  });

  it('reads the published in-progress response as in progress', () => {
    // Prepare
    const service = inProgress();

    // Act
    const status = ecsRolloutStatus(service, OURS, REVERT_REVISION);

    // Assess
    expect(status).toStrictEqual({ state: 'in_progress', detail: `${OURS} IN_PROGRESS: 0/0 tasks running, 0 failed` });
  });

  it('reports COMPLETED as completed (the published completed response)', () => {
    // Prepare
    const service = completed();

    // Act
    const status = ecsRolloutStatus(service, 'ecs-svc/1976744184940610707', REVERT_REVISION);

    // Assess
    expect(status).toStrictEqual({ state: 'completed', detail: 'ecs-svc/1976744184940610707 completed: 1/1 tasks running, 0 failed' });
  });

  it('fails a PRIMARY FAILED deployment (circuit breaker without rollback) with ECS reason and counts', () => {
    // Prepare
    const service = inProgress();
    service.deploymentConfiguration!.deploymentCircuitBreaker = { enable: true, rollback: false };
    Object.assign(deployment(service, OURS), {
      desiredCount: 2,
      runningCount: 0,
      failedTasks: 4,
      rolloutState: 'FAILED',
      rolloutStateReason: 'ECS deployment circuit breaker: task failed to start.',
    });

    // Act
    const status = ecsRolloutStatus(service, OURS, REVERT_REVISION);

    // Assess
    expect(status).toStrictEqual({ state: 'failed', reason: 'ECS deployment circuit breaker: task failed to start. (0/2 tasks running, 4 failed)' });
  });

  it('fails a PRIMARY FAILED deployment that gives no reason, naming the deployment', () => {
    // Prepare
    const service = inProgress();
    const ours = deployment(service, OURS);
    ours.rolloutState = 'FAILED';
    delete ours.rolloutStateReason;

    // Act
    const status = ecsRolloutStatus(service, OURS, REVERT_REVISION);

    // Assess
    expect(status).toStrictEqual({ state: 'failed', reason: `ECS deployment ${OURS} failed (0/0 tasks running, 0 failed)` });
  });

  it('fails with rollingBackId when ECS made a deployment of the revert revision PRIMARY and ours is ACTIVE FAILED', () => {
    // Prepare
    const service = circuitBreakerRolledBack();

    // Act
    const status = ecsRolloutStatus(service, OURS, REVERT_REVISION);

    // Assess
    expect(status).toStrictEqual({
      state: 'failed',
      reason: `ECS deployment circuit breaker: task failed to start.; ECS is rolling back in ${ROLLBACK_ID}`,
      rollingBackId: ROLLBACK_ID,
    });
  });

  it('fails with rollingBackId when ours is gone and PRIMARY runs the revert revision', () => {
    // Prepare
    const service = circuitBreakerRolledBack();
    service.deployments = service.deployments!.filter((d) => d.id !== OURS);

    // Act
    const status = ecsRolloutStatus(service, OURS, REVERT_REVISION);

    // Assess
    expect(status).toStrictEqual({
      state: 'failed',
      reason: `ECS deployment ${OURS} was rolled back; ECS is rolling back in ${ROLLBACK_ID}`,
      rollingBackId: ROLLBACK_ID,
    });
  });

  it('is superseded when a new PRIMARY runs another task definition', () => {
    // Prepare
    const service = inProgress();
    const someoneElse = 'arn:aws:ecs:us-west-2:123456789012:task-definition/amazon-ecs-sample:3';
    service.deployments = [
      { ...deployment(service, OURS), id: 'ecs-svc/9990001112223334445', taskDefinition: someoneElse },
      { ...deployment(service, OURS), status: 'ACTIVE' },
      deployment(service, PREVIOUS),
    ];

    // Act
    const status = ecsRolloutStatus(service, OURS, REVERT_REVISION);

    // Assess
    expect(status).toStrictEqual({ state: 'superseded', by: `ecs-svc/9990001112223334445 (${someoneElse})` });
  });

  it('is superseded when ours is gone and PRIMARY runs another task definition', () => {
    // Prepare
    const service = completed();

    // Act
    const status = ecsRolloutStatus(service, OURS, REVERT_REVISION);

    // Assess
    expect(status.state).toBe('superseded');
  });

  it('is not failed just because our own PRIMARY runs the revert revision', () => {
    // Prepare: a rollback we started, watched with the bad revision as its revert revision
    const service = inProgress();

    // Act
    const status = ecsRolloutStatus(service, OURS, OUR_REVISION);

    // Assess
    expect(status.state).toBe('in_progress');
  });

  it('waits when neither ours nor any PRIMARY is visible yet', () => {
    // Prepare
    const service = inProgress();
    service.deployments = [deployment(service, PREVIOUS)];

    // Act
    const status = ecsRolloutStatus(service, OURS, REVERT_REVISION);

    // Assess
    expect(status).toStrictEqual({ state: 'in_progress', detail: `${OURS} not visible yet` });
  });

  describe('services without rolloutState', () => {
    it('completes a single deployment that is fully running (the published old service)', () => {
      // Prepare
      const service = oldService();

      // Act
      const status = ecsRolloutStatus(service, 'ecs-svc/1234567890123456789', REVERT_REVISION);

      // Assess
      expect(status).toStrictEqual({ state: 'completed', detail: 'ecs-svc/1234567890123456789 steady: 10/10 tasks running, 0 failed' });
    });

    it('keeps waiting while the single deployment is not fully running', () => {
      // Prepare
      const service = oldService();
      service.deployments![0]!.runningCount = 7;

      // Act
      const status = ecsRolloutStatus(service, 'ecs-svc/1234567890123456789', REVERT_REVISION);

      // Assess
      expect(status).toStrictEqual({ state: 'in_progress', detail: 'ecs-svc/1234567890123456789 in progress: 7/10 tasks running, 0 failed' });
    });

    it('keeps waiting while the old deployment is still ACTIVE beside ours', () => {
      // Prepare
      const service = oldService();
      service.deployments!.push({
        id: 'ecs-svc/1111111111111111111',
        status: 'ACTIVE',
        taskDefinition: REVERT_REVISION,
        desiredCount: 10,
        runningCount: 3,
      });

      // Act
      const status = ecsRolloutStatus(service, 'ecs-svc/1234567890123456789', REVERT_REVISION);

      // Assess
      expect(status.state).toBe('in_progress');
    });
  });
});

describe('ecsRolloutStatus: eventual consistency', () => {
  it('does not mistake a stale DescribeServices (the old deployment still PRIMARY) for a rollback', () => {
    // Prepare: our UpdateService went through at 12:00, but the read still shows the deployment from 11:00.
    const stale: Service = {
      deployments: [
        {
          id: 'ecs-svc/old',
          status: 'PRIMARY',
          taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7',
          rolloutState: 'COMPLETED' as const,
          createdAt: new Date('2026-11-02T11:00:00Z'),
        },
      ],
    };

    // Act
    const status = ecsRolloutStatus(stale, 'ecs-svc/ours', 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7', new Date('2026-11-02T12:00:00Z'));

    // Assess
    expect(status).toEqual({ state: 'in_progress', detail: 'ecs-svc/ours not visible yet' });
  });

  it('still reads a rollback created after our deployment started as failed', () => {
    const rolledBack: Service = {
      deployments: [
        {
          id: 'ecs-svc/rollback',
          status: 'PRIMARY',
          taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7',
          rolloutState: 'IN_PROGRESS' as const,
          createdAt: new Date('2026-11-02T12:05:00Z'),
        },
      ],
    };

    const status = ecsRolloutStatus(rolledBack, 'ecs-svc/ours', 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7', new Date('2026-11-02T12:00:00Z'));

    expect(status).toMatchObject({ state: 'failed', rollingBackId: 'ecs-svc/rollback' });
  });
});
