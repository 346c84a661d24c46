import * as z from 'zod/mini';
import '../shared/validation/zod-messages.js';
import { recordsDb } from '../shared/aws/dynamodb.js';
import { now } from '../shared/clock.js';
import { executionInputOf, parseSfnStatusEvent } from '../shared/events/sfn-status.js';
import { requiredEnv } from '../shared/lambda/env.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { logger } from '../shared/lambda/logger.js';
import { recordIdOf } from '../shared/records/keys.js';
import { closeUnfinished } from '../shared/records/outcome.js';
import { workflowStateSchema } from '../shared/workflow/state.js';

const inputSchema = z.pick(workflowStateSchema, { release: true, service: true, admission: true });
const stateMachineArn = requiredEnv('STATE_MACHINE_ARN');

/**
 * Step Functions Execution Status Change (FAILED, TIMED_OUT, ABORTED): an
 * execution that ended without writing its outcome (a crash, a stop by hand)
 * gets `failed`, and its lease is released. Records with an outcome are untouched.
 */
export const handler = lambdaHandler('close-record', z.unknown(), async (raw) => {
  const event = parseSfnStatusEvent(raw);
  const { status, error, name } = event.detail;
  if (!['FAILED', 'TIMED_OUT', 'ABORTED'].includes(status)) return { execution: name, closed: false, why: `status ${status}` };
  const parsed = z.safeParse(inputSchema, executionInputOf(event));
  if (!parsed.success) {
    logger.warn('execution input is not a Shipwatch deployment; nothing to close', { execution: name });
    return { execution: name, closed: false, why: 'not a Shipwatch deployment' };
  }
  // Another stack's Shipwatch (staging beside prod) has its own records and its own rule.
  if (event.detail.stateMachineArn !== stateMachineArn) {
    logger.warn('execution of another state machine; nothing to close', { execution: name, stateMachineArn: event.detail.stateMachineArn });
    return { execution: name, closed: false, why: 'execution of another state machine' };
  }
  const { release, service, admission } = parsed.data;
  const recordId = admission?.recordId ?? recordIdOf(release);
  const closed = await closeUnfinished(
    recordsDb(),
    {
      service: service.name,
      recordId,
      repository: release.repository,
      digest: release.digest,
      imageUri: release.imageUri,
      ...(release.tag ? { tag: release.tag } : {}),
      startedAt: new Date(event.detail.startDate).toISOString(),
      status,
      ...(error ? { error } : {}),
    },
    now(),
  );
  return { execution: name, recordId, closed };
});
