import { cloudwatchClient } from '../shared/aws/cloudwatch.js';
import { now } from '../shared/clock.js';
import { preflight } from '../shared/health/preflight.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { targetFor } from '../shared/targets/target-for.js';
import { requireRecordId, workflowStateSchema } from '../shared/workflow/state.js';

/** Preflight on the alarms, then a new revision pinned to the digest (or the platform's equivalent). */
export const handler = lambdaHandler('deploy-release', workflowStateSchema, async (state) => {
  // Without admission there is no record and no lease: deploying would race another deployment.
  requireRecordId(state);
  const check = await preflight(cloudwatchClient(), state.service, state.release.tag);
  if (check.blocked) return { blocked: { reason: check.reason, alarms: check.alarms } };
  const deployment = await targetFor(state.service).deploy(state.release, now());
  return check.firing.length > 0 ? { ...deployment, firingAtDeploy: check.firing } : deployment;
});
