import { clients } from '../shared/aws/clients.js';
import { now } from '../shared/clock.js';
import { preflight } from '../shared/health/preflight.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { targetFor } from '../shared/targets/target-for.js';
import { workflowStateSchema } from '../shared/workflow/state.js';

/** New revision pinned to the digest, then UpdateService (or the platform's equivalent). */
export const handler = lambdaHandler('deploy-release', workflowStateSchema, async (state) => {
  await preflight(clients.cloudwatch(), state.service);
  return targetFor(state.service).deploy(state.release, now());
});
