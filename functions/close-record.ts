import * as v from 'valibot';
import '../shared/validation/messages.js';
import { object } from '../shared/validation/object.js';
import { recordsDb } from '../shared/aws/dynamodb.js';
import { now } from '../shared/clock.js';
import { executionInputOf, parseSfnStatusEvent } from '../shared/events/sfn-status.js';
import { requiredEnv } from '../shared/lambda/env.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { logger } from '../shared/lambda/logger.js';
import { sfnClient } from '../shared/aws/sfn.js';
import { closeExecution } from '../shared/workflow/close-execution.js';
import { workflowStateEntries } from '../shared/workflow/state.js';

const inputSchema = object({ release: workflowStateEntries.release, service: workflowStateEntries.service, admission: workflowStateEntries.admission });
const stateMachineArn = requiredEnv('STATE_MACHINE_ARN');

/**
 * Step Functions Execution Status Change (FAILED, TIMED_OUT, ABORTED): an
 * execution that ended without writing its outcome gets one (its true one
 * when the workflow knew it, `failed` otherwise), and its lease is released.
 * Records with an outcome are untouched.
 */
export const handler = lambdaHandler('close-record', v.unknown(), async (raw) => {
  const event = parseSfnStatusEvent(raw);
  const { status, name } = event.detail;
  if (!['FAILED', 'TIMED_OUT', 'ABORTED'].includes(status)) return { execution: name, closed: false, why: `status ${status}` };
  const parsed = v.safeParse(inputSchema, executionInputOf(event));
  if (!parsed.success) {
    logger.warn('execution input is not a Shipwatch deployment; nothing to close', { execution: name });
    return { execution: name, closed: false, why: 'not a Shipwatch deployment' };
  }
  // Another stack's Shipwatch (staging beside prod) has its own records and its own rule.
  if (event.detail.stateMachineArn !== stateMachineArn) {
    logger.warn('execution of another state machine; nothing to close', { execution: name, stateMachineArn: event.detail.stateMachineArn });
    return { execution: name, closed: false, why: 'execution of another state machine' };
  }
  return closeExecution({ records: recordsDb(), sfn: sfnClient() }, event, parsed.output, now());
});
