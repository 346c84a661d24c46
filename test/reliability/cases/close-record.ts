import type { Case, Category } from '../case.js';
import { eventSample, type EventSample } from '../../support/fixtures.js';
import { alarmEvent, shipwatchInput, statusEvent } from '../../support/reliability/events.js';
import { iso, pushEvent, RELEASE } from '../../support/reliability/world.js';

// close-record: EventBridge `Step Functions Execution Status Change` events,
// broken, cut short and foreign (other events, other state machines).

const notAStatusChange = (reason: string) => ({
  throws: 'InvalidInput',
  message: new RegExp(`^not a Step Functions Execution Status Change event: .*${reason}`),
});

export const CLOSE_RECORD_CASES: Case[] = [
  ...(
    [
      [
        'malformed',
        'a status Step Functions does not have',
        (e) => (e.detail.status = 'CANCELLED'),
        'detail\\.status: Invalid option: expected one of "RUNNING"',
      ],
      ['malformed', 'startDate as an ISO string', (e) => (e.detail.startDate = iso(-9)), 'detail\\.startDate: Invalid input: expected number, received string'],
      [
        'malformed',
        'the input as an object instead of its JSON text',
        (e) => (e.detail.input = shipwatchInput()),
        'detail\\.input: Invalid input: expected string, received object',
      ],
      [
        'malformed',
        'detail-type of another AWS service',
        (e) => (e['detail-type'] = 'Step Functions State Machine Status Change'),
        'detail-type: Invalid input: expected "Step Functions Execution Status Change"',
      ],
      ['truncated', 'cut before detail', (e) => delete (e as Partial<EventSample>).detail, 'detail: Invalid input: expected object, received undefined'],
      [
        'truncated',
        'detail without the execution name and start',
        (e) => (e.detail = { status: 'FAILED', input: '{}' }),
        'detail\\.executionArn: .*detail\\.name: .*detail\\.startDate: Invalid input: expected number, received undefined',
      ],
    ] as const satisfies readonly [Category, string, (e: EventSample) => unknown, string][]
  ).map(
    ([category, name, mutate, reason]): Case => ({
      kind: 'event',
      entry: 'close-record',
      category,
      name,
      event: statusEvent(mutate),
      expect: notAStatusChange(reason),
    }),
  ),
  {
    kind: 'event',
    entry: 'close-record',
    category: 'truncated',
    name: 'the execution input cut mid-JSON',
    event: statusEvent((e) => (e.detail.input = String(e.detail.input).slice(0, 80))),
    expect: { throws: 'InvalidInput', message: /detail\.input/ },
  },
  {
    kind: 'event',
    entry: 'close-record',
    category: 'truncated',
    name: 'an execution input without its service',
    event: statusEvent(undefined, { release: structuredClone(RELEASE) }),
    expect: { ignores: /"closed":false,"why":"not a Shipwatch deployment"/ },
  },
  {
    kind: 'event',
    entry: 'close-record',
    category: 'foreign',
    name: 'an ECR push event',
    event: pushEvent(),
    expect: notAStatusChange('source: Invalid input: expected "aws\\.states"'),
  },
  {
    kind: 'event',
    entry: 'close-record',
    category: 'foreign',
    name: 'a CloudWatch alarm event',
    event: alarmEvent(),
    expect: notAStatusChange('source: Invalid input: expected "aws\\.states"'),
  },
  ...(
    [
      ['eventbridge-stepfunctions-execution-status-change-succeeded', /"closed":false,"why":"status SUCCEEDED"/],
      ['eventbridge-stepfunctions-execution-status-change-running', /"closed":false,"why":"status RUNNING"/],
      ['eventbridge-stepfunctions-execution-status-change-failed', /"closed":false,"why":"not a Shipwatch deployment"/],
    ] as const
  ).map(
    ([name, why]): Case => ({
      kind: 'event',
      entry: 'close-record',
      category: 'foreign',
      name: `published sample ${name} (another state machine)`,
      event: eventSample(name),
      expect: { ignores: why },
    }),
  ),
  {
    kind: 'event',
    entry: 'close-record',
    category: 'foreign',
    name: 'a FAILED execution of another state machine whose input looks like ours',
    event: statusEvent((e) => {
      e.detail.stateMachineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:shipwatch-staging-deploy';
      e.detail.executionArn = String(e.detail.executionArn).replace('shipwatch-deploy', 'shipwatch-staging-deploy');
    }),
    expect: { ignores: /"closed":false,"why":"[^"]*state machine[^"]*"/ },
  },
];
