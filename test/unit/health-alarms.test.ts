import { DescribeAlarmsCommand, type CompositeAlarm, type DescribeAlarmsCommandOutput } from '@aws-sdk/client-cloudwatch';
import { beforeEach, describe, expect, it } from 'vitest';
import { alarmVerdict, readAlarms } from '../../shared/health/alarms.js';
import { fixture } from '../support/fixtures.js';
import { cloudwatch, cloudwatchMock } from '../support/health.js';

// shared/health/alarms.ts: the configured alarms read with DescribeAlarms
// (metric and composite, every page), and each one's verdict.

/** The parts of the published composite-alarm state change read here. */
type CompositeAlarmEvent = { detail: { alarmName: string; configuration: { alarmRule: string }; state: { reason: string } } };

beforeEach(() => {
  cloudwatchMock.reset();
});

describe('readAlarms and alarmVerdict', () => {
  it('asks DescribeAlarms for the named metric and composite alarms (the published metric alarm)', async () => {
    // Prepare
    cloudwatchMock.on(DescribeAlarmsCommand).resolves(fixture('cloudwatch-describe-alarms-response-metric-alarm'));

    // Act
    const alarms = await readAlarms(cloudwatch(), ['myalarm']);

    // Assess
    const calls = cloudwatchMock.commandCalls(DescribeAlarmsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({ AlarmNames: ['myalarm'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] });
    expect(alarms).toStrictEqual([
      {
        name: 'myalarm',
        state: 'OK',
        reason: 'Threshold Crossed: 2 datapoints were not greater than the threshold (70.0). The most recent datapoints: [38.958, 40.292].',
        since: '2014-04-09T18:59:06.442Z',
      },
    ]);
    expect(alarmVerdict(alarms[0]!)).toStrictEqual({ check: 'myalarm', kind: 'alarm', phase: 'Successful', message: 'alarm myalarm is OK' });
  });

  it('fails a composite alarm in ALARM, with when and why', async () => {
    // Prepare
    const event = fixture<CompositeAlarmEvent>('eventbridge-cloudwatch-alarm-state-change-composite-ok-to-alarm-suppressed').detail;
    const composite: CompositeAlarm = {
      AlarmName: event.alarmName,
      AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:ServiceAggregatedAlarm',
      AlarmRule: event.configuration.alarmRule,
      StateValue: 'ALARM',
      StateReason: event.state.reason,
      StateUpdatedTimestamp: new Date('2022-07-22T15:57:45.394Z'),
    };
    cloudwatchMock.on(DescribeAlarmsCommand).resolves({ CompositeAlarms: [composite], MetricAlarms: [] });

    // Act
    const [alarm] = await readAlarms(cloudwatch(), ['ServiceAggregatedAlarm']);
    const verdict = alarmVerdict(alarm!);

    // Assess
    expect(verdict).toStrictEqual({
      check: 'ServiceAggregatedAlarm',
      kind: 'alarm',
      phase: 'Failed',
      message:
        'alarm ServiceAggregatedAlarm is ALARM since 2022-07-22T15:57:45.394Z: arn:aws:cloudwatch:us-east-1:123456789012:alarm:SuppressionDemo.EventBridge.FirstChild transitioned to ALARM at Friday 22 July, 2022 15:57:45 UTC',
    });
  });

  it('fails an alarm that does not exist', async () => {
    // Prepare
    cloudwatchMock.on(DescribeAlarmsCommand).resolves(fixture('cloudwatch-describe-alarms-response-metric-alarm'));

    // Act
    const alarms = await readAlarms(cloudwatch(), ['web-5xx-alarm', 'myalarm']);

    // Assess
    expect(alarms.map((a) => [a.name, a.state])).toEqual([
      ['web-5xx-alarm', 'MISSING'],
      ['myalarm', 'OK'],
    ]);
    expect(alarmVerdict(alarms[0]!)).toStrictEqual({ check: 'web-5xx-alarm', kind: 'alarm', phase: 'Failed', message: 'alarm web-5xx-alarm does not exist' });
  });

  it('treats INSUFFICIENT_DATA as not failing', () => {
    // Prepare / Act
    const verdict = alarmVerdict({ name: 'myalarm', state: 'INSUFFICIENT_DATA' });

    // Assess
    expect(verdict).toStrictEqual({ check: 'myalarm', kind: 'alarm', phase: 'Successful', message: 'alarm myalarm is INSUFFICIENT_DATA' });
  });

  it('follows NextToken', async () => {
    // Prepare
    const published = fixture<DescribeAlarmsCommandOutput>('cloudwatch-describe-alarms-response-metric-alarm').MetricAlarms![0]!;
    cloudwatchMock
      .on(DescribeAlarmsCommand)
      .resolvesOnce({ MetricAlarms: [published], NextToken: 'next' })
      .resolvesOnce({ MetricAlarms: [{ ...published, AlarmName: 'web-5xx-alarm', StateValue: 'ALARM' }] });

    // Act
    const alarms = await readAlarms(cloudwatch(), ['web-5xx-alarm', 'myalarm']);

    // Assess
    const calls = cloudwatchMock.commandCalls(DescribeAlarmsCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([
      { AlarmNames: ['web-5xx-alarm', 'myalarm'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] },
      { AlarmNames: ['web-5xx-alarm', 'myalarm'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], NextToken: 'next' },
    ]);
    expect(alarms.map((a) => [a.name, a.state])).toEqual([
      ['web-5xx-alarm', 'ALARM'],
      ['myalarm', 'OK'],
    ]);
  });

  it('makes no call when no alarms are configured', async () => {
    // Prepare / Act
    const alarms = await readAlarms(cloudwatch(), []);

    // Assess
    expect(alarms).toEqual([]);
    expect(cloudwatchMock.calls()).toHaveLength(0);
  });
});
