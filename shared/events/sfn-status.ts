import * as z from 'zod/mini';
import '../validation/zod-messages.js';
import { InvalidInput } from '../errors.js';
import { describeIssues } from '../validation/union-issues.js';

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
    stopDate: z.optional(z.nullable(z.number())),
    input: z.optional(z.nullable(z.string())),
    error: z.optional(z.nullable(z.string())),
    cause: z.optional(z.nullable(z.string())),
  }),
});
export type SfnStatusEvent = z.infer<typeof sfnStatusEventSchema>;

export function parseSfnStatusEvent(event: unknown): SfnStatusEvent {
  const parsed = z.safeParse(sfnStatusEventSchema, event);
  if (parsed.success) return parsed.data;
  throw new InvalidInput(`not a Step Functions Execution Status Change event: ${describeIssues(parsed.error.issues, '(event)').join('; ')}`);
}

/** The execution's input (`detail.input`, JSON text); none (`null`) reads as `{}`. */
export function executionInputOf(event: SfnStatusEvent): unknown {
  try {
    return JSON.parse(event.detail.input ?? '{}');
  } catch (error) {
    throw new InvalidInput(`execution ${event.detail.name}: detail.input is not JSON: ${(error as Error).message}`, { cause: error });
  }
}
