import { RegisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { handler as closeRecord } from '../../functions/close-record.js';
import { lambdaContext } from '../../local/task-handlers.js';
import { history } from '../../shared/records/queries.js';
import { afterEach, describe, expect, it } from 'vitest';
import { runWorkflow } from '../../local/run-workflow.js';
import { nextRevision } from '../../shared/targets/ecs/task-definition.js';
import { CloudError } from '../../local/cloud/errors.js';
import { aloneEvents } from '../support/alone-events.js';
import { mockCloud } from '../support/mock-cloud.js';
import { freshRecordsTable, useLocalDynamo } from '../support/records.js';
import { METRIC_SERVICE_YAML, pushRelease, webService, webWorld } from '../support/world-fixture.js';
import { eventSample } from '../support/fixtures.js';

// Scenarios over the real statemachines/deploy.asl.yml (aws-local-stepfunctions),
// every Task running the real handler, against the simulated cloud in simulated time.

useLocalDynamo();
let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((f) => f());
  cleanup = [];
});

async function given(options: Parameters<typeof webWorld>[0] = {}) {
  const records = await freshRecordsTable();
  const env = webWorld(options);
  const mocks = mockCloud(env.world);
  const events = aloneEvents(env.world);
  cleanup.push(
    () => mocks.restore(),
    () => events.restore(),
    () => env.clock.uninstall(),
  );
  return { ...env, mocks, records, events };
}

const updates = (mocks: ReturnType<typeof mockCloud>) => mocks.ecs.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input);

describe('ECS Fargate deploy workflow', () => {
  it('deploys a good release pinned by digest and bakes it green, near 50 transitions', async () => {
    // Prepare
    const { world, clock, mocks, initialRevision, events } = await given();
    const input = pushRelease(world, 'v2', {}, webService());

    // Act
    const run = await runWorkflow(input, { clock, ...events.options });

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result.outcome).toBe('deployed');
    expect(run.result.previousRevision).toBe(initialRevision);
    const registered = mocks.ecs.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input;
    expect(registered.containerDefinitions?.find((c) => c.name === 'app')?.image).toBe(input.release.imageUri);
    expect(input.release.imageUri).toMatch(/^123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/web@sha256:[a-f0-9]{64}$/);
    expect(updates(mocks)).toEqual([{ cluster: 'prod', service: 'web', taskDefinition: run.result.revision }]);
    expect(run.result.steps.map((s) => s.step)).toEqual(['scan', 'deploy', 'rollout', 'bake']);
    const bake = run.result.steps.find((s) => s.step === 'bake')!;
    expect(Date.parse(bake.endedAt!) - Date.parse(bake.startedAt)).toBeGreaterThanOrEqual(10 * 60_000);
    console.log('PATH', run.path.join(' '));
    expect(run.transitions).toBeLessThanOrEqual(50);
    expect(world.ecs.services.get('prod/web')!.taskDefinition).toBe(run.result.revision);
  });

  it('blocks an image with a finding at the policy floor and never calls UpdateService', async () => {
    const { world, clock, mocks, events } = await given();
    const input = pushRelease(
      world,
      'v2',
      {
        findings: [
          { id: 'CVE-2026-1111', severity: 'CRITICAL', package: 'openssl 3.0.1' },
          { id: 'CVE-2026-2222', severity: 'LOW', package: 'zlib 1.2' },
        ],
      },
      webService(),
    );

    const run = await runWorkflow(input, { clock, ...events.options });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.result.outcome).toBe('blocked');
    expect(run.result.reason).toContain('CVE-2026-1111');
    expect(run.result.blockingFindings).toEqual([expect.objectContaining({ id: 'CVE-2026-1111', severity: 'CRITICAL' })]);
    expect(mocks.ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
    expect(updates(mocks)).toHaveLength(0);
  });

  it('adopts the circuit breaker rollback when the rollout FAILS, without a second UpdateService', async () => {
    const { world, clock, mocks, initialRevision, events } = await given({ circuitBreakerRollback: true });
    const input = pushRelease(world, 'v2', { healthy: false }, webService());

    const run = await runWorkflow(input, { clock, ...events.options });

    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('Shipwatch.RolledBack');
    expect(run.result.outcome).toBe('rolled_back');
    expect(run.result.reason).toContain('circuit breaker');
    expect(run.result.reason).toContain('adopted');
    expect(updates(mocks)).toHaveLength(1);
    expect(world.ecs.services.get('prod/web')!.taskDefinition).toBe(initialRevision);
    // FAILED ends the watch at once: no polling out the 15-minute rollout timeout.
    const rollout = run.result.steps.find((s) => s.step === 'rollout')!;
    expect(Date.parse(rollout.endedAt!) - Date.parse(rollout.startedAt)).toBeLessThan(5 * 60_000);
  });

  it('rolls back to the exact previous task definition when the circuit breaker does not', async () => {
    const { world, clock, mocks, initialRevision, events } = await given({ circuitBreakerRollback: false });
    const input = pushRelease(world, 'v2', { healthy: false }, webService());

    const run = await runWorkflow(input, { clock, ...events.options });

    expect(run.result.outcome).toBe('rolled_back');
    expect(updates(mocks)).toEqual([
      { cluster: 'prod', service: 'web', taskDefinition: run.result.revision },
      { cluster: 'prod', service: 'web', taskDefinition: initialRevision },
    ]);
    expect(world.ecs.services.get('prod/web')!.deployments[0]).toMatchObject({ taskDefinition: initialRevision, rolloutState: 'COMPLETED' });
  });

  it('rolls back when the rollout is still in progress after the rollout timeout', async () => {
    const { world, clock, mocks, initialRevision, events } = await given({ circuitBreaker: false });
    const input = pushRelease(world, 'v2', { healthy: false }, webService());

    const run = await runWorkflow(input, { clock, ...events.options });

    expect(run.result.outcome).toBe('rolled_back');
    expect(run.result.reason).toContain('still in progress after 15 minutes');
    expect(updates(mocks).at(-1)).toEqual({ cluster: 'prod', service: 'web', taskDefinition: initialRevision });
  });

  it('rolls back when an alarm goes to ALARM during the bake, naming the alarm', async () => {
    const { world, clock, mocks, initialRevision, events } = await given();
    const input = pushRelease(world, 'v2', { errorRate: 12 }, webService());

    const run = await runWorkflow(input, { clock, ...events.options });

    expect(run.status).toBe('FAILED');
    expect(run.result.outcome).toBe('rolled_back');
    expect(run.result.reason).toMatch(/Unhealthy: alarm web-5xx-alarm is ALARM/);
    expect(updates(mocks).at(-1)).toEqual({ cluster: 'prod', service: 'web', taskDefinition: initialRevision });
    expect(run.result.steps.map((s) => s.step)).toEqual(['scan', 'deploy', 'rollout', 'bake', 'rollback']);
  });

  it('rolls back on a metric threshold breach, with the arithmetic in the reason', async () => {
    const { world, clock, mocks, initialRevision, events } = await given();
    const input = pushRelease(world, 'v2', { errorRate: 7 }, webService(METRIC_SERVICE_YAML));

    const run = await runWorkflow(input, { clock, ...events.options });

    expect(run.result.outcome).toBe('rolled_back');
    expect(run.result.reason).toMatch(/5xx rate \d+(\.\d+)?% > 2% in 2 of \d+ periods, failure limit 1/);
    expect(updates(mocks).at(-1)?.taskDefinition).toBe(initialRevision);
  });

  it('ends in RollbackFailed when the rollback itself fails', async () => {
    const { world, clock, initialRevision, events } = await given();
    const input = pushRelease(world, 'v2', { errorRate: 12 }, webService());
    // The release migrated the database: the previous image no longer starts.
    const previousImage = world.ecs.imageOf(initialRevision)!;
    const onState = (e: { state: string; type: string }) => {
      if (e.state === 'RollBack' && e.type === 'entered') world.ecr.profileOf(previousImage)!.healthy = false;
    };

    const run = await runWorkflow(input, { clock, ...events.options, onState });

    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('Shipwatch.RollbackFailed');
    expect(run.result.outcome).toBe('rollback_failed');
    expect(run.result.reason).toContain('ROLLBACK TO');
    expect(run.path).toContain('EndRollbackFailed');
  });

  it('records the true outcome through the closer when the Finish step itself cannot (a failed rollback stays rollback_failed)', async () => {
    // Prepare: the rollback fails, and DynamoDB refuses every write while the workflow records its outcome.
    const { world, clock, records, initialRevision, events } = await given();
    const input = pushRelease(world, 'v2', { errorRate: 12 }, webService());
    const previousImage = world.ecs.imageOf(initialRevision)!;
    const onState = (e: { state: string; type: string }) => {
      if (e.state === 'RollBack' && e.type === 'entered') world.ecr.profileOf(previousImage)!.healthy = false;
    };
    const dynamoDown = async () => {
      throw Object.assign(new Error('InternalServerError: Internal server error'), { name: 'Transient' });
    };
    const { sfn } = events;

    // Act
    const run = await runWorkflow(input, { clock, ...events.options, onState, executionName: 'web-v2', handlers: { finishDeployment: dynamoDown } });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED', error: run.error, cause: run.cause });
    const event = eventSample('eventbridge-stepfunctions-execution-status-change-failed');
    Object.assign(event.detail, {
      input: JSON.stringify(input),
      stateMachineArn: process.env.STATE_MACHINE_ARN,
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:shipwatch-deploy:web-v2',
      name: 'web-v2',
    });
    const closed = await closeRecord(event, lambdaContext('closeRecord'));

    // Assess
    expect(run.error).toBe('Shipwatch.OutcomeNotRecorded');
    expect(run.invocations.finishDeployment).toBe(13);
    expect(sfn.commandCalls(DescribeExecutionCommand).map((c) => c.args[0].input)).toEqual([{ executionArn: event.detail.executionArn }]);
    expect(closed).toMatchObject({ closed: true, outcome: 'rollback_failed' });
    const [record] = await history(records, 'web');
    expect(record).toMatchObject({ outcome: 'rollback_failed', phase: 'done' });
    expect(record!.reason).toContain('ROLLBACK TO');
  });

  it('ends superseded, without rolling back, when someone else deploys during the bake', async () => {
    const { world, clock, mocks, initialRevision, events } = await given();
    const input = pushRelease(world, 'v2', {}, webService());
    let theirs: string | undefined;
    const onState = (e: { state: string; type: string }) => {
      if (e.state === 'AwaitBake' && e.type === 'entered' && !theirs) {
        // A hotfix through another pipeline: a revision of its own, not the one we replaced.
        const current = { ...world.ecs.DescribeTaskDefinition({ taskDefinition: initialRevision, include: ['TAGS'] }), $metadata: {} };
        const hotfix = nextRevision(current, 'app', `${world.ecr.registry}/web:hotfix`);
        theirs = world.ecs.RegisterTaskDefinition(hotfix).taskDefinition!.taskDefinitionArn!;
        world.ecs.UpdateService({ cluster: 'prod', service: 'web', taskDefinition: theirs });
      }
    };

    const run = await runWorkflow(input, { clock, ...events.options, onState });

    expect(run.status).toBe('SUCCEEDED');
    expect(run.result.outcome).toBe('superseded');
    expect(run.result.reason).toContain('someone else');
    expect(run.result.reason).toContain(theirs);
    expect(updates(mocks)).toHaveLength(1);
    expect(world.ecs.services.get('prod/web')!.taskDefinition).toBe(theirs);
  });

  it('retries a throttled call site with backoff and still deploys', async () => {
    const { world, clock, events } = await given();
    const input = pushRelease(world, 'v2', {}, webService());
    let throttled = 0;
    world.faults = ({ operation }) => {
      if (operation === 'RegisterTaskDefinition' && throttled < 2) {
        throttled += 1;
        return new CloudError('ThrottlingException', 'Rate exceeded');
      }
      return undefined;
    };

    const run = await runWorkflow(input, { clock, ...events.options });

    expect(run.result.outcome).toBe('deployed');
    expect(throttled).toBe(2);
    expect(world.calls.filter((c) => c.operation === 'RegisterTaskDefinition').map((c) => c.error ?? 'ok')).toEqual([
      'ThrottlingException',
      'ThrottlingException',
      'ok',
    ]);
    expect(run.path.filter((s) => s === 'Deploy')).toHaveLength(3);
  });
});
