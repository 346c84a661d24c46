import * as z from 'zod/mini';
import '../validation/zod-messages.js';
import { InvalidInput } from '../errors.js';
import { describeIssues } from '../validation/union-issues.js';
import { alarmKey, ecsServiceKey, scanKey, type Wake } from '../waits/keys.js';
import { imageDigestSchema } from './ecr-push.js';

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
const scanDetail = z.looseObject({ 'repository-name': z.string().check(z.minLength(1)), 'image-digest': imageDigestSchema });
const wakeEventSchema = z.discriminatedUnion('detail-type', [
  z.looseObject({ source: z.literal('aws.ecr'), 'detail-type': z.literal('ECR Image Scan'), detail: scanDetail }),
  z.looseObject({ source: z.literal('aws.inspector2'), 'detail-type': z.literal('Inspector2 Scan'), detail: scanDetail }),
  z.looseObject({ source: z.literal('aws.ecs'), 'detail-type': z.literal('ECS Deployment State Change'), resources: z.array(z.string()).check(z.minLength(1)), detail: z.looseObject({ eventName: z.string() }) }),
  z.looseObject({ source: z.literal('aws.cloudwatch'), 'detail-type': z.literal('CloudWatch Alarm State Change'), detail: z.looseObject({ alarmName: z.string().check(z.minLength(1)) }) }),
]);

/** `arn:aws:ecr:us-east-1:123456789012:repository/team/app` → `team/app`; a bare name stays as it is. */
const repositoryName = (nameOrArn: string) => (nameOrArn.startsWith('arn:') ? nameOrArn.slice(nameOrArn.indexOf(':repository/') + ':repository/'.length) : nameOrArn);

export function wakeOf(event: unknown): Wake {
  const parsed = z.safeParse(wakeEventSchema, event);
  if (!parsed.success) throw new InvalidInput(`not an event that ends a wait (ECR Image Scan, Inspector2 Scan, ECS Deployment State Change, CloudWatch Alarm State Change): ${describeIssues(parsed.error.issues, '(event)').join('; ')}`);
  const e = parsed.data;
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
