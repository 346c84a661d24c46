import * as z from 'zod/mini';
import '../validation/zod-messages.js';
import { releaseSchema } from '../release/release.js';
import { serviceConfigSchema } from './service-config.js';

// The execution's state, as each task receives it.

const nonEmpty = z.string().check(z.minLength(1));

const deploymentSchema = z.object({
  platform: z.enum(['ecs', 'eks']),
  previousRevision: nonEmpty,
  revision: nonEmpty,
  /** '' when the alarm rule or the CLI rolls a finished deployment back: only the rollback is watched. */
  deploymentId: z.string(),
  startedAt: z.string(),
  alreadyRunning: z.boolean(),
  firingAtDeploy: z.optional(z.array(z.string())),
});

/** The deploy step refused to start: the service's alarms already fire (and this is no fix-forward). */
const blockedSchema = z.object({ blocked: z.object({ reason: z.string(), alarms: z.array(z.string()) }) });

const errorOutputSchema = z.object({ Error: z.string(), Cause: z.optional(z.string()) });

/** A look that found its subject not there yet (waits/look.ts): the state machine looks again. */
const pendingSchema = z.object({
  done: z.literal(false),
  detail: z.string(),
  lookAgainSeconds: z.number(),
  lookedAt: z.string(),
  wake: z.array(z.string()),
  awaitEvent: z.boolean(),
  measurementErrors: z.optional(z.number()),
});
const watchedSchema = z.union([z.object({ done: z.literal(true), completedAt: z.string(), detail: z.string() }), pendingSchema]);

export const workflowStateSchema = z.object({
  /** Absent for a push; `rollback` when the alarm rule or the CLI rolls a finished deployment back. */
  mode: z.optional(z.enum(['rollback'])),
  release: releaseSchema,
  service: serviceConfigSchema,
  admission: z.optional(
    z.object({
      recordId: z.string(),
      admittedAt: z.string(),
      supersedes: z.optional(z.string()),
      needsApproval: z.optional(z.boolean()),
      approvalTimeoutSeconds: z.optional(z.number()),
      slack: z.optional(z.object({ channel: z.string(), ts: z.string() })),
    }),
  ),
  /** SendTaskSuccess output of the approval: who approved and when. */
  approval: z.optional(z.object({ decision: z.literal('approved'), by: z.string(), at: z.string() })),
  /** Present when nobody decided in time and the policy approves on timeout. */
  approvalTimeout: z.optional(z.object({ Error: z.string(), Cause: z.optional(z.string()) })),
  scan: z.optional(z.union([z.looseObject({ done: z.literal(true), passed: z.boolean(), reason: z.string(), at: z.string(), blocking: z.array(z.unknown()), blockingTotal: z.number() }), pendingSchema])),
  deploy: z.optional(z.union([deploymentSchema, blockedSchema], { error: "the Deploy step's output: a deployment (revision, previousRevision, …) or { blocked }" })),
  rollout: z.optional(watchedSchema),
  bake: z.optional(z.union([z.looseObject({ done: z.literal(true), startedAt: z.string(), finishedAt: z.string(), summary: z.string(), verdicts: z.array(z.unknown()) }), pendingSchema])),
  failure: z.optional(errorOutputSchema),
  rollback: z.optional(z.object({ revision: z.string(), deploymentId: z.string(), startedAt: z.string(), adopted: z.boolean() })),
  rollbackDone: z.optional(watchedSchema),
  rollbackFailure: z.optional(errorOutputSchema),
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

export function requireRollback(state: WorkflowState): NonNullable<WorkflowState['rollback']> {
  if (!state.rollback) throw new Error('workflow state has no rollback: the state machine called this task out of order');
  return state.rollback;
}

export function requireRecordId(state: WorkflowState): string {
  if (!state.admission) throw new Error('workflow state has no admission: the state machine called this task out of order');
  return state.admission.recordId;
}

/** A look's result once its subject is there; undefined while it is pending (or was never looked at). */
export function finished<T extends { done: boolean }>(look: T | undefined): Extract<T, { done: true }> | undefined {
  return look?.done ? (look as Extract<T, { done: true }>) : undefined;
}
