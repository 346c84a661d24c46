import * as v from 'valibot';
import '../validation/messages.js';
import { object } from '../validation/object.js';
import { InvalidInput } from '../errors.js';
import { describeIssues } from '../validation/issues.js';

export const sfnStatusEventSchema = object({
  source: v.literal('aws.states'),
  'detail-type': v.literal('Step Functions Execution Status Change'),
  time: v.string(),
  detail: object({
    executionArn: v.string(),
    stateMachineArn: v.string(),
    name: v.string(),
    status: v.picklist(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']),
    startDate: v.number(),
    stopDate: v.optional(v.nullable(v.number())),
    input: v.optional(v.nullable(v.string())),
    error: v.optional(v.nullable(v.string())),
    cause: v.optional(v.nullable(v.string())),
  }),
});
export type SfnStatusEvent = v.InferOutput<typeof sfnStatusEventSchema>;

export function parseSfnStatusEvent(event: unknown): SfnStatusEvent {
  const parsed = v.safeParse(sfnStatusEventSchema, event);
  if (parsed.success) return parsed.output;
  throw new InvalidInput(`not a Step Functions Execution Status Change event: ${describeIssues(parsed.issues, '(event)', sfnStatusEventSchema).join('; ')}`);
}

/** The execution's input (`detail.input`, JSON text); none (`null`) reads as `{}`. */
export function executionInputOf(event: SfnStatusEvent): unknown {
  try {
    return JSON.parse(event.detail.input ?? '{}');
  } catch (error) {
    throw new InvalidInput(`execution ${event.detail.name}: detail.input is not JSON: ${(error as Error).message}`, { cause: error });
  }
}
