import { DescribeRepositoriesCommand, GetRegistryScanningConfigurationCommand, type ECRClient } from '@aws-sdk/client-ecr';
import type { Config } from '../../shared/config/schema.js';
import { callFailed, error, ok, usersOf, warning, type Check } from './check.js';

/** Each repository exists, and how its images are scanned (the scan gate needs findings). */
export async function checkRepositories(ecr: ECRClient, config: Config): Promise<Check[]> {
  let enhanced: boolean | undefined;
  try {
    const registry = await ecr.send(new GetRegistryScanningConfigurationCommand({}));
    enhanced = registry.scanningConfiguration?.scanType === 'ENHANCED';
  } catch {
    // Not every operator may read the registry's settings; the per-repository answer still says a lot.
    enhanced = undefined;
  }
  const repos = usersOf(config.services.map((s) => ({ service: s.name, key: s.image.repository, value: s.image.repository })));
  return Promise.all(
    repos.map(async ({ key: name, services }): Promise<Check> => {
      const resource = `ecr ${name}`;
      try {
        const out = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
        const repo = out.repositories?.[0];
        if (enhanced) return ok(resource, services, 'exists, scans', `${repo?.repositoryUri}; enhanced scanning (Amazon Inspector) for the registry`);
        if (repo?.imageScanningConfiguration?.scanOnPush) return ok(resource, services, 'exists, scans', `${repo.repositoryUri}; basic scanning on push`);
        return warning(
          resource,
          services,
          'exists, scans',
          `${repo?.repositoryUri}; scan on push is off, so Shipwatch starts a basic scan for each push (StartImageScan, limited to one per image per day)`,
          `aws ecr put-image-scanning-configuration --repository-name ${name} --image-scanning-configuration scanOnPush=true`,
        );
      } catch (e) {
        if ((e as Error).name === 'RepositoryNotFoundException') {
          return error(
            resource,
            services,
            'exists, scans',
            `no repository ${name} in this account and region`,
            `check image.repository of ${services.join(', ')}, or create it: aws ecr create-repository --repository-name ${name} --image-scanning-configuration scanOnPush=true`,
          );
        }
        return callFailed(resource, services, 'exists, scans', e, 'ecr:DescribeRepositories');
      }
    }),
  );
}
