import * as v from 'valibot';
import '../shared/validation/messages.js';
import { object } from '../shared/validation/object.js';
import { cloudwatchClient } from '../shared/aws/cloudwatch.js';
import { recordsDb } from '../shared/aws/dynamodb.js';
import { now } from '../shared/clock.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { progressStep } from '../shared/progressive/advance-step.js';
import { targetFor } from '../shared/targets/target-for.js';
import { workflowStateSchema } from '../shared/workflow/state.js';

const input = object({ decision: v.optional(v.picklist(['promote', 'abort'])), state: workflowStateSchema });

/** One look at a canary, linear or blue/green deployment, and its next move: follow, judge, shift, pause, or act on a decision. */
export const handler = lambdaHandler('advance-release', input, ({ decision, state }) =>
  progressStep({ cloudwatch: cloudwatchClient(), target: targetFor(state.service), records: recordsDb() }, state, decision, now()),
);
