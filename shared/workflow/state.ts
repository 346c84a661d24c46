import { z } from 'zod';
import { serviceConfigSchema } from '../config/schema.js';
import { releaseSchema } from '../release/release.js';

// The execution's state, as each task receives it. The trigger validated the
// service config against the full schema; parsing it again here is cheap and
// keeps every handler's input typed from one schema.

const deploymentSchema = z.object({
  platform: z.literal('ecs'),
  previousRevision: z.string(),
  revision: z.string(),
  deploymentId: z.string(),
  startedAt: z.string(),
  alreadyRunning: z.boolean(),
});

const errorOutputSchema = z.object({ Error: z.string(), Cause: z.string().optional() });

export const workflowStateSchema = z.object({
  release: releaseSchema,
  service: serviceConfigSchema,
  scan: z
    .object({ passed: z.boolean(), reason: z.string(), at: z.string(), blocking: z.array(z.unknown()), blockingTotal: z.number() })
    .passthrough()
    .optional(),
  deploy: deploymentSchema.optional(),
  rollout: z.object({ completedAt: z.string(), detail: z.string() }).optional(),
  bake: z.object({ startedAt: z.string(), finishedAt: z.string(), summary: z.string(), verdicts: z.array(z.unknown()) }).passthrough().optional(),
  failure: errorOutputSchema.optional(),
  rollback: z.object({ revision: z.string(), deploymentId: z.string(), startedAt: z.string(), adopted: z.boolean() }).optional(),
  rollbackDone: z.object({ completedAt: z.string(), detail: z.string() }).optional(),
  rollbackFailure: errorOutputSchema.optional(),
});

export type WorkflowState = z.infer<typeof workflowStateSchema>;
export type ExecutionInput = Pick<WorkflowState, 'release' | 'service'>;

/** Narrows the state for a task that needs the deployment to exist. */
export function requireDeploy(state: WorkflowState): NonNullable<WorkflowState['deploy']> {
  if (!state.deploy) throw new Error('workflow state has no deploy step: the state machine called this task out of order');
  return state.deploy;
}
