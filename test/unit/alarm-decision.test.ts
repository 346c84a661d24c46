import { describe, expect, it } from 'vitest';
import { decideAfterDeploy } from '../../shared/alarms/after-deploy.js';
import { loadConfig } from '../../shared/config/load.js';
import { alarmTime, parseAlarmEvent } from '../../shared/events/alarm-state.js';
import type { ServiceState } from '../../shared/records/types.js';

const web = loadConfig().services.find((s) => s.name === 'web')!;
const deployedAt = (finishedAt: string): ServiceState => ({
  service: 'web',
  lastDeployment: { recordId: 'r1', outcome: 'deployed', revision: 'web:42', previousRevision: 'web:41', platform: 'ecs', finishedAt },
});
const NOW = new Date('2026-11-02T10:30:00.000Z');

describe('decideAfterDeploy: the guard window', () => {
  it('rolls back an alarm ten minutes after the deploy', () => {
    // Act
    const decision = decideAfterDeploy(web, deployedAt('2026-11-02T10:19:00.000Z'), new Date('2026-11-02T10:29:00.000Z'), NOW);

    // Assess
    expect(decision).toMatchObject({ action: 'rollback', to: 'web:41', from: 'web:42', minutesAfter: 10 });
  });

  it('does not roll back for a transition before the deployment finished, however late its event arrives', () => {
    // Act: the ALARM of 10:06 reaches Shipwatch at 10:30; the deployment finished at 10:19.
    const decision = decideAfterDeploy(web, deployedAt('2026-11-02T10:19:00.000Z'), new Date('2026-11-02T10:06:00.000Z'), NOW);

    // Assess
    expect(decision).toEqual({
      action: 'notify',
      recordId: 'r1',
      why: 'the alarm went to ALARM 13 minutes before the deployment finished, so not because of it',
    });
  });

  it('fails closed: a deploy time that cannot be compared is outside the window, never inside', () => {
    // Act
    const decision = decideAfterDeploy(web, deployedAt('not a time'), new Date('2026-11-02T10:29:00.000Z'), NOW);

    // Assess
    expect(decision).toMatchObject({ action: 'notify', recordId: 'r1' });
  });
});

describe('alarm timestamps', () => {
  const event = (time: string, timestamp: string) => ({
    source: 'aws.cloudwatch',
    'detail-type': 'CloudWatch Alarm State Change',
    time,
    detail: { alarmName: 'web-5xx-alarm', state: { value: 'ALARM', timestamp } },
  });

  it("reads CloudWatch's own form (+0000, no colon) as the same instant", () => {
    expect(alarmTime(parseAlarmEvent(event('2022-07-22T15:57:45Z', '2022-07-22T15:57:45.394+0000'))).toISOString()).toBe('2022-07-22T15:57:45.394Z');
  });

  it('refuses a time that is no timestamp, naming both fields', () => {
    expect(() => parseAlarmEvent(event('2022-07-22 15:57', 'just now'))).toThrow(
      'not a CloudWatch alarm event: time: Invalid ISO datetime; detail.state.timestamp: Invalid ISO datetime',
    );
  });
});
