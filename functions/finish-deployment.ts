import * as z from 'zod/mini';
import '../shared/validation/zod-messages.js';
import { recordsDb } from '../shared/aws/dynamodb.js';
import { now } from '../shared/clock.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { logger } from '../shared/lambda/logger.js';
import { appendEvent, recordOutcome } from '../shared/records/outcome.js';
import { OUTCOMES, buildResult } from '../shared/workflow/result.js';
import { deploymentOf, workflowStateSchema } from '../shared/workflow/state.js';

const input = z.object({ outcome: z.enum(OUTCOMES), state: workflowStateSchema, executionStartedAt: z.string() });

/** The push's one outcome: written to its record, and returned as the execution's result. */
export const handler = lambdaHandler('finish-deployment', input, async ({ outcome, state, executionStartedAt }) => {
  const at = now();
  const result = buildResult(outcome, state, executionStartedAt, at);
  if (state.admission && state.mode === 'rollback' && outcome === 'superseded') {
    // A rollback that found a deployment in flight leaves the record as it was.
    await appendEvent(recordsDb(), state.service.name, state.admission.recordId, `rollback not started: ${result.reason}`, at);
  } else if (state.admission) {
    const platform = deploymentOf(state)?.platform;
    await recordOutcome(recordsDb(), state.admission.recordId, result, at, { amend: state.mode === 'rollback', ...(platform ? { platform } : {}) });
  }
  if (outcome === 'rollback_failed') logger.error('ROLLBACK FAILED: the service may be running a broken release', { result: { ...result } });
  return { result, cause: JSON.stringify(result) };
});
