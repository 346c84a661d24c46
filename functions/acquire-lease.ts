import * as v from 'valibot';
import '../shared/validation/messages.js';
import { object } from '../shared/validation/object.js';
import { recordsDb } from '../shared/aws/dynamodb.js';
import { now } from '../shared/clock.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { acquireLease, leaseFor } from '../shared/records/lease.js';
import { pending } from '../shared/waits/look.js';
import { leaseMinutes } from '../shared/workflow/lease-minutes.js';
import { enterPhase } from '../shared/workflow/lifecycle.js';
import { requireRecordId, workflowStateSchema } from '../shared/workflow/state.js';

const input = object({ phase: v.picklist(['deploying', 'rolling_back']), state: workflowStateSchema });

/** Takes the service if it is free (else pending: the state machine looks again after pollSeconds), and holds it until the outcome is written. */
export const handler = lambdaHandler('acquire-lease', input, async ({ phase, state }) => {
  const records = recordsDb();
  const recordId = requireRecordId(state);
  const { health, name } = state.service;
  const request = { service: name, recordId, phase, durationMs: leaseMinutes(state.service, phase) * 60_000, mustBeNewest: phase === 'deploying' };
  const at = now();
  const lease = leaseFor(request, at);
  if (phase === 'deploying') await enterPhase(records, state, 'waiting', at);
  const answer = await acquireLease(records, request, at, lease);
  // Held by another deployment: no event says when it ends, so a Wait state asks again after pollSeconds.
  if (!answer.done) return pending(`${name}: waiting for ${answer.heldBy}`, health.pollSeconds, at);
  if (phase === 'deploying') await enterPhase(records, state, 'deploying', at, { view: state.approval ? { decision: state.approval } : {} });
  return answer;
});
