import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { handleAlarm } from '../../shared/alarms/after-deploy.js';
import { cloudwatchClient } from '../../shared/aws/cloudwatch.js';
import { sfnClient } from '../../shared/aws/sfn.js';
import { parseConfigText } from '../../shared/config/load.js';
import { parseAlarmEvent, type AlarmStateEvent } from '../../shared/events/alarm-state.js';
import { getState } from '../../shared/records/admission.js';
import { history } from '../../shared/records/queries.js';
import { STATE_MACHINE_ARN, concurrentWorld } from '../support/concurrent.js';
import { freshRecordsTable, useLocalDynamo } from '../support/records.js';
import { WEB_SERVICE_YAML } from '../support/world-fixture.js';
import { fixture } from '../support/fixtures.js';

// The rollback adopts a deployment already under way only when it goes to the
// exact previous revision and is really in progress; anything else gets its
// own UpdateService. Through the real state machine, against the simulated ECS.

useLocalDynamo();
let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

const MINUTE = 60_000;

describe('ECS rollback: what it adopts', () => {
  it('does not adopt a failed deployment of the previous revision: it starts a new one, and the release is rolled back', async () => {
    // Prepare: v2 deploys (with a latent bug); the circuit breaker does not roll back by itself.
    const records = await freshRecordsTable();
    const config = parseConfigText(`services:\n${WEB_SERVICE_YAML}`, 'test config');
    const w = concurrentWorld(config, { circuitBreakerRollback: false });
    restore = () => w.restore();
    const v1 = w.initialRevision;
    await w.push('v2', { latent: { afterMinutes: 12, errorRate: 12 } });
    await w.settle();
    const [deployed] = await history(records, 'web');
    expect(deployed).toMatchObject({ tag: 'v2', outcome: 'deployed', previousRevision: v1 });
    // Someone rolls back by hand while v1 cannot start (its database was migrated): ECS marks it FAILED.
    const v1Image = w.world.ecs.imageOf(v1)!;
    w.world.ecr.profileOf(v1Image)!.healthy = false;
    w.world.ecs.UpdateService({ cluster: 'prod', service: 'web', taskDefinition: v1 });
    w.clock.advance(5 * MINUTE);
    expect(w.world.ecs.DescribeServices({ cluster: 'prod', services: ['web'] }).services![0]!.deployments![0]).toMatchObject({
      status: 'PRIMARY',
      taskDefinition: v1,
      rolloutState: 'FAILED',
    });
    // The database is fixed; v2's latent bug now fires the alarm, inside the guard window.
    w.world.ecr.profileOf(v1Image)!.healthy = true;
    w.clock.advance(10 * MINUTE);
    const alarm = w.world.cloudwatch.alarmState('web-5xx-alarm');
    expect(alarm.state).toBe('ALARM');

    // Act
    // The published single-metric ALARM event, for this alarm and this transition.
    const event = fixture<AlarmStateEvent>('eventbridge-cloudwatch-alarm-state-change-single-metric-ok-to-alarm');
    event.detail.alarmName = 'web-5xx-alarm';
    event.detail.state!.timestamp = new Date(alarm.since).toISOString().replace('Z', '+0000');
    event.time = new Date(alarm.since).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await handleAlarm(
      { records, sfn: sfnClient(), cloudwatch: cloudwatchClient(), stateMachineArn: STATE_MACHINE_ARN },
      config,
      parseAlarmEvent(event),
      new Date(w.clock.now()),
    );
    await w.settle();

    // Assess: a new deployment of v1 was forced (the same task definition starts nothing without it), and it completed.
    const updates = w.mocks.ecs.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input);
    expect(updates.at(-1)).toEqual({ cluster: 'prod', service: 'web', taskDefinition: v1, forceNewDeployment: true });
    const [record] = await history(records, 'web');
    expect(record).toMatchObject({ recordId: deployed!.recordId, outcome: 'rolled_back' });
    expect(record!.reason).toMatch(/^alarm web-5xx-alarm after deploy \(\d+ minutes after it\); rolled back to /);
    expect(record!.reason).not.toMatch(/adopted/);
    expect((await getState(records, 'web'))!.lastDeployment).toMatchObject({ outcome: 'rolled_back' });
    const primary = w.world.ecs.DescribeServices({ cluster: 'prod', services: ['web'] }).services![0]!.deployments![0]!;
    expect(primary).toMatchObject({ taskDefinition: v1, rolloutState: 'COMPLETED' });
  });
});
