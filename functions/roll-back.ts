import { now } from '../shared/clock.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { targetFor } from '../shared/targets/target-for.js';
import { requireDeploy, workflowStateSchema } from '../shared/workflow/state.js';

/** Back to the exact previous revision, or adopt the platform's own rollback to it. */
export const handler = lambdaHandler('roll-back', workflowStateSchema, (state) =>
  targetFor(state.service).rollback(requireDeploy(state).previousRevision, now()),
);
