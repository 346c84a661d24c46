import { CloudTrailClient, LookupEventsCommand, type LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { LookupEventsAnswer } from '../../shared/aws/cloudtrail.js';
import { clientConfig, type AwsSettings } from '../aws-clients.js';
import { askSandbox } from '../sandbox-link.js';

/** Who the operator is to AWS: every action is done, and recorded, as this identity. */
export interface Identity {
  arn: string;
  account: string;
}

/** sts:GetCallerIdentity with the operator's credentials (needs no permission). */
export async function callerIdentity(sts: STSClient): Promise<Identity> {
  const out = await sts.send(new GetCallerIdentityCommand({}));
  if (!out.Arn || !out.Account) throw new Error('sts:GetCallerIdentity answered without an ARN');
  return { arn: out.Arn, account: out.Account };
}

/**
 * CloudTrail LookupEvents for "who pushed this image", with the operator's
 * credentials and settings (the functions' own call, shared/aws/cloudtrail.ts,
 * takes the Lambda environment's). One attempt within `timeoutMs`:
 * shared/slack/pusher.ts paces and retries its requests itself.
 */
export function lookupEventsAs(settings: AwsSettings): (input: LookupEventsCommandInput, timeoutMs: number) => Promise<LookupEventsAnswer> {
  const cloudtrail = new CloudTrailClient({ ...clientConfig(settings), maxAttempts: 1 });
  return (input, timeoutMs) => cloudtrail.send(new LookupEventsCommand(input), { abortSignal: AbortSignal.timeout(timeoutMs) });
}

/**
 * "Now" for the dashboard: the clock of the account it reads. A sandbox keeps
 * simulated time (60 simulated seconds to the real one when serving), so it is
 * asked each time (GET /shipwatch/sandbox answers with its clock); AWS is now.
 */
export function accountClock(settings: AwsSettings): () => Promise<Date> {
  if (!settings.endpoint) return async () => new Date();
  const endpoint = settings.endpoint;
  let asked: { at: number; answer: Promise<Date> } | undefined;
  return () => {
    if (asked && performance.now() - asked.at < 100) return asked.answer;
    const answer = askSandbox(endpoint).then(
      (info) => new Date(info.now ?? Date.now()),
      // Another endpoint (not a sandbox): its own time is ours.
      () => new Date(),
    );
    asked = { at: performance.now(), answer };
    return answer;
  };
}
