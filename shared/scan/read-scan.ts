import {
  DescribeRepositoriesCommand,
  StartImageScanCommand,
  paginateDescribeImageScanFindings,
  type ECRClient,
  type ImageScanFindings,
} from '@aws-sdk/client-ecr';
import { InvalidInput } from '../errors.js';
import type { Release } from '../release/release.js';
import { normalizeFindings, type Finding } from './findings.js';

export type ScanRead =
  | { status: 'complete'; findings: Finding[]; scanStatus: string }
  | { status: 'pending'; description: string }
  | { status: 'unsupported'; description: string }
  | { status: 'failed'; description: string };

const PENDING = new Set(['IN_PROGRESS', 'PENDING']);
const COMPLETE = new Set(['COMPLETE', 'ACTIVE']);
const UNSUPPORTED = new Set(['UNSUPPORTED_IMAGE']);

const registryIdOf = (release: Release) => release.registry.split('.')[0];

/**
 * Reads the ECR scan of the pushed digest, page by page. One call per
 * invocation of the scan task: "still scanning" is reported, not waited for.
 */
export async function readScan(ecr: ECRClient, release: Release): Promise<ScanRead> {
  const target = { repositoryName: release.repository, registryId: registryIdOf(release), imageId: { imageDigest: release.digest } };
  const merged: ImageScanFindings = { findings: [], enhancedFindings: [] };
  let status: string | undefined;
  let description = '';
  try {
    for await (const page of paginateDescribeImageScanFindings({ client: ecr, pageSize: 1000 }, target)) {
      status = page.imageScanStatus?.status ?? status;
      description = page.imageScanStatus?.description ?? description;
      merged.findings!.push(...(page.imageScanFindings?.findings ?? []));
      merged.enhancedFindings!.push(...(page.imageScanFindings?.enhancedFindings ?? []));
      if (status && !COMPLETE.has(status)) break;
    }
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'ScanNotFoundException') return startScanIfNeeded(ecr, release);
    if (name === 'ImageNotFoundException' || name === 'RepositoryNotFoundException') {
      throw new InvalidInput(`${release.repository}@${release.digest} is no longer in ECR (${name}); nothing to deploy`, { cause: error });
    }
    throw error;
  }

  if (!status || PENDING.has(status)) return { status: 'pending', description: description || 'scan in progress' };
  if (COMPLETE.has(status)) return { status: 'complete', findings: normalizeFindings(merged), scanStatus: status };
  if (UNSUPPORTED.has(status)) return { status: 'unsupported', description: `${status}: ${description}` };
  return { status: 'failed', description: `${status}: ${description}` };
}

/** No scan exists yet: start one unless the repository scans on push by itself (then it is on its way). */
async function startScanIfNeeded(ecr: ECRClient, release: Release): Promise<ScanRead> {
  const repos = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [release.repository], registryId: registryIdOf(release) }));
  if (repos.repositories?.[0]?.imageScanningConfiguration?.scanOnPush) {
    return { status: 'pending', description: 'waiting for the scan on push to start' };
  }
  try {
    await ecr.send(
      new StartImageScanCommand({
        repositoryName: release.repository,
        registryId: registryIdOf(release),
        imageId: { imageDigest: release.digest },
      }),
    );
    return { status: 'pending', description: 'scan started by Shipwatch' };
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'UnsupportedImageTypeException') return { status: 'unsupported', description: (error as Error).message };
    // One basic scan per image per day (LimitExceeded), or a registry whose
    // enhanced scanning starts scans itself (Validation): a scan is coming.
    if (name === 'LimitExceededException' || name === 'ValidationException') {
      return { status: 'pending', description: `waiting for the existing scan (${name})` };
    }
    throw error;
  }
}
