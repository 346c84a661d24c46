import { cloudwatchClient } from '../shared/aws/cloudwatch.js';
import { recordsDb } from '../shared/aws/dynamodb.js';
import { ecsClient } from '../shared/aws/ecs.js';
import { now } from '../shared/clock.js';
import { packagedConfig } from '../shared/config/packaged.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { answerLifecycleHook } from '../shared/progressive/ecs-hook.js';
import { hookEventSchema } from '../shared/progressive/ecs-hook-event.js';

const config = packagedConfig();

/**
 * ECS invokes this at the lifecycle stages of a canary, linear or blue/green
 * deployment that Shipwatch registered it for: Shipwatch's verdict on the new
 * revision (IN_PROGRESS with a callBackDelay, SUCCEEDED, or FAILED to roll back).
 */
export const handler = lambdaHandler('ecs-lifecycle-hook', hookEventSchema, (event) =>
  answerLifecycleHook({ ecs: ecsClient(), cloudwatch: cloudwatchClient(), records: recordsDb() }, config, event, now()),
);
