import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { loadBalancer5xxAlarm } from '../../local/cloud/cloudwatch.js';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { handler as alarmRollback } from '../../functions/alarm-rollback.js';
import { lambdaContext } from '../../local/task-handlers.js';
import { handleAlarm } from '../../shared/alarms/after-deploy.js';
import { cloudwatchClient } from '../../shared/aws/cloudwatch.js';
import { sfnClient } from '../../shared/aws/sfn.js';
import { parseConfigText } from '../../shared/config/load.js';
import { parseAlarmEvent, type AlarmStateEvent } from '../../shared/events/alarm-state.js';
import { getState } from '../../shared/records/admission.js';
import { history } from '../../shared/records/queries.js';
import { STATE_MACHINE_ARN, concurrentWorld } from '../support/concurrent.js';
import { freshRecordsTable, useLocalDynamo } from '../support/records.js';
import { LOAD_BALANCER } from '../support/world-fixture.js';
import { fixture } from '../support/fixtures.js';

// An alarm going to ALARM after the workflow ended: the published CloudWatch
// events (test/fixtures) drive the real alarm code against real records.

useLocalDynamo();
let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

/** The published sample, delivered now (its timestamp is the moment of the transition). */
function alarmEvent(name: string, at: number) {
  const event = fixture<AlarmStateEvent>(name);
  if (event.detail.state) event.detail.state.timestamp = new Date(at).toISOString().replace('Z', '+0000');
  event.time = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return event;
}

const SAMPLES = {
  single: 'eventbridge-cloudwatch-alarm-state-change-single-metric-ok-to-alarm',
  math: 'eventbridge-cloudwatch-alarm-state-change-metric-math-insufficient-data-to-alarm',
  anomaly: 'eventbridge-cloudwatch-alarm-state-change-anomaly-detection-ok-to-alarm',
  composite: 'eventbridge-cloudwatch-alarm-state-change-composite-ok-to-alarm-suppressed',
  configuration: 'eventbridge-cloudwatch-alarm-configuration-change-metric-update',
} as const;

/**
 * A service guarded by every alarm the samples name, all existing in the
 * simulated CloudWatch on its 5xx count, and v2 deployed: its latent bug
 * makes them fire about five minutes after the bake ended.
 */
async function deployedService(guardMinutes = 30) {
  const names = Object.values(SAMPLES).map((s) => fixture<AlarmStateEvent>(s).detail.alarmName as string);
  const config = parseConfigText(
    `services:
  - name: web
    image: { repository: web, tags: ["v*"] }
    target: { ecs: { cluster: prod, service: web, container: app } }
    health:
      alarms: ${JSON.stringify([...new Set(names)])}
      bakeMinutes: 5
      guardMinutes: ${guardMinutes}
`,
    'test config',
  );
  const records = await freshRecordsTable();
  const w = concurrentWorld(config);
  restore = () => w.restore();
  for (const name of new Set(names)) {
    w.world.cloudwatch.alarms.set(
      name,
      name === 'ServiceAggregatedAlarm' ? { kind: 'composite', name, anyOf: ['ServerCpuTooHigh'] } : loadBalancer5xxAlarm(name, LOAD_BALANCER),
    );
  }
  const before = w.world.ecs.services.get('prod/web')!.taskDefinition;
  await w.push('v2', { latent: { afterMinutes: 8, errorRate: 12 } });
  await w.settle();
  expect(w.outcomes()[0]!.outcome).toBe('deployed');
  return { ...w, config, records, before };
}

describe('alarm after the deploy', () => {
  for (const kind of ['single', 'math', 'anomaly', 'composite'] as const) {
    it(`rolls back to the last good release when a ${kind} alarm fires inside the guard window`, async () => {
      // Prepare
      const w = await deployedService();
      w.clock.advance(12 * 60_000);
      const event = parseAlarmEvent(alarmEvent(SAMPLES[kind], w.clock.now()));

      // Act
      const outcomes = await handleAlarm(
        { records: w.records, sfn: sfnClient(), cloudwatch: cloudwatchClient(), stateMachineArn: STATE_MACHINE_ARN },
        w.config,
        event,
        new Date(w.clock.now()),
      );
      await w.settle();

      // Assess
      expect(outcomes).toEqual([expect.objectContaining({ service: 'web', decision: expect.objectContaining({ action: 'rollback', to: w.before }) })]);
      expect(w.world.ecs.services.get('prod/web')!.taskDefinition).toBe(w.before);
      const [record] = await history(w.records, 'web');
      expect(record).toMatchObject({ tag: 'v2', outcome: 'rolled_back' });
      expect(record!.reason).toMatch(new RegExp(`^alarm ${event.detail.alarmName} after deploy \\(1\\d minutes after it\\); rolled back to ${w.before}`));
      expect((await getState(w.records, 'web'))?.lastGood?.revision).toBe(w.before);
    });
  }

  it('starts one rollback however often the alarm event is delivered', async () => {
    const w = await deployedService();
    w.clock.advance(12 * 60_000);
    const event = parseAlarmEvent(alarmEvent(SAMPLES.single, w.clock.now()));
    const deps = { records: w.records, sfn: sfnClient(), cloudwatch: cloudwatchClient(), stateMachineArn: STATE_MACHINE_ARN };

    await Promise.all([handleAlarm(deps, w.config, event, new Date(w.clock.now())), handleAlarm(deps, w.config, event, new Date(w.clock.now()))]);
    await w.settle();

    expect(w.sfn.executions.size).toBe(2);
    expect(w.world.callsTo('UpdateService')).toHaveLength(2);
  });

  it('outside the guard window it only records and notifies, once per transition however often it is delivered', async () => {
    const w = await deployedService(30);
    w.clock.advance(45 * 60_000);
    const event = parseAlarmEvent(alarmEvent(SAMPLES.single, w.clock.now()));
    const deps = { records: w.records, sfn: sfnClient(), cloudwatch: cloudwatchClient(), stateMachineArn: STATE_MACHINE_ARN };

    const outcomes = await handleAlarm(deps, w.config, event, new Date(w.clock.now()));
    w.clock.advance(60_000);
    await handleAlarm(deps, w.config, event, new Date(w.clock.now()));

    expect(outcomes[0]!.decision).toMatchObject({ action: 'notify', why: expect.stringContaining('outside guardMinutes (30)') });
    expect(w.sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(1);
    const [record] = await history(w.records, 'web');
    expect(record).toMatchObject({ outcome: 'deployed' });
    const notes = (record!.events ?? []).filter((e) => e.what.startsWith('alarm ServerCpuTooHigh went to ALARM'));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.what).toMatch(/^alarm ServerCpuTooHigh went to ALARM at \S+; not rolled back: \d+ minutes after the deploy, outside guardMinutes/);
  });

  it('while a deployment is in flight it does nothing: the workflow watches', async () => {
    const w = await deployedService();
    let outcomes: Awaited<ReturnType<typeof handleAlarm>> | undefined;
    w.on((e) => {
      if (!outcomes && e.state === 'AwaitBake' && e.type === 'entered') {
        const event = parseAlarmEvent(alarmEvent(SAMPLES.single, w.clock.now()));
        void handleAlarm(
          { records: w.records, sfn: sfnClient(), cloudwatch: cloudwatchClient(), stateMachineArn: STATE_MACHINE_ARN },
          w.config,
          event,
          new Date(w.clock.now()),
        ).then((o) => {
          outcomes = o;
        });
      }
    });

    await w.push('v3');
    await w.settle();

    expect(outcomes![0]!.decision).toMatchObject({ action: 'none', why: expect.stringContaining("the workflow's own watch handles the alarm") });
    expect(w.sfn.executions.size).toBe(2);
  });

  it('does nothing for a configuration change or a return to OK (the real Lambda entry point)', async () => {
    await freshRecordsTable();
    const configChange = fixture<AlarmStateEvent>(SAMPLES.configuration);
    const backToOk = fixture<AlarmStateEvent>(SAMPLES.single);
    backToOk.detail.alarmName = 'web-5xx-alarm';
    backToOk.detail.state!.value = 'OK';

    await expect(alarmRollback(configChange, lambdaContext('alarmRollback') as Context)).resolves.toEqual({ alarm: 'ServerCpuTooHigh', services: [] });
    await expect(alarmRollback(backToOk, lambdaContext('alarmRollback') as Context)).resolves.toEqual({ alarm: 'web-5xx-alarm', services: [] });
  });

  it('with no deployment of ours to roll back it only notifies (the real Lambda entry point)', async () => {
    await freshRecordsTable();
    const event = fixture<AlarmStateEvent>(SAMPLES.single);
    event.detail.alarmName = 'web-5xx-alarm';

    const out = await alarmRollback(event, lambdaContext('alarmRollback') as Context);

    expect(out).toEqual({
      alarm: 'web-5xx-alarm',
      services: [{ service: 'web', decision: { action: 'notify', why: 'no deployment by Shipwatch to roll back' } }],
    });
  });

  it('refuses a malformed event, naming what is wrong', async () => {
    await expect(alarmRollback({ source: 'aws.cloudwatch', detail: {} }, lambdaContext('alarmRollback') as Context)).rejects.toThrow(
      /not a CloudWatch alarm event: .*detail\.alarmName/,
    );
  });
});
