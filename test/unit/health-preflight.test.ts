import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { beforeEach, describe, expect, it } from 'vitest';
import { TargetMisconfigured } from '../../shared/errors.js';
import { preflight } from '../../shared/health/preflight.js';
import { fixture } from '../support/fixtures.js';
import { alarmState, cloudwatch, cloudwatchMock, serviceWith } from '../support/health.js';

// shared/health/preflight.ts: before the deploy, every configured alarm must
// exist, and one already in ALARM blocks all but a fix-forward tag.

beforeEach(() => {
  cloudwatchMock.reset();
});

describe('preflight', () => {
  it('refuses to deploy when configured alarms do not exist, listing them', async () => {
    // Prepare
    cloudwatchMock.on(DescribeAlarmsCommand).resolves(fixture('cloudwatch-describe-alarms-response-metric-alarm'));
    const withTypos = serviceWith(`
alarms: [web-5xx-alarm, myalarm, web-latency-alarm]`);

    // Act
    const act = preflight(cloudwatch(), withTypos, 'v2');

    // Assess
    await expect(act).rejects.toThrow(TargetMisconfigured);
    await expect(act).rejects.toThrow('web: health.alarms names alarms that do not exist: web-5xx-alarm, web-latency-alarm; nothing was deployed');
    expect(cloudwatchMock.commandCalls(DescribeAlarmsCommand)[0]!.args[0].input).toEqual({
      AlarmNames: ['web-5xx-alarm', 'myalarm', 'web-latency-alarm'],
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
    });
  });

  it('names a single missing alarm', async () => {
    // Prepare
    cloudwatchMock.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
    const withTypo = serviceWith(`
alarms: [web-5xx-alarm]`);

    // Act
    const act = preflight(cloudwatch(), withTypo, 'v2');

    // Assess
    await expect(act).rejects.toThrow(TargetMisconfigured);
    await expect(act).rejects.toThrow(/alarm that do(es)? not exist: web-5xx-alarm;/);
  });

  it('passes when every alarm exists and none is in ALARM', async () => {
    // Prepare
    cloudwatchMock.on(DescribeAlarmsCommand).resolves(alarmState('OK', 'fine'));
    const ok = serviceWith(`
alarms: [web-5xx-alarm]`);

    // Act
    const act = preflight(cloudwatch(), ok, 'v2');

    // Assess
    await expect(act).resolves.toEqual({ blocked: false, firing: [] });
  });

  it('blocks while an alarm is already in ALARM, saying how to fix forward', async () => {
    // Prepare
    cloudwatchMock.on(DescribeAlarmsCommand).resolves(alarmState('ALARM', 'already alarming'));
    const svc = serviceWith(`
alarms: [web-5xx-alarm]
fixForwardTags: ["hotfix-*"]`);

    // Act
    const result = await preflight(cloudwatch(), svc, 'v2');

    // Assess
    expect(result).toEqual({
      blocked: true,
      alarms: ['web-5xx-alarm'],
      reason: 'web-5xx-alarm already in ALARM before the deploy; push a tag matching health.fixForwardTags (hotfix-*) to fix forward',
    });
  });

  it('lets a fix-forward tag through while the alarm fires, and says which alarms fire', async () => {
    // Prepare
    cloudwatchMock.on(DescribeAlarmsCommand).resolves(alarmState('ALARM', 'already alarming'));
    const svc = serviceWith(`
alarms: [web-5xx-alarm]
fixForwardTags: ["hotfix-*"]`);

    // Act
    const result = await preflight(cloudwatch(), svc, 'hotfix-42');

    // Assess
    expect(result).toEqual({ blocked: false, firing: ['web-5xx-alarm'] });
  });

  it('makes no call when no alarms are configured', async () => {
    // Prepare
    const none = serviceWith(`
bakeMinutes: 5`);

    // Act
    await preflight(cloudwatch(), none, 'v2');

    // Assess
    expect(cloudwatchMock.calls()).toHaveLength(0);
  });
});
