import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { once } from './once.js';

/**
 * One client per container; AWS_ENDPOINT_URL_CLOUDTRAIL (the sandbox) is
 * honoured by the SDK itself. No retries of its own: its one caller answers
 * a Slack click within 3 seconds, and whoPushed paces and retries
 * LookupEvents inside that budget (the SDK's backoff would spend it unseen).
 */
export const cloudtrailClient = once(() => new CloudTrailClient({ maxAttempts: 1 }));
