import { ECRClient } from '@aws-sdk/client-ecr';
import { clientConfig } from './client-config.js';
import { once } from './once.js';

/** One client per container; AWS_ENDPOINT_URL_ECR (the sandbox) is honoured by the SDK itself. */
export const ecrClient = once(() => new ECRClient(clientConfig()));
