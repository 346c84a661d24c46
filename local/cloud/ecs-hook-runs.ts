import { createHash } from 'node:crypto';
import type { HookRun, SimServiceDeployment, Stage } from './ecs-deployment-types.js';

// Lifecycle hook executions of the simulated ECS: which hooks run at a stage,
// what ECS sends a Lambda hook, and what it makes of the answer
// (developerguide/lambda-lifecycle-hooks.html, pause-lifecycle-hooks.html,
// deployment-lifecycle-hooks.html).

const DEFAULT_TIMEOUT_MINUTES = 1440;
/** ECS calls an IN_PROGRESS hook again after this long unless it returns a callBackDelay. */
export const DEFAULT_CALLBACK_SECONDS = 30;

const hash = (...parts: (string | number)[]) => createHash('sha256').update(parts.join('|')).digest();
const base64url = (b: Buffer) => b.toString('base64url');
/** `8-4-4-4-12` hex, like ECS's executionIds. */
const uuid = (b: Buffer) => b.toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5');

/** The hooks configured at `stage`, started at `at`; during a rollback only Lambda hooks run (pause hooks cannot be at the recurring stages). */
export function hooksAt(d: SimServiceDeployment, stage: Stage, at: number, duringRollback: boolean): HookRun[] {
  const runs: HookRun[] = [];
  (d.config.lifecycleHooks ?? []).forEach((hook, i) => {
    if (!(hook.lifecycleStages as string[] | undefined)?.includes(stage)) return;
    const type = hook.targetType ?? 'AWS_LAMBDA';
    if (duringRollback && type !== 'AWS_LAMBDA') return;
    const id = hash(d.arn, stage, d.step, i, at);
    const timeout = hook.timeoutConfiguration?.timeoutInMinutes ?? DEFAULT_TIMEOUT_MINUTES;
    runs.push({
      hookId: type === 'PAUSE' ? `ecs-pause-${base64url(id)}` : `ecs-lambda-${base64url(id).slice(0, 32)}`,
      targetType: type,
      ...(hook.hookTargetArn ? { targetArn: hook.hookTargetArn } : {}),
      ...(hook.roleArn ? { roleArn: hook.roleArn } : {}),
      stage,
      status: type === 'PAUSE' ? 'AWAITING_ACTION' : 'IN_PROGRESS',
      startedAt: at,
      expiresAt: at + timeout * 60_000,
      timeoutAction: hook.timeoutConfiguration?.action ?? 'ROLLBACK',
      executionId: uuid(hash('execution', d.arn, stage, d.step, i, at)),
      details: { ...((hook.hookDetails as Record<string, unknown> | undefined) ?? {}) },
      ...(type === 'AWS_LAMBDA' ? { nextInvokeAt: at } : {}),
      invoking: false,
      invocations: 0,
      duringRollback,
    });
  });
  return runs;
}

/**
 * What ECS sends the Lambda: the stage, the service deployment, and the
 * weights as the page's payloads show them per stage: test weights during
 * TEST_TRAFFIC_SHIFT, production weights at PRE_PRODUCTION_TRAFFIC_SHIFT and
 * PRODUCTION_TRAFFIC_SHIFT, empty maps elsewhere; during a rollback the
 * target revision at 0 and the source at 100.
 */
export function payloadOf(d: SimServiceDeployment, h: HookRun, serviceArn: string): Record<string, unknown> {
  const both = (target: number) => ({ [d.target.arn]: target, [d.source.arn]: Math.round((100 - target) * 10) / 10 });
  let test: Record<string, number> = {};
  let production: Record<string, number> = {};
  if (h.stage === 'TEST_TRAFFIC_SHIFT') test = both(h.duringRollback ? 0 : 100);
  if (h.stage === 'PRODUCTION_TRAFFIC_SHIFT') production = both(h.duringRollback ? 0 : (d.steps[d.step] ?? 0));
  if (h.stage === 'PRE_PRODUCTION_TRAFFIC_SHIFT') production = both(d.steps[d.step] ?? 0);
  return {
    executionId: h.executionId,
    lifecycleStage: h.stage,
    resourceArn: d.arn,
    executionDetails: { serviceArn, targetServiceRevisionArn: d.target.arn, testTrafficWeights: test, productionTrafficWeights: production },
    ...(Object.keys(h.details).length > 0 ? { hookDetails: h.details } : {}),
  };
}

export type HookAnswer = { ok: true; value: unknown } | { ok: false; error: Error };

/**
 * What ECS makes of one invocation: SUCCEEDED goes on; IN_PROGRESS is asked
 * again after callBackDelay seconds (default 30), its hookDetails merged into
 * the next payload; FAILED, anything else, or a failed invocation rolls the
 * deployment back ("If your function doesn't return a valid hookStatus, or if
 * it fails, Amazon ECS rolls back the deployment").
 */
export function judgeAnswer(h: HookRun, answer: HookAnswer, at: number): { fail?: string } {
  h.invoking = false;
  h.invocations += 1;
  if (!answer.ok) {
    h.status = 'FAILED';
    return { fail: `lifecycle hook ${h.targetArn} failed at ${h.stage}: ${answer.error.name}: ${answer.error.message}` };
  }
  const value = answer.value as { hookStatus?: unknown; callBackDelay?: unknown; hookDetails?: unknown } | null;
  switch (value?.hookStatus) {
    case 'SUCCEEDED':
      h.status = 'SUCCEEDED';
      h.decidedAt = at;
      return {};
    case 'IN_PROGRESS': {
      const delay = typeof value.callBackDelay === 'number' && value.callBackDelay > 0 ? value.callBackDelay : DEFAULT_CALLBACK_SECONDS;
      h.nextInvokeAt = at + delay * 1000;
      if (value.hookDetails && typeof value.hookDetails === 'object') h.details = { ...h.details, ...(value.hookDetails as Record<string, unknown>) };
      return {};
    }
    case 'FAILED':
      h.status = 'FAILED';
      return { fail: `lifecycle hook ${h.targetArn} returned FAILED at ${h.stage}` };
    default:
      h.status = 'FAILED';
      return { fail: `lifecycle hook ${h.targetArn} did not return a valid hookStatus at ${h.stage} (got ${JSON.stringify(value)})` };
  }
}
