import { executionName } from '../../../shared/match/match-push.js';
import { eventSample, type EventSample } from '../fixtures.js';
import { iso, minutes, RELEASE, STATE_MACHINE_ARN, WEB } from './world.js';

// The EventBridge events of the seeded world, from the published samples:
// an alarm firing a minute ago, and this push's execution failing. Each takes
// a `mutate` that makes it the bad input a case needs.

type Json = Record<string, unknown>;

/** A CloudWatch alarm state change into ALARM, one minute ago, for an alarm shipwatch.test.yml lists. */
export function alarmEvent(mutate: (e: EventSample) => void = () => undefined, name = 'web-5xx-alarm'): EventSample {
  const event = eventSample('eventbridge-cloudwatch-alarm-state-change-single-metric-ok-to-alarm');
  event.time = iso(-1).replace('.000Z', 'Z');
  event.resources = [`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`];
  event.detail.alarmName = name;
  (event.detail.state as Json).timestamp = iso(-1).replace('Z', '+0000');
  mutate(event);
  return event;
}

/** The execution input start-deployments gave this push's execution. */
export const shipwatchInput = () => ({ release: structuredClone(RELEASE), service: structuredClone(WEB) });

/** Step Functions says this push's execution FAILED (it died without an outcome). */
export function statusEvent(mutate: (e: EventSample) => void = () => undefined, input: unknown = shipwatchInput()): EventSample {
  const event = eventSample('eventbridge-stepfunctions-execution-status-change-failed');
  const name = executionName('web', RELEASE.digest, RELEASE.eventId);
  const executionArn = `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${name}`;
  event.account = '123456789012';
  event.time = iso(-1).replace('.000Z', 'Z');
  event.resources = [executionArn];
  Object.assign(event.detail, {
    executionArn,
    stateMachineArn: STATE_MACHINE_ARN,
    name,
    startDate: minutes(-9).getTime(),
    stopDate: minutes(-1).getTime(),
    input: JSON.stringify(input),
    error: 'Lambda.Unknown',
    cause: 'The Lambda function exited before completing the request',
  });
  mutate(event);
  return event;
}

/** The same JSON, `bytes` long in all, by padding the `resources` list. */
export function paddedTo(event: EventSample, bytes: number): EventSample {
  const padded = { ...event, resources: [''] };
  const missing = bytes - Buffer.byteLength(JSON.stringify(padded));
  padded.resources = ['x'.repeat(missing)];
  return padded;
}
