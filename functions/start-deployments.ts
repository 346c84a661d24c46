import * as v from 'valibot';
import '../shared/validation/messages.js';
import { sfnClient } from '../shared/aws/sfn.js';
import { packagedConfig } from '../shared/config/packaged.js';
import { parseEcrPushEvent } from '../shared/events/ecr-push.js';
import { accountOfArn, requiredEnv } from '../shared/lambda/env.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { logger } from '../shared/lambda/logger.js';
import { startDeployments } from '../shared/trigger/start-deployments.js';

// Validated when packaging, checked again at cold start: a broken config
// fails `serverless package` (or the deploy) loudly instead of the first push.
const config = packagedConfig();
const stateMachineArn = requiredEnv('STATE_MACHINE_ARN');
// Shipwatch's account is its state machine's; a push from any other is refused.
const account = accountOfArn('STATE_MACHINE_ARN', stateMachineArn);

/** EventBridge `ECR Image Action` (PUSH, SUCCESS) → one deploy execution per matching service. */
export const handler = lambdaHandler('start-deployments', v.unknown(), async (event) => {
  const push = parseEcrPushEvent(event, { account });
  const result = await startDeployments(sfnClient(), stateMachineArn, config, push);
  if (result.started.length === 0 && result.duplicates.length === 0) {
    logger.info('push matches no service; ignored', { repository: result.repository, tag: result.tag, digest: result.digest });
  }
  return result;
});
