import * as z from 'zod/mini';
import '../validation/zod-messages.js';
import { InvalidInput } from '../errors.js';
import { describeIssues } from '../validation/union-issues.js';

// The EventBridge rule already filters on these values; checking them again
// here means a mis-wired rule (or a hand-crafted test event) is refused with a
// reason instead of deploying something nobody pushed.
const nonEmpty = z.string().check(z.minLength(1));
// The published sample's digest is shorter than 64 hex digits, so only the form is checked.
export const imageDigestSchema = z.string().check(z.regex(/^[a-z0-9]+:[a-f0-9]{32,128}$/, 'an image digest such as sha256:<hex>'));
export const ecrPushEventSchema = z.object({
  id: nonEmpty,
  source: z.literal('aws.ecr'),
  'detail-type': z.literal('ECR Image Action'),
  account: z.string().check(z.regex(/^\d{12}$/, 'a 12-digit AWS account id')),
  region: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region')),
  time: z.iso.datetime({ offset: true }),
  detail: z.object({
    'action-type': z.literal('PUSH'),
    result: z.literal('SUCCESS'),
    'repository-name': nonEmpty,
    'image-digest': imageDigestSchema,
    // Absent when an image is pushed by digest only.
    'image-tag': z.optional(nonEmpty),
  }),
});

export type EcrPushEvent = z.infer<typeof ecrPushEventSchema>;

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
  const parsed = z.safeParse(ecrPushEventSchema, event);
  if (!parsed.success) throw notAPush(describeIssues(parsed.error.issues, '(event)'));
  if (expected.account && parsed.data.account !== expected.account) {
    throw notAPush([`account: ${parsed.data.account} is not Shipwatch's account (${expected.account})`]);
  }
  return parsed.data;
}
