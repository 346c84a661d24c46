import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { Config } from '../config/schema.js';
import type { EcrPushEvent } from '../events/ecr-push.js';
import { executionName, matchServices } from '../match/match-push.js';
import type { ServiceConfig } from '../config/schema.js';
import { releaseFromPush, type Release } from '../release/release.js';
import type { ExecutionInput } from '../workflow/state.js';

export interface TriggerResult {
  repository: string;
  tag?: string;
  digest: string;
  started: { service: string; executionArn: string }[];
  duplicates: { service: string; execution: string }[];
}

/**
 * What a deploy execution starts from: the release and the service's config.
 * A push and `shipwatch deploy` start the same workflow from the same input,
 * so both go through the same scan gate, approval and lease.
 */
export function deploymentInput(release: Release, service: ServiceConfig): ExecutionInput {
  return { release, service };
}

/**
 * One execution per matching service, named after service, digest and the
 * event's id (executionName): a duplicate delivery of the event hits
 * ExecutionAlreadyExists (or finds its execution running) and starts nothing;
 * a new tag of the image is a new event, and starts a new execution. Every
 * service is tried even if one fails, so a retry of the whole event only
 * redoes the ones that failed.
 */
export async function startDeployments(sfn: SFNClient, stateMachineArn: string, config: Config, event: EcrPushEvent): Promise<TriggerResult> {
  const release = releaseFromPush(event);
  const result: TriggerResult = {
    repository: release.repository,
    ...(release.tag ? { tag: release.tag } : {}),
    digest: release.digest,
    started: [],
    duplicates: [],
  };
  const errors: Error[] = [];
  for (const service of matchServices(config, release)) {
    const name = executionName(service.name, release.digest, release.eventId);
    const input = deploymentInput(release, service);
    try {
      const out = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
      result.started.push({ service: service.name, executionArn: out.executionArn ?? name });
    } catch (error) {
      if ((error as Error).name === 'ExecutionAlreadyExists') result.duplicates.push({ service: service.name, execution: name });
      else errors.push(error as Error);
    }
  }
  if (errors.length > 0) throw errors[0];
  return result;
}
