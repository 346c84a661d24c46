import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { once } from './once.js';

/** One client per container; AWS_ENDPOINT_URL_CLOUDWATCH (the sandbox) is honoured by the SDK itself. */
export const cloudwatchClient = once(() => new CloudWatchClient({}));
