import { z } from 'zod';
import { serviceConfigSchema } from '../config/schema.js';
import { releaseSchema } from '../release/release.js';

// The execution's state, as each task receives it. The trigger validated the
// service config against the full schema; parsing it again here is cheap and
// keeps every handler's input typed from one schema.

const deploymentSchema = z.object({
  platform: z.enum(['ecs', 'eks']),
  previousRevision: z.string(),
  revision: z.string(),
  deploymentId: z.string(),
  startedAt: z.string(),
  alreadyRunning: z.boolean(),
  firingAtDeploy: z.array(z.string()).optional(),
});

/** The deploy step refused to start: the service's alarms already fire (and this is no fix-forward). */
const blockedSchema = z.object({ blocked: z.object({ reason: z.string(), alarms: z.array(z.string()) }) });

const errorOutputSchema = z.object({ Error: z.string(), Cause: z.string().optional() });

export const workflowStateSchema = z.object({
  /** Absent for a push; `rollback` when the alarm rule or the CLI rolls a finished deployment back. */
  mode: z.enum(['rollback']).optional(),
  release: releaseSchema,
  service: serviceConfigSchema,
  admission: z.object({ recordId: z.string(), admittedAt: z.string(), supersedes: z.string().optional() }).optional(),
  scan: z
    .object({ passed: z.boolean(), reason: z.string(), at: z.string(), blocking: z.array(z.unknown()), blockingTotal: z.number() })
    .passthrough()
    .optional(),
  deploy: z.union([deploymentSchema, blockedSchema]).optional(),
  rollout: z.object({ completedAt: z.string(), detail: z.string() }).optional(),
  bake: z.object({ startedAt: z.string(), finishedAt: z.string(), summary: z.string(), verdicts: z.array(z.unknown()) }).passthrough().optional(),
  failure: errorOutputSchema.optional(),
  rollback: z.object({ revision: z.string(), deploymentId: z.string(), startedAt: z.string(), adopted: z.boolean() }).optional(),
  rollbackDone: z.object({ completedAt: z.string(), detail: z.string() }).optional(),
  rollbackFailure: errorOutputSchema.optional(),
});

export type WorkflowState = z.infer<typeof workflowStateSchema>;
export type ExecutionInput = Pick<WorkflowState, 'release' | 'service'> & Partial<Pick<WorkflowState, 'mode' | 'admission' | 'deploy' | 'failure'>>;
export type DeployedState = z.infer<typeof deploymentSchema>;

export const deploymentOf = (state: WorkflowState): DeployedState | undefined =>
  state.deploy && 'revision' in state.deploy ? state.deploy : undefined;

/** Narrows the state for a task that needs the deployment to exist. */
export function requireDeploy(state: WorkflowState): DeployedState {
  const deploy = deploymentOf(state);
  if (!deploy) throw new Error('workflow state has no deployment: the state machine called this task out of order');
  return deploy;
}

export function requireRecordId(state: WorkflowState): string {
  if (!state.admission) throw new Error('workflow state has no admission: the state machine called this task out of order');
  return state.admission.recordId;
}
