import { clients } from '../shared/aws/clients.js';
import { now } from '../shared/clock.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { scanGate } from '../shared/scan/gate.js';
import { workflowStateSchema } from '../shared/workflow/state.js';

/** Scan gate: the ECR scan of the pushed digest against the service's policy. */
export const handler = lambdaHandler('scan-image', workflowStateSchema, (state) =>
  scanGate(clients.ecr(), state.release, state.service, now()),
);
