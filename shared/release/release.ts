import * as z from 'zod/mini';
import { dnsSuffix } from '../aws/partition.js';
import '../validation/zod-messages.js';
import { imageDigestSchema, type EcrPushEvent } from '../events/ecr-push.js';

/** One pushed image as the workflow carries it: everything needed to deploy it by digest. */
export const releaseSchema = z.object({
  repository: z.string(),
  registry: z.string(),
  digest: imageDigestSchema,
  tag: z.optional(z.string()),
  /** `<registry>/<repository>@<digest>`: never a mutable tag. */
  imageUri: z.string(),
  /** The push event's time: the record id (recordIdOf) is made from it. */
  pushedAt: z.iso.datetime({ offset: true }),
  /** The push event's id; for `shipwatch deploy`, an id of the request. */
  eventId: z.string(),
  region: z.string(),
  /** Who asked for this deployment with `shipwatch deploy` (their IAM identity, sts:GetCallerIdentity); absent for a push. */
  requestedBy: z.optional(z.string()),
});
export type Release = z.infer<typeof releaseSchema>;

export function registryHost(account: string, region: string): string {
  return `${account}.dkr.ecr.${region}.${dnsSuffix(region)}`;
}

export function releaseFromPush(event: EcrPushEvent): Release {
  const registry = registryHost(event.account, event.region);
  const repository = event.detail['repository-name'];
  const digest = event.detail['image-digest'];
  const tag = event.detail['image-tag'];
  return {
    repository,
    registry,
    digest,
    ...(tag ? { tag } : {}),
    imageUri: `${registry}/${repository}@${digest}`,
    pushedAt: event.time,
    eventId: event.id,
    region: event.region,
  };
}
