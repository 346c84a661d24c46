import { SFNClient } from '@aws-sdk/client-sfn';
import { clientConfig } from './client-config.js';
import { once } from './once.js';

/** One client per container; AWS_ENDPOINT_URL_SFN (the sandbox) is honoured by the SDK itself. */
export const sfnClient = once(() => new SFNClient(clientConfig()));
