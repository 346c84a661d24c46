import * as z from 'zod/mini';
import '../shared/validation/zod-messages.js';
import { recordsDb } from '../shared/aws/dynamodb.js';
import { now } from '../shared/clock.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { admit } from '../shared/records/admission.js';
import { workflowStateSchema } from '../shared/workflow/state.js';

const input = z.object({ executionName: z.string(), state: workflowStateSchema });

/** First step: the push's record, and the claim to be the service's newest push. */
export const handler = lambdaHandler('admit-release', input, ({ executionName, state }) =>
  admit(recordsDb(), state.release, state.service.name, executionName, now()),
);
