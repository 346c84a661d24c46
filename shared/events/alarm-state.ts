import * as z from 'zod/mini';
import '../validation/zod-messages.js';
import { InvalidInput } from '../errors.js';
import { describeIssues } from '../validation/union-issues.js';

const isoDateTime = z.iso.datetime({ offset: true });
/** CloudWatch writes `2022-07-22T15:57:45.394+0000`: ISO 8601, but with no colon in the offset. */
const withColonOffset = (text: string) => text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
// The guard window is arithmetic on these: a time that is no time must be refused here, not become NaN there.
const timestamp = z.string().check(z.refine((text) => z.safeParse(isoDateTime, withColonOffset(text)).success, 'Invalid ISO datetime'));

/** Metric, metric-math, anomaly-detection and composite alarms all send this shape. */
export const alarmStateEventSchema = z.object({
  source: z.literal('aws.cloudwatch'),
  'detail-type': z.string(),
  time: timestamp,
  detail: z.object({
    alarmName: z.string().check(z.minLength(1)),
    state: z.optional(z.object({ value: z.string(), reason: z.optional(z.string()), timestamp })),
    previousState: z.optional(z.looseObject({ value: z.string() })),
  }),
});
export type AlarmStateEvent = z.infer<typeof alarmStateEventSchema>;

export function parseAlarmEvent(event: unknown): AlarmStateEvent {
  const parsed = z.safeParse(alarmStateEventSchema, event);
  if (parsed.success) return parsed.data;
  throw new InvalidInput(`not a CloudWatch alarm event: ${describeIssues(parsed.error.issues, '(event)').join('; ')}`);
}

/** Only a transition into ALARM matters; configuration changes and returns to OK do nothing. */
export const isAlarmFiring = (e: AlarmStateEvent) => e['detail-type'] === 'CloudWatch Alarm State Change' && e.detail.state?.value === 'ALARM';

/** When the alarm changed state: its own timestamp, else the event's time. */
export const alarmTime = (e: AlarmStateEvent): Date => new Date(withColonOffset(e.detail.state?.timestamp ?? e.time));
