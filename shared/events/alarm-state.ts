import * as z from 'zod/mini';
import '../validation/zod-messages.js';
import { InvalidInput } from '../errors.js';
import { formatPath } from '../validation/format-path.js';

/** Metric, metric-math, anomaly-detection and composite alarms all send this shape. */
export const alarmStateEventSchema = z.object({
  source: z.literal('aws.cloudwatch'),
  'detail-type': z.string(),
  time: z.string(),
  detail: z.object({
    alarmName: z.string().check(z.minLength(1)),
    state: z.optional(z.object({ value: z.string(), reason: z.optional(z.string()), timestamp: z.string() })),
    previousState: z.optional(z.looseObject({ value: z.string() })),
  }),
});
export type AlarmStateEvent = z.infer<typeof alarmStateEventSchema>;

export function parseAlarmEvent(event: unknown): AlarmStateEvent {
  const parsed = z.safeParse(alarmStateEventSchema, event);
  if (parsed.success) return parsed.data;
  throw new InvalidInput(`not a CloudWatch alarm event: ${parsed.error.issues.map((i) => `${formatPath(i.path) || '(event)'}: ${i.message}`).join('; ')}`);
}

/** Only a transition into ALARM matters; configuration changes and returns to OK do nothing. */
export const isAlarmFiring = (e: AlarmStateEvent) => e['detail-type'] === 'CloudWatch Alarm State Change' && e.detail.state?.value === 'ALARM';
