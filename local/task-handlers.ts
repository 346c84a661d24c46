import type { Context } from 'aws-lambda';
import { handler as acquireLease } from '../functions/acquire-lease.js';
import { handler as admitRelease } from '../functions/admit-release.js';
import { handler as advanceRelease } from '../functions/advance-release.js';
import { handler as awaitEvent } from '../functions/await-event.js';
import { handler as checkHealth } from '../functions/check-health.js';
import { handler as deployRelease } from '../functions/deploy-release.js';
import { handler as finishDeployment } from '../functions/finish-deployment.js';
import { handler as requestApproval } from '../functions/request-approval.js';
import { handler as rollBack } from '../functions/roll-back.js';
import { handler as scanImage } from '../functions/scan-image.js';
import { handler as watchRollout } from '../functions/watch-rollout.js';

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** The real Lambda entry points the state machine's Task states call, by serverless.yml function name. */
export const taskHandlers: Record<string, LambdaHandler> = {
  admitRelease,
  acquireLease,
  scanImage,
  requestApproval,
  deployRelease,
  watchRollout,
  advanceRelease,
  checkHealth,
  rollBack,
  finishDeployment,
  awaitEvent,
};

let requests = 0;
export function lambdaContext(functionName: string): Context {
  requests += 1;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `shipwatch-local-${functionName}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:shipwatch-local-${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: `local-${requests}`,
    logGroupName: `/aws/lambda/shipwatch-local-${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
