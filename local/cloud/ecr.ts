import type {
  BatchGetImageCommandInput,
  BatchGetImageCommandOutput,
  DescribeImagesCommandInput,
  DescribeImagesCommandOutput,
  ListImagesCommandInput,
  ListImagesCommandOutput,
  PutImageCommandInput,
  PutImageCommandOutput,
  DescribeImageScanFindingsCommandInput,
  DescribeImageScanFindingsCommandOutput,
  DescribeRepositoriesCommandInput,
  DescribeRepositoriesCommandOutput,
  GetRegistryScanningConfigurationCommandOutput,
  ImageScanFinding,
  StartImageScanCommandInput,
  StartImageScanCommandOutput,
} from '@aws-sdk/client-ecr';
import { CloudError } from './errors.js';
import type { ImageProfile } from './profiles.js';
import { batchGetImage, describeImages, listImages, putImage, seededManifest } from './ecr-images.js';
import { digestOf } from './random.js';

export interface StoredImage {
  digest: string;
  tags: string[];
  pushedAt: number;
  profile: ImageProfile;
  /** The image manifest as pushed (PutImage), or one made for a seeded image. */
  manifest: string;
  scanStartedAt?: number;
}

export interface Repository {
  name: string;
  scanOnPush: boolean;
  images: Map<string, StoredImage>;
}

type Out<T> = Omit<T, '$metadata'>;

/** ECR: repositories, pushed images with their digests, and basic scans that take time. */
export class EcrModel {
  readonly repositories = new Map<string, Repository>();
  /** Told of every push (CloudTrail records who made it). */
  onPush: ((at: number, repository: string, digest: string, tag: string) => void) | undefined;
  /** Told of a push through the API (PutImage): the sandbox's EventBridge delivers the event. */
  onPutImage: ((event: ReturnType<EcrModel['push']>) => void) | undefined;
  private pushes = 0;

  constructor(
    readonly account: string,
    readonly region: string,
    private readonly now: () => number,
    private readonly seed: number,
  ) {}

  createRepository(name: string, scanOnPush = true): void {
    this.repositories.set(name, { name, scanOnPush, images: new Map() });
  }

  get registry(): string {
    return `${this.account}.dkr.ecr.${this.region}.amazonaws.com`;
  }

  /** Stores an image and returns the EventBridge event ECR would emit for the push. */
  push(repositoryName: string, tag: string, profile: ImageProfile, pushed?: { digest: string; manifest: string }) {
    const repo = this.repo(repositoryName);
    this.pushes += 1;
    const digest = pushed?.digest ?? digestOf(this.seed, repositoryName, tag, String(this.pushes));
    const existing = repo.images.get(digest);
    // A tag names one image: pushing it again moves it.
    for (const other of repo.images.values()) if (other !== existing) other.tags = other.tags.filter((t) => t !== tag);
    if (existing) {
      if (tag && !existing.tags.includes(tag)) existing.tags.push(tag);
    } else {
      const manifest = pushed?.manifest ?? seededManifest(digest);
      repo.images.set(digest, {
        digest,
        tags: tag ? [tag] : [],
        pushedAt: this.now(),
        profile,
        manifest,
        ...(repo.scanOnPush ? { scanStartedAt: this.now() } : {}),
      });
    }
    this.onPush?.(this.now(), repositoryName, digest, tag);
    return {
      version: '0',
      id: digestOf(this.seed, 'event', String(this.pushes))
        .slice(7, 43)
        .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, '$1-$2-$3-$4-$5'),
      'detail-type': 'ECR Image Action',
      source: 'aws.ecr',
      account: this.account,
      time: new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.region,
      resources: [],
      detail: { result: 'SUCCESS', 'repository-name': repositoryName, 'image-digest': digest, 'action-type': 'PUSH', ...(tag ? { 'image-tag': tag } : {}) },
    };
  }

  profileOf(imageUri: string): ImageProfile | undefined {
    const match = /^[^/]+\/(.+)@(.+)$/.exec(imageUri);
    if (!match) return undefined;
    return this.repositories.get(match[1]!)?.images.get(match[2]!)?.profile;
  }

  /** The repository by name, or RepositoryNotFoundException as ECR answers. */
  repo(name: string | undefined): Repository {
    const repo = name ? this.repositories.get(name) : undefined;
    if (!repo)
      throw new CloudError('RepositoryNotFoundException', `The repository with name '${name}' does not exist in the registry with id '${this.account}'`);
    return repo;
  }

  image(repo: Repository, digest: string | undefined): StoredImage {
    const image = digest ? repo.images.get(digest) : undefined;
    if (!image)
      throw new CloudError(
        'ImageNotFoundException',
        `The image with imageId {imageDigest:'${digest}'} does not exist within the repository with name '${repo.name}'`,
      );
    return image;
  }

  DescribeRepositories(input: DescribeRepositoriesCommandInput): Out<DescribeRepositoriesCommandOutput> {
    const names = input.repositoryNames ?? [...this.repositories.keys()];
    return {
      repositories: names.map((n) => {
        const repo = this.repo(n);
        return {
          repositoryName: repo.name,
          registryId: this.account,
          repositoryArn: `arn:aws:ecr:${this.region}:${this.account}:repository/${repo.name}`,
          repositoryUri: `${this.registry}/${repo.name}`,
          imageScanningConfiguration: { scanOnPush: repo.scanOnPush },
        };
      }),
    };
  }

  DescribeImages(input: DescribeImagesCommandInput): Out<DescribeImagesCommandOutput> {
    return describeImages(this, input);
  }

  ListImages(input: ListImagesCommandInput): Out<ListImagesCommandOutput> {
    return listImages(this, input);
  }

  BatchGetImage(input: BatchGetImageCommandInput): Out<BatchGetImageCommandOutput> {
    return batchGetImage(this, input);
  }

  PutImage(input: PutImageCommandInput): Out<PutImageCommandOutput> {
    return putImage(this, input);
  }

  /** The simulated registry scans with basic scanning; each repository's scanOnPush says when. */
  GetRegistryScanningConfiguration(): Out<GetRegistryScanningConfigurationCommandOutput> {
    return { registryId: this.account, scanningConfiguration: { scanType: 'BASIC', rules: [] } };
  }

  StartImageScan(input: StartImageScanCommandInput): Out<StartImageScanCommandOutput> {
    const repo = this.repo(input.repositoryName);
    const image = this.image(repo, input.imageId?.imageDigest);
    if (image.scanStartedAt !== undefined) {
      throw new CloudError('LimitExceededException', 'The scan quota per image has been exceeded. Wait and try again.');
    }
    image.scanStartedAt = this.now();
    return { registryId: this.account, repositoryName: repo.name, imageId: { imageDigest: image.digest }, imageScanStatus: { status: 'IN_PROGRESS' } };
  }

  /** Scans that finished (or failed) by `now`: what ECR announces with an ECR Image Scan event. */
  *scansFinishedBy(now: number): Generator<{ repository: string; digest: string; tags: string[]; at: number; status: string; counts: Record<string, number> }> {
    for (const repo of this.repositories.values()) {
      for (const image of repo.images.values()) {
        if (image.scanStartedAt === undefined) continue;
        const at = image.scanStartedAt + image.profile.scanSeconds * 1000;
        if (at > now) continue;
        // ECR leaves out severities with no findings.
        const counts: Record<string, number> = {};
        for (const f of image.profile.findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
        const status = image.profile.scanStatus === 'FAILED' ? 'FAILED' : image.profile.scanStatus ? 'UNSUPPORTED_IMAGE' : 'COMPLETE';
        yield { repository: repo.name, digest: image.digest, tags: image.tags, at, status, counts };
      }
    }
  }

  DescribeImageScanFindings(input: DescribeImageScanFindingsCommandInput): Out<DescribeImageScanFindingsCommandOutput> {
    const repo = this.repo(input.repositoryName);
    const image = this.image(repo, input.imageId?.imageDigest);
    if (image.scanStartedAt === undefined) {
      throw new CloudError(
        'ScanNotFoundException',
        `Image scan does not exist for image with '{imageDigest:'${image.digest}'}' in repository with name '${repo.name}'`,
      );
    }
    const base = { registryId: this.account, repositoryName: repo.name, imageId: { imageDigest: image.digest, imageTag: image.tags[0] } };
    const done = image.scanStartedAt + image.profile.scanSeconds * 1000;
    if (this.now() < done) return { ...base, imageScanStatus: { status: 'IN_PROGRESS', description: 'The scan is in progress.' } };
    if (image.profile.scanStatus) {
      return {
        ...base,
        imageScanStatus: {
          status: image.profile.scanStatus,
          description: image.profile.scanStatus === 'FAILED' ? 'The scan failed.' : 'The operating system and/or package manager are not supported.',
        },
      };
    }
    const all: ImageScanFinding[] = image.profile.findings.map((f) => ({
      name: f.id,
      severity: f.severity,
      uri: `https://security-tracker.example/${f.id}`,
      attributes: [
        { key: 'package_name', value: f.package.split(' ')[0] },
        { key: 'package_version', value: f.package.split(' ')[1] ?? '' },
      ],
    }));
    const start = input.nextToken ? Number(input.nextToken) : 0;
    const size = input.maxResults ?? 100;
    const page = all.slice(start, start + size);
    const counts: Record<string, number> = {};
    for (const f of all) counts[f.severity!] = (counts[f.severity!] ?? 0) + 1;
    return {
      ...base,
      imageScanStatus: { status: 'COMPLETE', description: 'The scan was completed successfully.' },
      imageScanFindings: { findings: page, findingSeverityCounts: counts, imageScanCompletedAt: new Date(done), vulnerabilitySourceUpdatedAt: new Date(done) },
      ...(start + size < all.length ? { nextToken: String(start + size) } : {}),
    };
  }
}
