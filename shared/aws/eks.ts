import { EKSClient } from '@aws-sdk/client-eks';
import { clientConfig } from './client-config.js';
import { once } from './once.js';

/** One client per container; AWS_ENDPOINT_URL_EKS (the sandbox) is honoured by the SDK itself. */
export const eksClient = once(() => new EKSClient(clientConfig()));
