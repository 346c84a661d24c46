import type { Case, Category } from '../case.js';
import { eventSample, type EventSample } from '../../support/fixtures.js';
import { alarmEvent, statusEvent } from '../../support/reliability/events.js';
import { pushEvent } from '../../support/reliability/world.js';

// alarm-rollback: EventBridge `CloudWatch Alarm State Change` events, broken,
// cut short and foreign (other events, an alarm's direct Lambda action).

type Json = Record<string, unknown>;

const notAnAlarm = (reason: string) => ({ throws: 'InvalidInput', message: new RegExp(`^not a CloudWatch alarm event: .*${reason}`) });

export const ALARM_ROLLBACK_CASES: Case[] = [
  ...(
    [
      ['malformed', 'detail without alarmName', (e) => delete e.detail.alarmName, 'detail\\.alarmName: Invalid input: expected string, received undefined'],
      ['malformed', 'an empty alarmName', (e) => (e.detail.alarmName = ''), 'detail\\.alarmName: Too small'],
      [
        'malformed',
        'state.value a number',
        (e) => ((e.detail.state as Json).value = 2),
        'detail\\.state\\.value: Invalid input: expected string, received number',
      ],
      ['malformed', 'source misspelled', (e) => (e.source = 'aws.cloudwatc'), 'source: Invalid input: expected "aws\\.cloudwatch"'],
      ['truncated', 'cut before detail', (e) => delete (e as Partial<EventSample>).detail, 'detail: Invalid input: expected object, received undefined'],
      [
        'truncated',
        'state cut to its value',
        (e) => (e.detail.state = { value: 'ALARM' }),
        'detail\\.state\\.timestamp: Invalid input: expected string, received undefined',
      ],
    ] as const satisfies readonly [Category, string, (e: EventSample) => unknown, string][]
  ).map(
    ([category, name, mutate, reason]): Case => ({
      kind: 'event',
      entry: 'alarm-rollback',
      category,
      name,
      event: alarmEvent(mutate),
      expect: notAnAlarm(reason),
    }),
  ),
  {
    kind: 'event',
    entry: 'alarm-rollback',
    category: 'malformed',
    name: 'a time (and state.timestamp) that is no date, inside the guard window of a deployed release',
    event: alarmEvent((e) => {
      e.time = 'yesterday';
      (e.detail.state as Json).timestamp = 'just now';
    }),
    expect: notAnAlarm('time'),
  },
  {
    kind: 'event',
    entry: 'alarm-rollback',
    category: 'foreign',
    name: 'an ECR push event',
    event: pushEvent(),
    expect: notAnAlarm('source: Invalid input: expected "aws\\.cloudwatch"'),
  },
  {
    kind: 'event',
    entry: 'alarm-rollback',
    category: 'foreign',
    name: 'a Step Functions status change',
    event: statusEvent(),
    expect: notAnAlarm('source: Invalid input: expected "aws\\.cloudwatch"'),
  },
  ...['lambda-alarm-action-cloudwatch-single-metric', 'lambda-alarm-action-cloudwatch-composite'].map(
    (name): Case => ({
      kind: 'event',
      entry: 'alarm-rollback',
      category: 'foreign',
      name: `an alarm's direct Lambda action payload (${name}), not the EventBridge event`,
      event: eventSample(name),
      expect: notAnAlarm('detail-type: Invalid input: expected string, received undefined; .*detail: Invalid input: expected object, received undefined'),
    }),
  ),
  {
    kind: 'event',
    entry: 'alarm-rollback',
    category: 'foreign',
    name: 'a configuration change of our alarm (not a state change)',
    event: (() => {
      const event = eventSample('eventbridge-cloudwatch-alarm-configuration-change-metric-update');
      event.detail.alarmName = 'web-5xx-alarm';
      return event;
    })(),
    expect: { ignores: /not a transition into ALARM; nothing to do.*"detailType":"CloudWatch Alarm Configuration Change"/ },
  },
  {
    kind: 'event',
    entry: 'alarm-rollback',
    category: 'foreign',
    name: "another team's alarm (anomaly detection sample) going to ALARM",
    event: eventSample('eventbridge-cloudwatch-alarm-state-change-anomaly-detection-ok-to-alarm'),
    expect: { ignores: /"result":\{"alarm":"[^"]+","services":\[\]\}/ },
  },
];
