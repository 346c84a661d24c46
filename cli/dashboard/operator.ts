import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsSettings } from '../aws-clients.js';
import { askSandbox } from '../sandbox-link.js';

/** Who the operator is to AWS: every action is done, and recorded, as this identity. */
export interface Identity {
  arn: string;
  account: string;
}

const configOf = (settings: AwsSettings) => ({
  ...(settings.region ? { region: settings.region } : {}),
  ...(settings.profile ? { profile: settings.profile } : {}),
  ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
  ...(settings.credentials ? { credentials: settings.credentials } : {}),
});

/** sts:GetCallerIdentity with the operator's credentials (needs no permission). */
export async function callerIdentity(settings: AwsSettings): Promise<Identity> {
  const out = await new STSClient(configOf(settings)).send(new GetCallerIdentityCommand({}));
  if (!out.Arn || !out.Account) throw new Error('sts:GetCallerIdentity answered without an ARN');
  return { arn: out.Arn, account: out.Account };
}

/**
 * CloudTrail for "who pushed this image" (shared/slack/pusher.ts paces its
 * requests itself, so the client must not retry on its own).
 */
export const cloudtrailClient = (settings: AwsSettings) => new CloudTrailClient({ ...configOf(settings), maxAttempts: 1 });

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
