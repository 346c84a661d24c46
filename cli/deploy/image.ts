import { DescribeImagesCommand, type ECRClient, type ImageDetail } from '@aws-sdk/client-ecr';
import type { ServiceConfig } from '../../shared/config/schema.js';
import { matchesService } from '../../shared/match/match-push.js';
import { requiresApproval } from '../../shared/slack/approval-policy.js';
import { Refused } from '../errors.js';

/** An image in the service's ECR repository, as DescribeImages describes it. */
export interface FoundImage {
  repository: string;
  /** The registry's account (registryId). */
  account: string;
  digest: string;
  /** Every tag the image has now. */
  tags: string[];
}

/** The image a tag or a digest names in the service's repository (ecr:DescribeImages); refused when ECR has none. */
export async function findImage(ecr: ECRClient, service: ServiceConfig, ref: { tag: string } | { digest: string }): Promise<FoundImage> {
  const repository = service.image.repository;
  const imageId = 'tag' in ref ? { imageTag: ref.tag } : { imageDigest: ref.digest };
  let detail: ImageDetail | undefined;
  try {
    detail = (await ecr.send(new DescribeImagesCommand({ repositoryName: repository, imageIds: [imageId] }))).imageDetails?.[0];
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'ImageNotFoundException')
      throw new Refused(
        `${service.name}: no image ${'tag' in ref ? `${repository}:${ref.tag}` : `${repository}@${ref.digest}`} in ECR; push it first (a push deploys it by itself)`,
      );
    if (name === 'RepositoryNotFoundException') throw new Refused(`${service.name}: no ECR repository ${repository} (image.repository of ${service.name})`);
    throw error;
  }
  if (!detail?.imageDigest || !detail.registryId) throw new Refused(`${service.name}: ECR described no image for ${JSON.stringify(imageId)} in ${repository}`);
  return { repository, account: detail.registryId, digest: detail.imageDigest, tags: detail.imageTags ?? [] };
}

/**
 * The tag a deployment of this image carries, as the push of that tag would
 * have: it must be one the service deploys (image.tags), because the tag
 * decides approval (approval.required globs) and fix-forward like a push's.
 * Given a digest, of the image's tags that match, one that needs approval
 * wins (asking is the safe side), then the first in sort order; an image
 * with no matching tag deploys tagless only to a service whose globs accept
 * a push by digest (`*`). Pure; refuses with the reason.
 */
export function deployTag(service: ServiceConfig, image: FoundImage, ref: { tag: string } | { digest: string }): string | undefined {
  const globs = service.image.tags.join(', ');
  if ('tag' in ref) {
    if (matchesService(service, { repository: image.repository, tag: ref.tag })) return ref.tag;
    throw new Refused(
      `${service.name}: ${image.repository}:${ref.tag} does not match its image.tags (${globs}), so a push of it would not deploy to ${service.name} either`,
    );
  }
  const matching = image.tags.filter((tag) => matchesService(service, { repository: image.repository, tag })).sort();
  const chosen = matching.find((tag) => requiresApproval(service.approval, tag)) ?? matching[0];
  if (chosen) return chosen;
  if (matchesService(service, { repository: image.repository })) return undefined;
  const tags = image.tags.length > 0 ? `its tags: ${image.tags.join(', ')}` : 'it has no tag';
  throw new Refused(
    `${service.name}: ${image.repository}@${ref.digest} has no tag matching its image.tags (${globs}) (${tags}); tag it, and the push deploys it`,
  );
}
