import { setTimeout as sleep } from 'node:timers/promises';
import type { LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import type { LookupEventsAnswer } from '../aws/cloudtrail.js';
import { Transient } from '../errors.js';
import { classifyError } from '../lambda/handler.js';

export interface Pusher {
  /** The IAM principal that called ecr:PutImage (role session or user ARN). */
  principal: string;
  /** Its Slack user, when the principal names an email address Slack knows. */
  slackUser?: string;
}

/**
 * CloudTrail delivers an event within about 15 minutes of the call, but
 * LookupEvents filters on when the call happened: PutImage is the push
 * itself, so a few minutes either side of the push time finds it (and keeps
 * the pages, each one request, few).
 */
const WINDOW_MS = 5 * 60_000;

/**
 * The lookup answers a click, and Slack wants its answer within 3 seconds.
 * LookupEvents allows two requests per second per account and Region
 * (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html),
 * shared with everything else in the account: requests (pages, and retries
 * of a throttled or failed one) are spaced `intervalMs` apart, and all of
 * them fit in `budgetMs`, at most three, leaving the rest of the 3 seconds
 * to DynamoDB, Slack and Step Functions.
 */
export const LOOKUP_LIMITS = { budgetMs: 1_500, intervalMs: 500 } as const;

/** `alice@example.com` from `…:assumed-role/AWSReservedSSO_Dev_1234/alice@example.com`, or an IAM user name. */
export function emailOf(identity: { arn?: string; userName?: string; type?: string }): string | undefined {
  const name = identity.type === 'IAMUser' ? identity.userName : identity.arn?.split('/').pop();
  return name && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(name) ? name : undefined;
}

/**
 * Who pushed a digest: the ECR `PutImage` call in CloudTrail, its caller, and
 * (for SSO sessions and IAM users named by email) the Slack user with that
 * email. The ECR push event itself does not say who pushed. Undefined when
 * CloudTrail has not delivered the event yet. Throws `Transient` when
 * CloudTrail throttles or fails beyond the budget, and any other error at
 * once: the caller cannot tell who pushed either way.
 */
export async function whoPushed(
  deps: {
    lookupEvents: (input: LookupEventsCommandInput, timeoutMs: number) => Promise<LookupEventsAnswer>;
    slackUserByEmail: (email: string) => Promise<string | undefined>;
  },
  push: { repository: string; digest: string; pushedAt: string },
  limits: { budgetMs: number; intervalMs: number } = LOOKUP_LIMITS,
): Promise<Pusher | undefined> {
  const at = Date.parse(push.pushedAt);
  const lookup = pacedLookup(deps.lookupEvents, limits);
  let NextToken: string | undefined;
  do {
    const out = await lookup({
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'PutImage' }],
      StartTime: new Date(at - WINDOW_MS),
      EndTime: new Date(at + WINDOW_MS),
      MaxResults: 50,
      NextToken,
    });
    for (const event of out.Events ?? []) {
      const detail = JSON.parse(event.CloudTrailEvent ?? '{}') as {
        requestParameters?: { repositoryName?: string };
        responseElements?: { image?: { imageId?: { imageDigest?: string } } };
        userIdentity?: { arn?: string; userName?: string; type?: string };
      };
      if (detail.requestParameters?.repositoryName !== push.repository) continue;
      if (detail.responseElements?.image?.imageId?.imageDigest !== push.digest) continue;
      const identity = detail.userIdentity ?? {};
      const email = emailOf(identity);
      const slackUser = email ? await deps.slackUserByEmail(email) : undefined;
      return { principal: identity.arn ?? identity.userName ?? 'unknown', ...(slackUser ? { slackUser } : {}) };
    }
    NextToken = out.NextToken;
  } while (NextToken);
  return undefined;
}

/**
 * LookupEvents, one request at a time: the n-th (pages and retries alike)
 * no sooner than n × `intervalMs` after the first, and no more than fit in
 * `budgetMs` (real time: the clock Slack's 3 seconds run on). A throttled or
 * transient failure is tried again while a slot is left; the call must not
 * retry by itself (one attempt), or its backoff would spend the budget unseen.
 */
function pacedLookup(
  lookupEvents: (input: LookupEventsCommandInput, timeoutMs: number) => Promise<LookupEventsAnswer>,
  limits: { budgetMs: number; intervalMs: number },
) {
  const started = performance.now();
  const slots = Math.max(1, Math.floor(limits.budgetMs / limits.intervalMs));
  let sent = 0;
  return async (input: LookupEventsCommandInput): Promise<LookupEventsAnswer> => {
    for (;;) {
      if (sent >= slots) throw new Transient(`CloudTrail LookupEvents: ${sent} requests in ${limits.budgetMs} ms did not find the push`);
      const wait = started + sent * limits.intervalMs - performance.now();
      if (wait > 0) await sleep(wait);
      sent += 1;
      const left = Math.max(1, Math.floor(started + limits.budgetMs - performance.now()));
      try {
        return await lookupEvents(input, left);
      } catch (error) {
        const classified = classifyError(error);
        if (!(classified instanceof Transient)) throw error;
        if (sent >= slots) throw new Transient(`CloudTrail LookupEvents: ${classified.message} (${sent} requests in ${limits.budgetMs} ms)`, { cause: error });
      }
    }
  };
}

/**
 * Who triggered a `shipwatch deploy`: the IAM identity it recorded, and (for
 * SSO sessions named by email) its Slack user. No CloudTrail lookup: the
 * image may have been pushed days before, by someone else.
 */
export async function whoAsked(principal: string, slackUserByEmail: (email: string) => Promise<string | undefined>): Promise<Pusher> {
  const email = emailOf({ arn: principal });
  const slackUser = email ? await slackUserByEmail(email) : undefined;
  return { principal, ...(slackUser ? { slackUser } : {}) };
}

/**
 * Who triggered the deployment an approval is for (`allowSelfApproval: false`
 * refuses them): who asked with `shipwatch deploy`, as recorded, else who
 * pushed the image, from CloudTrail. Slack's endpoint and the dashboard both
 * ask here; undefined and throws as whoPushed.
 */
export function whoTriggered(
  deps: Parameters<typeof whoPushed>[0],
  approval: { requestedBy?: string | undefined; view: { repository: string; digest: string }; pushedAt?: string | undefined; expiresAt: string },
): Promise<Pusher | undefined> {
  if (approval.requestedBy) return whoAsked(approval.requestedBy, deps.slackUserByEmail);
  return whoPushed(deps, { repository: approval.view.repository, digest: approval.view.digest, pushedAt: approval.pushedAt ?? approval.expiresAt });
}
