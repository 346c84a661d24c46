import { z } from 'zod';
import { now } from '../shared/clock.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { logger } from '../shared/lambda/logger.js';
import { OUTCOMES, buildResult } from '../shared/workflow/result.js';
import { workflowStateSchema } from '../shared/workflow/state.js';

const input = z.object({ outcome: z.enum(OUTCOMES), state: workflowStateSchema, executionStartedAt: z.string() });

/** The execution's result: Succeed output, or (as JSON) the Fail state's cause. */
export const handler = lambdaHandler('finish-deployment', input, async ({ outcome, state, executionStartedAt }) => {
  const result = buildResult(outcome, state, executionStartedAt, now());
  if (outcome === 'rollback_failed') logger.error('ROLLBACK FAILED: the service may be running a broken release', { result: { ...result } });
  return { result, cause: JSON.stringify(result) };
});
