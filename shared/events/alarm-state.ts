import * as v from 'valibot';
import '../validation/messages.js';
import { object, looseObject } from '../validation/object.js';
import { InvalidInput } from '../errors.js';
import { describeIssues, isIsoDateTime } from '../validation/issues.js';

/** CloudWatch writes `2022-07-22T15:57:45.394+0000`: ISO 8601, but with no colon in the offset. */
const withColonOffset = (text: string) => text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
// The guard window is arithmetic on these: a time that is no time must be refused here, not become NaN there.
const timestamp = v.pipe(
  v.string(),
  v.check((text) => isIsoDateTime(withColonOffset(text)), 'Invalid ISO datetime'),
);

/** Metric, metric-math, anomaly-detection and composite alarms all send this shape. */
export const alarmStateEventSchema = object({
  source: v.literal('aws.cloudwatch'),
  'detail-type': v.string(),
  time: timestamp,
  detail: object({
    alarmName: v.pipe(v.string(), v.minLength(1)),
    state: v.optional(object({ value: v.string(), reason: v.optional(v.string()), timestamp })),
    previousState: v.optional(looseObject({ value: v.string() })),
  }),
});
export type AlarmStateEvent = v.InferOutput<typeof alarmStateEventSchema>;

export function parseAlarmEvent(event: unknown): AlarmStateEvent {
  const parsed = v.safeParse(alarmStateEventSchema, event);
  if (parsed.success) return parsed.output;
  throw new InvalidInput(`not a CloudWatch alarm event: ${describeIssues(parsed.issues, '(event)', alarmStateEventSchema).join('; ')}`);
}

/** Only a transition into ALARM matters; configuration changes and returns to OK do nothing. */
export const isAlarmFiring = (e: AlarmStateEvent) => e['detail-type'] === 'CloudWatch Alarm State Change' && e.detail.state?.value === 'ALARM';

/** When the alarm changed state: its own timestamp, else the event's time. */
export const alarmTime = (e: AlarmStateEvent): Date => new Date(withColonOffset(e.detail.state?.timestamp ?? e.time));
