import { LookupEventsCommand, type CloudTrailClient } from '@aws-sdk/client-cloudtrail';

export interface Pusher {
  /** The IAM principal that called ecr:PutImage (role session or user ARN). */
  principal: string;
  /** Its Slack user, when the principal names an email address Slack knows. */
  slackUser?: string;
}

/** CloudTrail delivers events within about 15 minutes; look that far either side of the push. */
const WINDOW_MS = 15 * 60_000;

/** `alice@example.com` from `…:assumed-role/AWSReservedSSO_Dev_1234/alice@example.com`, or an IAM user name. */
export function emailOf(identity: { arn?: string; userName?: string; type?: string }): string | undefined {
  const name = identity.type === 'IAMUser' ? identity.userName : identity.arn?.split('/').pop();
  return name && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(name) ? name : undefined;
}

/**
 * Who pushed a digest: the ECR `PutImage` call in CloudTrail, its caller, and
 * (for SSO sessions and IAM users named by email) the Slack user with that
 * email. The ECR push event itself does not say who pushed. Undefined when
 * CloudTrail has not delivered the event yet.
 */
export async function whoPushed(
  deps: { cloudtrail: CloudTrailClient; slackUserByEmail: (email: string) => Promise<string | undefined> },
  push: { repository: string; digest: string; pushedAt: string },
): Promise<Pusher | undefined> {
  const at = Date.parse(push.pushedAt);
  let NextToken: string | undefined;
  for (let page = 0; page < 5; page++) {
    const out = await deps.cloudtrail.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'PutImage' }],
        StartTime: new Date(at - WINDOW_MS),
        EndTime: new Date(at + WINDOW_MS),
        MaxResults: 50,
        NextToken,
      }),
    );
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
    if (!NextToken) break;
  }
  return undefined;
}
