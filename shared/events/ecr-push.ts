import * as v from 'valibot';
import '../validation/messages.js';
import { object } from '../validation/object.js';
import { InvalidInput } from '../errors.js';
import { describeIssues, isIsoDateTime } from '../validation/issues.js';

// The EventBridge rule already filters on these values; checking them again
// here means a mis-wired rule (or a hand-crafted test event) is refused with a
// reason instead of deploying something nobody pushed.
const nonEmpty = v.pipe(v.string(), v.minLength(1));
/** An ISO 8601 date and time with its offset, as EventBridge and Step Functions write them. */
export const isoDateTime = v.pipe(v.string(), v.check(isIsoDateTime, 'Invalid ISO datetime'));
// The published sample's digest is shorter than 64 hex digits, so only the form is checked.
export const imageDigestSchema = v.pipe(v.string(), v.regex(/^[a-z0-9]+:[a-f0-9]{32,128}$/, 'an image digest such as sha256:<hex>'));
export const ecrPushEventSchema = object({
  id: nonEmpty,
  source: v.literal('aws.ecr'),
  'detail-type': v.literal('ECR Image Action'),
  account: v.pipe(v.string(), v.regex(/^\d{12}$/, 'a 12-digit AWS account id')),
  region: v.pipe(v.string(), v.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region')),
  time: isoDateTime,
  detail: object({
    'action-type': v.literal('PUSH'),
    result: v.literal('SUCCESS'),
    'repository-name': nonEmpty,
    'image-digest': imageDigestSchema,
    // Absent when an image is pushed by digest only.
    'image-tag': v.optional(nonEmpty),
  }),
});

export type EcrPushEvent = v.InferOutput<typeof ecrPushEventSchema>;

/** Largest event EventBridge delivers; anything bigger did not come from it. */
const MAX_EVENT_BYTES = 256 * 1024;

const notAPush = (reasons: string[]) => new InvalidInput(`not an ECR push event (ECR Image Action, PUSH, SUCCESS): ${reasons.join('; ')}`);

/**
 * `expected.account`: Shipwatch's own account. A push from any other (an event
 * forwarded from another account's bus) names an image Shipwatch must not deploy.
 */
export function parseEcrPushEvent(event: unknown, expected: { account?: string } = {}): EcrPushEvent {
  const size = Buffer.byteLength(JSON.stringify(event ?? null));
  if (size > MAX_EVENT_BYTES) {
    throw new InvalidInput(`not an ECR push event: ${size} bytes is larger than any EventBridge event (256 KiB)`);
  }
  const parsed = v.safeParse(ecrPushEventSchema, event);
  if (!parsed.success) throw notAPush(describeIssues(parsed.issues, '(event)', ecrPushEventSchema));
  if (expected.account && parsed.output.account !== expected.account) {
    throw notAPush([`account: ${parsed.output.account} is not Shipwatch's account (${expected.account})`]);
  }
  return parsed.output;
}
