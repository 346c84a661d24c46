import { ECSClient } from '@aws-sdk/client-ecs';
import { clientConfig } from './client-config.js';
import { once } from './once.js';

/** One client per container; AWS_ENDPOINT_URL_ECS (the sandbox) is honoured by the SDK itself. */
export const ecsClient = once(() => new ECSClient(clientConfig()));
