import * as v from 'valibot';
import '../validation/messages.js';
import { InvalidInput } from '../errors.js';
import { describeIssues } from '../validation/issues.js';
import { looseObject } from '../validation/object.js';
import { alarmKey, ecsServiceKey, scanKey, type Wake } from './keys.js';
import { imageDigestSchema } from '../events/ecr-push.js';

// The EventBridge events that end a wait, each reduced to the keys it concerns
// (waits/keys.ts). Shapes as published:
// - ECR Image Scan (basic scanning):
//   https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-eventbridge.html
// - Inspector2 Scan (enhanced scanning; repository-name holds the repository ARN):
//   https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-enhanced-events.html
// - ECS Deployment State Change (resources[0] is the service ARN):
//   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_deployment_events.html
// - CloudWatch Alarm State Change:
//   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html

// The same digest check as the push event's: a scan event must wake the push's own wait.
const scanDetail = looseObject({ 'repository-name': v.pipe(v.string(), v.minLength(1)), 'image-digest': imageDigestSchema });
const WAKE_EVENTS = {
  'ECR Image Scan': looseObject({ source: v.literal('aws.ecr'), 'detail-type': v.literal('ECR Image Scan'), detail: scanDetail }),
  'Inspector2 Scan': looseObject({ source: v.literal('aws.inspector2'), 'detail-type': v.literal('Inspector2 Scan'), detail: scanDetail }),
  'ECS Deployment State Change': looseObject({
    source: v.literal('aws.ecs'),
    'detail-type': v.literal('ECS Deployment State Change'),
    resources: v.pipe(v.array(v.string()), v.minLength(1)),
    detail: looseObject({ eventName: v.string() }),
  }),
  'CloudWatch Alarm State Change': looseObject({
    source: v.literal('aws.cloudwatch'),
    'detail-type': v.literal('CloudWatch Alarm State Change'),
    detail: looseObject({ alarmName: v.pipe(v.string(), v.minLength(1)) }),
  }),
};
type DetailType = keyof typeof WAKE_EVENTS;
const DETAIL_TYPES = Object.keys(WAKE_EVENTS) as DetailType[];
/** Any other event (or none): refused by its detail-type, in the words zod used for a discriminated union. */
const otherEvent = looseObject({
  'detail-type': v.picklist(DETAIL_TYPES, `Invalid discriminator value. Expected ${DETAIL_TYPES.map((t) => `'${t}'`).join(' | ')}`),
});
// The event's detail-type picks the one shape it is checked against.
const wakeEventSchema = v.lazy((event: unknown) => {
  const type = (event as { 'detail-type'?: unknown } | null)?.['detail-type'];
  return typeof type === 'string' && Object.hasOwn(WAKE_EVENTS, type) && !Array.isArray(event) ? WAKE_EVENTS[type as DetailType] : otherEvent;
}) as v.GenericSchema<unknown, v.InferOutput<(typeof WAKE_EVENTS)[DetailType]>>;

/** `arn:aws:ecr:us-east-1:123456789012:repository/team/app` → `team/app`; a bare name stays as it is. */
const repositoryName = (nameOrArn: string) =>
  nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.indexOf(':repository/') + ':repository/'.length) : nameOrArn;

export function wakeOf(event: unknown): Wake {
  const parsed = v.safeParse(wakeEventSchema, event);
  if (!parsed.success)
    throw new InvalidInput(
      `not an event that ends a wait (ECR Image Scan, Inspector2 Scan, ECS Deployment State Change, CloudWatch Alarm State Change): ${describeIssues(parsed.issues, '(event)', wakeEventSchema).join('; ')}`,
    );
  const e = parsed.output;
  switch (e['detail-type']) {
    case 'ECR Image Scan':
    case 'Inspector2 Scan': {
      const repository = repositoryName(e.detail['repository-name']);
      return { keys: [scanKey(repository, e.detail['image-digest'])], what: `${e['detail-type']} of ${repository}@${e.detail['image-digest']}` };
    }
    case 'ECS Deployment State Change': {
      // arn:aws:ecs:<region>:<account>:service/<cluster>/<service>
      const keys = e.resources.flatMap((arn) => {
        const path = arn.split(':service/')[1]?.split('/');
        return path?.length === 2 ? [ecsServiceKey(path[0]!, path[1]!)] : [];
      });
      return { keys, what: `${e.detail.eventName} for ${keys.join(', ')}` };
    }
    case 'CloudWatch Alarm State Change':
      return { keys: [alarmKey(e.detail.alarmName)], what: `alarm ${e.detail.alarmName} changed state` };
  }
}
