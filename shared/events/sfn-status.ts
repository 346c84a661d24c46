import { z } from 'zod';
import { InvalidInput } from '../errors.js';
import { formatPath } from '../config/load.js';

export const sfnStatusEventSchema = z.object({
  source: z.literal('aws.states'),
  'detail-type': z.literal('Step Functions Execution Status Change'),
  time: z.string(),
  detail: z.object({
    executionArn: z.string(),
    stateMachineArn: z.string(),
    name: z.string(),
    status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']),
    startDate: z.number(),
    stopDate: z.number().nullable().optional(),
    input: z.string().nullable().optional(),
    error: z.string().nullable().optional(),
    cause: z.string().nullable().optional(),
  }),
});
export type SfnStatusEvent = z.infer<typeof sfnStatusEventSchema>;

export function parseSfnStatusEvent(event: unknown): SfnStatusEvent {
  const parsed = sfnStatusEventSchema.safeParse(event);
  if (parsed.success) return parsed.data;
  throw new InvalidInput(`not a Step Functions Execution Status Change event: ${parsed.error.issues.map((i) => `${formatPath(i.path) || '(event)'}: ${i.message}`).join('; ')}`);
}
