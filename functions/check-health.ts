import { cloudwatchClient } from '../shared/aws/cloudwatch.js';
import { recordsDb } from '../shared/aws/dynamodb.js';
import { now } from '../shared/clock.js';
import { bakeCheck } from '../shared/health/bake.js';
import { scopeHealth } from '../shared/health/revision-scope.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { targetFor } from '../shared/targets/target-for.js';
import { enterPhase } from '../shared/workflow/lifecycle.js';
import { requireDeploy, workflowStateSchema } from '../shared/workflow/state.js';

/** One look during the bake - alarms, metric thresholds, and whether our deployment is still the service's. */
export const handler = lambdaHandler('check-health', workflowStateSchema, async (state) => {
  const deploy = requireDeploy(state);
  const bakeStartedAt = state.rollout?.done ? state.rollout.completedAt : deploy.startedAt;
  const previous = state.bake && !state.bake.done ? { measurementErrors: state.bake.measurementErrors } : {};
  const target = targetFor(state.service);
  // After a progressive deployment the new revision serves all the traffic: its own target group (ECS alternates them).
  const scope =
    state.progress?.done && target.progressive?.scope
      ? await target.progressive.scope({
          deploymentId: deploy.deploymentId,
          revision: deploy.revision,
          revertRevision: deploy.previousRevision,
          since: new Date(deploy.startedAt),
        })
      : undefined;
  const health = scope ? scopeHealth(state.service.health, scope) : state.service.health;
  // The state schema reads an absent firingAtDeploy as undefined; a Deployment leaves the key out.
  const { firingAtDeploy, ...deployed } = deploy;
  const deployment = { ...deployed, ...(firingAtDeploy !== undefined ? { firingAtDeploy } : {}) };
  const look = await bakeCheck({ cloudwatch: cloudwatchClient(), target }, health, deployment, bakeStartedAt, now(), previous);
  // The live verdict goes into the deployment's message at every look.
  if (!look.done) await enterPhase(recordsDb(), state, 'baking', now(), { view: { health: look.detail } });
  return look;
});
