import * as v from 'valibot';
import { dnsSuffix } from '../aws/partition.js';
import '../validation/messages.js';
import { object } from '../validation/object.js';
import { imageDigestSchema, isoDateTime, type EcrPushEvent } from '../events/ecr-push.js';

/** One pushed image as the workflow carries it: everything needed to deploy it by digest. */
export const releaseSchema = object({
  repository: v.string(),
  registry: v.string(),
  digest: imageDigestSchema,
  tag: v.optional(v.string()),
  /** `<registry>/<repository>@<digest>`: never a mutable tag. */
  imageUri: v.string(),
  /** The push event's time: the record id (recordIdOf) is made from it. */
  pushedAt: isoDateTime,
  /** The push event's id; for `shipwatch deploy`, an id of the request. */
  eventId: v.string(),
  region: v.string(),
  /** Who asked for this deployment with `shipwatch deploy` (their IAM identity, sts:GetCallerIdentity); absent for a push. */
  requestedBy: v.optional(v.string()),
});
export type Release = v.InferOutput<typeof releaseSchema>;

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
