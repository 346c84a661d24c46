import { recordsDb } from '../shared/aws/dynamodb.js';
import { now } from '../shared/clock.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { targetFor } from '../shared/targets/target-for.js';
import { enterPhase } from '../shared/workflow/lifecycle.js';
import { requireDeploy, workflowStateSchema } from '../shared/workflow/state.js';

/** Back to the exact previous revision, or adopt the platform's own rollback to it. */
export const handler = lambdaHandler('roll-back', workflowStateSchema, async (state) => {
  const deploy = requireDeploy(state);
  const started = await targetFor(state.service).rollback(deploy.previousRevision, now());
  // After the platform call: a rollback that could not start leaves the record where it was, for Finish to say so.
  if (state.admission) await enterPhase(recordsDb(), state, 'rolling_back', now());
  return started;
});
