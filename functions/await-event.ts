import * as v from 'valibot';
import '../shared/validation/messages.js';
import { object } from '../shared/validation/object.js';
import { recordsDb } from '../shared/aws/dynamodb.js';
import { sfnClient } from '../shared/aws/sfn.js';
import { now } from '../shared/clock.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { awaitEvent } from '../shared/waits/await-event.js';

const input = object({
  taskToken: v.pipe(v.string(), v.minLength(1)),
  execution: v.pipe(v.string(), v.minLength(1)),
  wait: object({ wake: v.pipe(v.array(v.string()), v.minLength(1)), lookedAt: v.string() }),
});

/** `.waitForTaskToken`: stores the execution's token under what can wake it, then checks once for an event it missed. */
export const handler = lambdaHandler('await-event', input, (event) => awaitEvent({ records: recordsDb(), sfn: sfnClient() }, event, now()));
