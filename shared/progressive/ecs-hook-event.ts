import * as v from 'valibot';
import '../validation/messages.js';
import { looseObject } from '../validation/object.js';

// What ECS sends a Lambda lifecycle hook and what it takes back
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/lambda-lifecycle-hooks.html):
// executionId, lifecycleStage, resourceArn (the service deployment),
// executionDetails (service, target revision, the test and production traffic
// weights by service revision ARN) and, when set, hookDetails (the service
// definition's, merged with what the previous IN_PROGRESS answer returned).
// The older flat payload of the first blue/green pages is not accepted:
// today's page and AWS's samples nest it under executionDetails.

export const LIFECYCLE_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

const arnOf = (kind: string) =>
  v.pipe(v.string(), v.regex(new RegExp(`^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\\d{12}:${kind}/[^/]+/[^/]+(/[^/]+)?$`), `an ECS ${kind} ARN`));
const weights = v.record(v.string(), v.pipe(v.number(), v.minValue(0), v.maxValue(100)));

export const hookEventSchema = looseObject({
  executionId: v.pipe(v.string(), v.minLength(1)),
  lifecycleStage: v.picklist(LIFECYCLE_STAGES),
  resourceArn: arnOf('service-deployment'),
  executionDetails: looseObject({
    serviceArn: arnOf('service'),
    targetServiceRevisionArn: arnOf('service-revision'),
    testTrafficWeights: weights,
    productionTrafficWeights: weights,
  }),
  hookDetails: v.optional(v.record(v.string(), v.unknown())),
});
export type HookEvent = v.InferOutput<typeof hookEventSchema>;

/** The answer: SUCCEEDED goes on, FAILED makes ECS roll back, IN_PROGRESS asks again after callBackDelay seconds (default 30). */
export type HookResponse =
  | { hookStatus: 'SUCCEEDED' }
  | { hookStatus: 'FAILED' }
  | { hookStatus: 'IN_PROGRESS'; callBackDelay: number; hookDetails?: Record<string, unknown> };

/** `arn:aws:ecs:<region>:<account>:service/<cluster>/<service>` → cluster and service. */
export function serviceOf(serviceArn: string): { cluster: string; service: string } {
  const [cluster = '', service = ''] = serviceArn.slice(serviceArn.indexOf(':service/') + ':service/'.length).split('/');
  return { cluster, service };
}

/** The new revision's share of one kind of traffic, and whether the map is about it at all. */
export function weightOfTarget(event: HookEvent, which: 'testTrafficWeights' | 'productionTrafficWeights'): number | undefined {
  return event.executionDetails[which][event.executionDetails.targetServiceRevisionArn];
}

/**
 * ECS re-invokes TEST_TRAFFIC_SHIFT and PRODUCTION_TRAFFIC_SHIFT hooks while
 * it rolls back, with the weights moving back: the target (green) revision at
 * 0 and the other at 100 ("Lifecycle hooks during rollback"). There is no
 * ROLLBACK stage to tell it by.
 */
export function isRollbackInvocation(event: HookEvent): boolean {
  const which =
    event.lifecycleStage === 'PRODUCTION_TRAFFIC_SHIFT'
      ? 'productionTrafficWeights'
      : event.lifecycleStage === 'TEST_TRAFFIC_SHIFT'
        ? 'testTrafficWeights'
        : undefined;
  if (!which) return false;
  const map = event.executionDetails[which];
  const target = map[event.executionDetails.targetServiceRevisionArn];
  return target === 0 && Object.entries(map).some(([arn, w]) => arn !== event.executionDetails.targetServiceRevisionArn && w === 100);
}
