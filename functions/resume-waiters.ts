import * as v from 'valibot';
import { recordsDb } from '../shared/aws/dynamodb.js';
import { sfnClient } from '../shared/aws/sfn.js';
import { now } from '../shared/clock.js';
import { wakeOf } from '../shared/waits/wake-events.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { resume } from '../shared/waits/resume.js';

/** EventBridge: a scan finished, an ECS deployment changed, an alarm changed state → wake the executions waiting on it. */
export const handler = lambdaHandler('resume-waiters', v.unknown(), (event) => resume({ records: recordsDb(), sfn: sfnClient() }, wakeOf(event), now()));
