import { cloudwatchClient } from '../shared/aws/cloudwatch.js';
import { recordsDb } from '../shared/aws/dynamodb.js';
import { now } from '../shared/clock.js';
import { bakeCheck } from '../shared/health/bake.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { targetFor } from '../shared/targets/target-for.js';
import { enterPhase } from '../shared/workflow/lifecycle.js';
import { requireDeploy, workflowStateSchema } from '../shared/workflow/state.js';

/** One look during the bake - alarms, metric thresholds, and whether our deployment is still the service's. */
export const handler = lambdaHandler('check-health', workflowStateSchema, async (state) => {
  const deploy = requireDeploy(state);
  const bakeStartedAt = state.rollout?.done ? state.rollout.completedAt : deploy.startedAt;
  const previous = state.bake && !state.bake.done ? { measurementErrors: state.bake.measurementErrors } : {};
  // After a progressive deployment, the scope its last look read (ECS: the new revision's target group).
  const scope = state.progress?.done ? state.progress.scope : undefined;
  const look = await bakeCheck(
    { cloudwatch: cloudwatchClient(), target: targetFor(state.service) },
    state.service.health,
    deploy,
    bakeStartedAt,
    now(),
    previous,
    scope,
  );
  // The live verdict goes into the deployment's message at every look.
  if (!look.done) await enterPhase(recordsDb(), state, 'baking', now(), { view: { health: look.detail } });
  return look;
});
