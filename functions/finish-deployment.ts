import * as v from 'valibot';
import '../shared/validation/messages.js';
import { object } from '../shared/validation/object.js';
import { recordsDb } from '../shared/aws/dynamodb.js';
import { now } from '../shared/clock.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { finishDeployment } from '../shared/workflow/finish.js';
import { OUTCOMES } from '../shared/workflow/result.js';
import { workflowStateSchema } from '../shared/workflow/state.js';

const input = object({ outcome: v.picklist(OUTCOMES), state: workflowStateSchema, executionStartedAt: v.string() });

/** The push's one outcome: written to its record, shown in its Slack message, returned as the execution's result. */
export const handler = lambdaHandler('finish-deployment', input, async ({ outcome, state, executionStartedAt }) => {
  const result = await finishDeployment(recordsDb(), outcome, state, executionStartedAt, now());
  return { result, cause: JSON.stringify(result) };
});
