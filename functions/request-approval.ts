import * as v from 'valibot';
import '../shared/validation/messages.js';
import { object } from '../shared/validation/object.js';
import { recordsDb } from '../shared/aws/dynamodb.js';
import { now } from '../shared/clock.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { requestApproval } from '../shared/workflow/request-approval.js';
import { workflowStateSchema } from '../shared/workflow/state.js';

const input = object({ taskToken: v.pipe(v.string(), v.minLength(1)), state: workflowStateSchema, pause: v.optional(object({ detail: v.string() })) });

/** Called by the `.waitForTaskToken` approval states (before the deploy, and at a progressive deployment's pause): stores the token, asks in Slack, returns. */
export const handler = lambdaHandler('request-approval', input, ({ taskToken, state, pause }) => requestApproval(recordsDb(), taskToken, state, now(), pause));
