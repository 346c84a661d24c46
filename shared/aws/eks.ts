import { EKSClient } from '@aws-sdk/client-eks';
import { once } from './once.js';

/** One client per container; AWS_ENDPOINT_URL_EKS (the sandbox) is honoured by the SDK itself. */
export const eksClient = once(() => new EKSClient({}));
