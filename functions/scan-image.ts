import { ecrClient } from '../shared/aws/ecr.js';
import { recordsDb } from '../shared/aws/dynamodb.js';
import { now } from '../shared/clock.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { assertNewest } from '../shared/records/admission.js';
import { scanGate } from '../shared/scan/gate.js';
import { enterPhase } from '../shared/workflow/lifecycle.js';
import { requireRecordId, workflowStateSchema } from '../shared/workflow/state.js';

/** Scan gate: the ECR scan of the pushed digest against the service's policy, unless a newer push made it moot. */
export const handler = lambdaHandler('scan-image', workflowStateSchema, async (state) => {
  const records = recordsDb();
  const recordId = requireRecordId(state);
  await assertNewest(records, state.service.name, recordId);
  await enterPhase(records, state, 'scanning', now());
  return scanGate(ecrClient(), state.release, state.service, now());
});
