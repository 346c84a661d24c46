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
import { LOAD_BALANCER, WEB_SERVICE_YAML } from '../support/world-fixture.js';
import { fixture } from '../support/fixtures.js';

// EventBridge delivers at least once and may deliver late: an alarm event can
// arrive long after its transition, and more than once. A push deploys through
// the real state machine; the alarm event then reaches the real alarm code,
// which must judge the transition it describes and the alarm as it is now.

useLocalDynamo();
let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

const ALARM = 'web-5xx-alarm';
const MINUTE = 60_000;

async function given() {
  const records = await freshRecordsTable();
  const config = parseConfigText(`services:\n${WEB_SERVICE_YAML}`, 'test config');
  const w = concurrentWorld(config);
  restore = () => w.restore();
  const deliver = (event: unknown) =>
    handleAlarm(
      { records, sfn: sfnClient(), cloudwatch: cloudwatchClient(), stateMachineArn: STATE_MACHINE_ARN },
      config,
      parseAlarmEvent(event),
      new Date(w.clock.now()),
    );
  return { ...w, records, deliver };
}
type World = Awaited<ReturnType<typeof given>>;

/** A dependency fails for `minutes` behind the service's load balancer; time runs to its end. Returns when the alarm went to ALARM. */
function outage(w: World, from: number, minutes: number): number {
  w.world.cloudwatch.outages.push({ loadBalancer: LOAD_BALANCER, from, to: from + minutes * MINUTE, errorRate: 12 });
  w.clock.set(from + minutes * MINUTE);
  const during = w.world.cloudwatch.alarmState(ALARM);
  expect(during.state).toBe('ALARM');
  return during.since;
}

/** The published single-metric ALARM event for the transition at `at` (its `time` and state timestamp), delivered whenever the test says. */
function alarmEvent(at: number) {
  const event = fixture<AlarmStateEvent>('eventbridge-cloudwatch-alarm-state-change-single-metric-ok-to-alarm');
  event.detail.alarmName = ALARM;
  event.detail.state!.timestamp = new Date(at).toISOString().replace('Z', '+0000');
  event.time = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return event;
}

async function deployV2(w: World, behaviour: Parameters<World['push']>[1] = {}) {
  await w.push('v2', behaviour);
  await w.settle();
  const [record] = await history(w.records, 'web');
  expect(record).toMatchObject({ tag: 'v2', outcome: 'deployed' });
  return { record: record!, finishedAt: Date.parse((await getState(w.records, 'web'))!.lastDeployment!.finishedAt) };
}

const notesAbout = (record: { events?: { what: string }[] }) => (record.events ?? []).filter((e) => e.what.startsWith(`alarm ${ALARM} went to ALARM`));

describe('a late or duplicate alarm event after the deploy', () => {
  it('does not roll back a healthy release for an ALARM that came and went on the release before it', async () => {
    // Prepare: the alarm goes to ALARM and back to OK on v1, then v2 deploys fine.
    const w = await given();
    const alarmedAt = outage(w, w.clock.now(), 6);
    w.clock.advance(10 * MINUTE);
    expect(w.world.cloudwatch.alarmState(ALARM).state).toBe('OK');
    const { record: deployed } = await deployV2(w);

    // Act: EventBridge delivers the old ALARM event 15 minutes after the deploy, twice.
    w.clock.advance(15 * MINUTE);
    const first = await w.deliver(alarmEvent(alarmedAt));
    const second = await w.deliver(alarmEvent(alarmedAt));
    await w.settle();

    // Assess
    expect([first, second].map((o) => o[0]!.decision.action)).toEqual(['notify', 'notify']);
    expect(first[0]!.decision).toMatchObject({ why: expect.stringMatching(/^the alarm went to ALARM \d+ minutes before the deployment finished/) });
    expect(w.sfn.executions.size).toBe(1);
    expect(w.world.callsTo('UpdateService')).toHaveLength(1);
    const [record] = await history(w.records, 'web');
    expect(record).toMatchObject({ recordId: deployed.recordId, outcome: 'deployed', revision: deployed.revision });
    expect(record!.reason).not.toMatch(/minutes after it/);
    expect(notesAbout(record!)).toEqual([
      {
        at: expect.any(String),
        what: expect.stringMatching(
          /^alarm web-5xx-alarm went to ALARM at \S+; not rolled back: the alarm went to ALARM \d+ minutes before the deployment finished/,
        ),
      },
    ]);
    expect((await getState(w.records, 'web'))!.lastGood?.revision).toBe(deployed.revision);
  });

  it('does not roll back for an ALARM inside the guard window that is OK again when the event arrives', async () => {
    // Prepare: v2 deploys; a minute later a dependency fails for four minutes.
    const w = await given();
    const { record: deployed, finishedAt } = await deployV2(w);
    const alarmedAt = outage(w, finishedAt + MINUTE, 4);
    expect(alarmedAt).toBeGreaterThan(finishedAt);

    // Act: the event arrives 15 minutes late, twice; the alarm is OK by then.
    w.clock.set(alarmedAt + 15 * MINUTE);
    expect(w.world.cloudwatch.alarmState(ALARM).state).toBe('OK');
    await w.deliver(alarmEvent(alarmedAt));
    const again = await w.deliver(alarmEvent(alarmedAt));
    await w.settle();

    // Assess
    expect(again[0]!.decision).toMatchObject({ action: 'notify', why: 'alarm web-5xx-alarm is OK now (DescribeAlarms): nothing to roll back for' });
    expect(w.sfn.executions.size).toBe(1);
    expect(w.world.callsTo('DescribeAlarms').at(-1)!.input).toEqual({ AlarmNames: [ALARM], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] });
    const [record] = await history(w.records, 'web');
    expect(record).toMatchObject({ recordId: deployed.recordId, outcome: 'deployed' });
    expect(notesAbout(record!)).toHaveLength(1);
    expect(notesAbout(record!)[0]!.what).toMatch(/not rolled back: alarm web-5xx-alarm is OK now/);
  });

  it('rolls back once, however often it is delivered, when the alarm is still in ALARM inside the window', async () => {
    // Prepare: v2 has a latent bug that starts failing after the bake.
    const w = await given();
    const { record: deployed, finishedAt } = await deployV2(w, { latent: { afterMinutes: 12, errorRate: 12 } });
    w.clock.set(finishedAt + 10 * MINUTE);
    const alarm = w.world.cloudwatch.alarmState(ALARM);
    expect(alarm.state).toBe('ALARM');
    expect(alarm.since).toBeGreaterThan(finishedAt);

    // Act: delivered late (still inside the 60-minute window) and twice.
    w.clock.set(alarm.since + 15 * MINUTE);
    await Promise.all([w.deliver(alarmEvent(alarm.since)), w.deliver(alarmEvent(alarm.since))]);
    await w.settle();

    // Assess
    expect(w.sfn.executions.size).toBe(2);
    const [record] = await history(w.records, 'web');
    expect(record).toMatchObject({ recordId: deployed.recordId, outcome: 'rolled_back', revision: deployed.revision });
    expect(record!.reason).toMatch(/^alarm web-5xx-alarm after deploy \(\d+ minutes after it\); rolled back to /);
    expect(w.world.ecs.services.get('prod/web')!.taskDefinition).toBe(deployed.previousRevision);
  });
});
