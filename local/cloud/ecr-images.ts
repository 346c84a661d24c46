import { createHash } from 'node:crypto';
import type {
  BatchGetImageCommandInput,
  BatchGetImageCommandOutput,
  DescribeImagesCommandInput,
  DescribeImagesCommandOutput,
  ImageIdentifier,
  ListImagesCommandInput,
  ListImagesCommandOutput,
  PutImageCommandInput,
  PutImageCommandOutput,
} from '@aws-sdk/client-ecr';
import type { EcrModel, Repository, StoredImage } from './ecr.js';
import { CloudError } from './errors.js';
import { profile, type ImageProfile } from './profiles.js';

// ECR's image operations over the simulated registry: what `aws ecr
// describe-images`, `list-images`, `batch-get-image` and `put-image` (a push,
// or the batch-get-image + put-image retag recipe) need.

type Out<T> = Omit<T, '$metadata'>;

const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';
/** A manifest annotation the sandbox reads to decide how a pushed image behaves (a Partial<ImageProfile> as JSON). */
export const BEHAVIOUR_ANNOTATION = 'shipwatch.sandbox/behaviour';

/** A small, valid OCI manifest for an image the sandbox seeded; its config digest ties it to the image's digest. */
export function seededManifest(digest: string): string {
  const hex = digest.slice(digest.indexOf(':') + 1);
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: MANIFEST_TYPE,
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: `sha256:${createHash('sha256').update(`config:${hex}`).digest('hex')}`,
      size: 1469,
    },
    layers: [
      {
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: `sha256:${createHash('sha256').update(`layer:${hex}`).digest('hex')}`,
        size: 29_123_456,
      },
    ],
  });
}

const sizeOf = (manifest: string) => {
  try {
    const layers = (JSON.parse(manifest) as { layers?: { size?: number }[] }).layers ?? [];
    return layers.reduce((n, l) => n + (l.size ?? 0), 0);
  } catch {
    return 0;
  }
};

function notFound(model: EcrModel, repo: Repository, id: ImageIdentifier): CloudError {
  return new CloudError(
    'ImageNotFoundException',
    `The image with imageId {imageDigest:'${id.imageDigest ?? ''}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${repo.name}' in the registry with id '${model.account}'`,
  );
}

function find(repo: Repository, id: ImageIdentifier): StoredImage | undefined {
  return [...repo.images.values()].find((i) => (!id.imageDigest || i.digest === id.imageDigest) && (!id.imageTag || i.tags.includes(id.imageTag)));
}

export function describeImages(model: EcrModel, input: DescribeImagesCommandInput): Out<DescribeImagesCommandOutput> {
  const repo = model.repo(input.repositoryName);
  const images = input.imageIds?.length
    ? input.imageIds.map((id) => {
        const image = find(repo, id);
        if (!image) throw notFound(model, repo, id);
        return image;
      })
    : [...repo.images.values()].filter((i) =>
        input.filter?.tagStatus === 'TAGGED' ? i.tags.length > 0 : input.filter?.tagStatus === 'UNTAGGED' ? i.tags.length === 0 : true,
      );
  const start = input.nextToken ? Number(input.nextToken) : 0;
  const size = input.maxResults ?? 100;
  return {
    imageDetails: images.slice(start, start + size).map((i) => ({
      registryId: model.account,
      repositoryName: repo.name,
      imageDigest: i.digest,
      ...(i.tags.length > 0 ? { imageTags: [...i.tags] } : {}),
      imageSizeInBytes: sizeOf(i.manifest),
      imagePushedAt: new Date(i.pushedAt),
      imageManifestMediaType: MANIFEST_TYPE,
      artifactMediaType: 'application/vnd.oci.image.config.v1+json',
      ...(i.scanStartedAt !== undefined ? { imageScanStatus: { status: 'COMPLETE' as const, description: 'The scan was completed successfully.' } } : {}),
    })),
    ...(start + size < images.length ? { nextToken: String(start + size) } : {}),
  };
}

export function listImages(model: EcrModel, input: ListImagesCommandInput): Out<ListImagesCommandOutput> {
  const repo = model.repo(input.repositoryName);
  const status = input.filter?.tagStatus;
  const ids = [...repo.images.values()].flatMap((i) =>
    i.tags.length === 0
      ? status === 'TAGGED'
        ? []
        : [{ imageDigest: i.digest }]
      : status === 'UNTAGGED'
        ? []
        : i.tags.map((imageTag) => ({ imageDigest: i.digest, imageTag })),
  );
  const start = input.nextToken ? Number(input.nextToken) : 0;
  const size = input.maxResults ?? 100;
  return { imageIds: ids.slice(start, start + size), ...(start + size < ids.length ? { nextToken: String(start + size) } : {}) };
}

export function batchGetImage(model: EcrModel, input: BatchGetImageCommandInput): Out<BatchGetImageCommandOutput> {
  const repo = model.repo(input.repositoryName);
  const images: NonNullable<BatchGetImageCommandOutput['images']> = [];
  const failures: NonNullable<BatchGetImageCommandOutput['failures']> = [];
  for (const id of input.imageIds ?? []) {
    const image = find(repo, id);
    if (!image)
      failures.push({ imageId: id, failureCode: id.imageTag ? 'ImageTagDoesNotMatchDigest' : 'ImageNotFound', failureReason: 'Requested image not found' });
    else
      images.push({
        registryId: model.account,
        repositoryName: repo.name,
        imageId: { imageDigest: image.digest, ...(id.imageTag ? { imageTag: id.imageTag } : {}) },
        imageManifest: image.manifest,
        imageManifestMediaType: MANIFEST_TYPE,
      });
  }
  return { images, failures };
}

/** How a pushed image behaves: the manifest's sandbox annotation, else like the image it re-tags, else a good release. */
function behaviourOf(manifest: string): Partial<ImageProfile> {
  try {
    const raw = (JSON.parse(manifest) as { annotations?: Record<string, string> }).annotations?.[BEHAVIOUR_ANNOTATION];
    return raw ? (JSON.parse(raw) as Partial<ImageProfile>) : {};
  } catch {
    return {};
  }
}

/**
 * A push: the digest is the SHA-256 of the manifest bytes, as ECR computes it.
 * Pushing a manifest that is already there under a new tag adds the tag (the
 * retag recipe); under a tag it already has, ECR refuses.
 */
export function putImage(model: EcrModel, input: PutImageCommandInput): Out<PutImageCommandOutput> {
  const repo = model.repo(input.repositoryName);
  const manifest = input.imageManifest;
  if (!manifest) throw new CloudError('InvalidParameterException', 'imageManifest is required');
  try {
    JSON.parse(manifest);
  } catch {
    throw new CloudError('InvalidParameterException', "Invalid parameter at 'imageManifest' failed to satisfy constraint: 'Invalid JSON syntax'");
  }
  const digest = `sha256:${createHash('sha256').update(manifest, 'utf8').digest('hex')}`;
  if (input.imageDigest && input.imageDigest !== digest)
    throw new CloudError('ImageDigestDoesNotMatchException', `The provided image digest ${input.imageDigest} does not match the calculated digest ${digest}`);
  const tag = input.imageTag;
  // The retag recipe sends back the manifest batch-get-image returned: it names the same image.
  const same = [...repo.images.values()].find((i) => i.manifest === manifest);
  if (same && tag && same.tags.includes(tag)) {
    throw new CloudError(
      'ImageAlreadyExistsException',
      `Image with digest '${same.digest}' and tag '${tag}' already exists in the repository with name '${repo.name}' in registry with id '${model.account}'`,
    );
  }
  const event = model.push(repo.name, tag ?? '', same?.profile ?? profile(behaviourOf(manifest)), { digest: same?.digest ?? digest, manifest });
  model.onPutImage?.(event);
  return {
    image: {
      registryId: model.account,
      repositoryName: repo.name,
      imageId: { imageDigest: same?.digest ?? digest, ...(tag ? { imageTag: tag } : {}) },
      imageManifest: manifest,
      imageManifestMediaType: input.imageManifestMediaType ?? MANIFEST_TYPE,
    },
  };
}
