import * as v from 'valibot';
import '../validation/messages.js';
import { object, looseObject } from '../validation/object.js';
import { releaseSchema } from '../release/release.js';
import { serviceConfigSchema } from '../config/service-config.js';
import { PLATFORM_KEYS } from '../platforms/registry.js';

// The execution's state, as each task receives it.

const nonEmpty = v.pipe(v.string(), v.minLength(1));

const deploymentSchema = object({
  platform: v.picklist(PLATFORM_KEYS),
  previousRevision: nonEmpty,
  revision: nonEmpty,
  /** '' when the alarm rule or the CLI rolls a finished deployment back: only the rollback is watched. */
  deploymentId: v.string(),
  startedAt: v.string(),
  alreadyRunning: v.boolean(),
  firingAtDeploy: v.optional(v.array(v.string())),
});

/** The deploy step refused to start: the service's alarms already fire (and this is no fix-forward). */
const blockedSchema = object({ blocked: object({ reason: v.string(), alarms: v.array(v.string()) }) });

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The Deploy step's output: `{ blocked }` when it refused, else a deployment.
 * Chosen by that key rather than tried in turn, so a broken deployment is
 * reported field by field instead of as "neither".
 */
const deployOutputSchema = v.lazy((output: unknown) =>
  isObject(output)
    ? 'blocked' in output
      ? blockedSchema
      : deploymentSchema
    : v.custom<never>(() => false, "the Deploy step's output: a deployment (revision, previousRevision, …) or { blocked }"),
);

const errorOutputSchema = object({ Error: v.string(), Cause: v.optional(v.string()) });

/** A look that found its subject not there yet (waits/look.ts): the state machine looks again. */
const pendingEntries = {
  done: v.literal(false),
  detail: v.string(),
  lookAgainSeconds: v.number(),
  lookedAt: v.string(),
  wake: v.array(v.string()),
  awaitEvent: v.boolean(),
  measurementErrors: v.optional(v.number()),
};
const pendingSchema = object(pendingEntries);

/** A look's output: pending (`done: false`) or its result; told apart by `done`, so a broken result is reported field by field. */
const look = <S extends v.GenericSchema>(result: S) => v.lazy((output: unknown) => (isObject(output) && output.done === false ? pendingSchema : result));
const watchedSchema = look(object({ done: v.literal(true), completedAt: v.string(), detail: v.string() }));

const stepSchema = { step: v.number(), steps: v.number(), trafficPercent: v.number() };
const judgedSchema = v.array(object({ ...stepSchema, judgedAt: v.string(), summary: v.string() }));
const positionSchema = object({ ...stepSchema, detail: v.string() });

/** A progressive deployment's look (progressive/advance.ts): done, paused for a person, or pending like any look. */
const progressSchema = v.lazy((output: unknown) =>
  isObject(output) && output.done === true
    ? object({
        done: v.literal(true),
        completedAt: v.string(),
        detail: v.string(),
        judged: judgedSchema,
        scope: v.optional(object({ revision: v.string(), targetGroup: v.optional(v.string()) })),
      })
    : isObject(output) && 'paused' in output
      ? object({
          done: v.literal(false),
          paused: object({ ...stepSchema, detail: v.string(), pauseId: v.string(), expiresAt: v.optional(v.string()) }),
          detail: v.string(),
          lookedAt: v.string(),
          judged: judgedSchema,
        })
      : object({ ...pendingEntries, position: v.optional(positionSchema), judged: judgedSchema, pausedMs: v.optional(v.number()) }),
);

/** The fields of the state, for the schemas made of some of them (the closer's). */
export const workflowStateEntries = {
  /** With `mode: rollback`: why (workflow/rollback-input.ts). */
  rollbackReason: v.optional(object({ trigger: v.picklist(['alarm', 'manual']), detail: v.string() })),
  /** Absent for a push; `rollback` when the alarm rule or the CLI rolls a finished deployment back. */
  mode: v.optional(v.picklist(['rollback'])),
  release: releaseSchema,
  service: serviceConfigSchema,
  admission: v.optional(
    object({
      recordId: v.string(),
      admittedAt: v.string(),
      supersedes: v.optional(v.string()),
      needsApproval: v.optional(v.boolean()),
      approvalTimeoutSeconds: v.optional(v.number()),
      slack: v.optional(object({ channel: v.string(), ts: v.string() })),
    }),
  ),
  /** SendTaskSuccess output of the approval: who approved and when. */
  approval: v.optional(object({ decision: v.literal('approved'), by: v.string(), at: v.string() })),
  /** Present when nobody decided in time and the policy approves on timeout. */
  approvalTimeout: v.optional(object({ Error: v.string(), Cause: v.optional(v.string()) })),
  scan: v.optional(
    look(
      looseObject({
        done: v.literal(true),
        passed: v.boolean(),
        reason: v.string(),
        at: v.string(),
        blocking: v.array(v.unknown()),
        blockingTotal: v.number(),
      }),
    ),
  ),
  deploy: v.optional(deployOutputSchema),
  /** Canary, linear and blue/green: the traffic steps, each judged (absent for a rolling update). */
  progress: v.optional(progressSchema),
  /** SendTaskSuccess output of a pause's promotion: who promoted and when. */
  promotion: v.optional(object({ decision: v.literal('approved'), by: v.string(), at: v.string() })),
  /** Why a pause ended without a promotion: Rejected (an abort) or States.Timeout. */
  promotionFailure: v.optional(errorOutputSchema),
  rollout: v.optional(watchedSchema),
  bake: v.optional(
    look(looseObject({ done: v.literal(true), startedAt: v.string(), finishedAt: v.string(), summary: v.string(), verdicts: v.array(v.unknown()) })),
  ),
  failure: v.optional(errorOutputSchema),
  rollback: v.optional(object({ revision: v.string(), deploymentId: v.string(), startedAt: v.string(), adopted: v.boolean() })),
  rollbackDone: v.optional(watchedSchema),
  rollbackFailure: v.optional(errorOutputSchema),
};

export const workflowStateSchema = object(workflowStateEntries);

export type WorkflowState = v.InferOutput<typeof workflowStateSchema>;
export type ExecutionInput = Pick<WorkflowState, 'release' | 'service'> &
  Partial<Pick<WorkflowState, 'mode' | 'admission' | 'deploy' | 'failure' | 'rollbackReason'>>;
export type DeployedState = v.InferOutput<typeof deploymentSchema>;

export const deploymentOf = (state: WorkflowState): DeployedState | undefined => (state.deploy && 'revision' in state.deploy ? state.deploy : undefined);

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
