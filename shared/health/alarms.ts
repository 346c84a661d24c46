import { DescribeAlarmsCommand, type CloudWatchClient, type StateValue } from '@aws-sdk/client-cloudwatch';
import type { HealthVerdict } from './verdict.js';

export interface AlarmState {
  name: string;
  state: StateValue | 'MISSING';
  reason?: string;
  since?: string;
}

/** Metric, metric-math, anomaly-detection and composite alarms alike: all have a StateValue. */
export async function readAlarms(cloudwatch: CloudWatchClient, names: readonly string[]): Promise<AlarmState[]> {
  if (names.length === 0) return [];
  const found = new Map<string, AlarmState>();
  let NextToken: string | undefined;
  do {
    const page = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [...names], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], NextToken }));
    for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
      if (!alarm.AlarmName) continue;
      found.set(alarm.AlarmName, {
        name: alarm.AlarmName,
        state: alarm.StateValue ?? 'INSUFFICIENT_DATA',
        ...(alarm.StateReason ? { reason: alarm.StateReason } : {}),
        ...(alarm.StateUpdatedTimestamp ? { since: new Date(alarm.StateUpdatedTimestamp).toISOString() } : {}),
      });
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return names.map((name) => found.get(name) ?? { name, state: 'MISSING' });
}

/** Pure: ALARM fails; a missing alarm fails too (it cannot vouch for anything). */
export function alarmVerdict(alarm: AlarmState): HealthVerdict {
  if (alarm.state === 'ALARM') {
    return {
      check: alarm.name,
      kind: 'alarm',
      phase: 'Failed',
      message: `alarm ${alarm.name} is ALARM${alarm.since ? ` since ${alarm.since}` : ''}${alarm.reason ? `: ${alarm.reason}` : ''}`,
    };
  }
  if (alarm.state === 'MISSING') {
    return { check: alarm.name, kind: 'alarm', phase: 'Failed', message: `alarm ${alarm.name} does not exist` };
  }
  return { check: alarm.name, kind: 'alarm', phase: 'Successful', message: `alarm ${alarm.name} is ${alarm.state}` };
}
