import * as z from 'zod/mini';
import '../shared/validation/zod-messages.js';
import { recordsDb } from '../shared/aws/dynamodb.js';
import { sfnClient } from '../shared/aws/sfn.js';
import { now } from '../shared/clock.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { awaitEvent } from '../shared/waits/await-event.js';

const input = z.object({
  taskToken: z.string().check(z.minLength(1)),
  execution: z.string().check(z.minLength(1)),
  wait: z.object({ wake: z.array(z.string()).check(z.minLength(1)), lookedAt: z.string() }),
});

/** `.waitForTaskToken`: stores the execution's token under what can wake it, then checks once for an event it missed. */
export const handler = lambdaHandler('await-event', input, (event) => awaitEvent({ records: recordsDb(), sfn: sfnClient() }, event, now()));
