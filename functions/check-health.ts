import { cloudwatchClient } from '../shared/aws/cloudwatch.js';
import { now } from '../shared/clock.js';
import { bakeCheck } from '../shared/health/bake.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { targetFor } from '../shared/targets/target-for.js';
import { requireDeploy, workflowStateSchema } from '../shared/workflow/state.js';

/** One look during the bake: alarms, metric thresholds, and whether our deployment is still the service's. */
export const handler = lambdaHandler('check-health', workflowStateSchema, (state) => {
  const deploy = requireDeploy(state);
  const bakeStartedAt = state.rollout?.completedAt ?? deploy.startedAt;
  return bakeCheck({ cloudwatch: cloudwatchClient(), target: targetFor(state.service) }, state.service.health, deploy, bakeStartedAt, now());
});
