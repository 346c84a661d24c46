import { ecsClient } from '../../aws/ecs.js';
import { recordsDb } from '../../aws/dynamodb.js';
import { hookNotes } from '../../records/hook-store.js';
import type { Platform } from '../platforms.js';
import { ecsTarget } from './ecs-target.js';
import { hookFunctionFromEnv } from './hook-function.js';

/**
 * `target.ecs`: the ECS service, through the container's one ECS client, with
 * the service's strategy. Shipwatch's hook function (deploy) and the records
 * table (what the hook decided, for the progress look) are only reached when
 * a progressive deployment needs them.
 */
export const ecsPlatform: Platform = (service) =>
  service.target.ecs &&
  ecsTarget(ecsClient(), service.target.ecs, {
    service,
    hook: () => hookFunctionFromEnv(),
    notes: (arn) => hookNotes(recordsDb(), service.name, arn),
  });
