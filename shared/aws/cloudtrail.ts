import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { clientConfig } from './client-config.js';
import { once } from './once.js';

/** One client per container; AWS_ENDPOINT_URL_CLOUDTRAIL (the sandbox) is honoured by the SDK itself. */
export const cloudtrailClient = once(() => new CloudTrailClient(clientConfig()));
