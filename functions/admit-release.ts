import * as v from 'valibot';
import '../shared/validation/messages.js';
import { object } from '../shared/validation/object.js';
import { recordsDb } from '../shared/aws/dynamodb.js';
import { sfnClient } from '../shared/aws/sfn.js';
import { now } from '../shared/clock.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { admitPush } from '../shared/workflow/admit-push.js';
import { workflowStateSchema } from '../shared/workflow/state.js';

const input = object({ executionName: v.string(), state: workflowStateSchema });

/** First step: the push's record, its claim to be the newest push, its Slack message. */
export const handler = lambdaHandler('admit-release', input, ({ executionName, state }) =>
  admitPush({ records: recordsDb(), sfn: sfnClient() }, state, executionName, now()),
);
