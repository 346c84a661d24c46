import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { clientConfig } from './client-config.js';
import { once } from './once.js';

/** One client per container; AWS_ENDPOINT_URL_CLOUDWATCH (the sandbox) is honoured by the SDK itself. */
export const cloudwatchClient = once(() => new CloudWatchClient(clientConfig()));
