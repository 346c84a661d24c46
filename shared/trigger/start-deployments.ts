import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { Config } from '../config/schema.js';
import type { EcrPushEvent } from '../events/ecr-push.js';
import { executionName, matchServices } from '../match/match-push.js';
import { releaseFromPush } from '../release/release.js';
import type { ExecutionInput } from '../workflow/state.js';

export interface TriggerResult {
  repository: string;
  tag?: string;
  digest: string;
  started: { service: string; executionArn: string }[];
  duplicates: { service: string; execution: string }[];
}

/**
 * One execution per matching service, named after service and digest: a
 * duplicate delivery (or the same digest pushed under another tag) hits
 * ExecutionAlreadyExists and starts nothing. Every service is tried even if
 * one fails, so a retry of the whole event only redoes the ones that failed.
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
    const name = executionName(service.name, release.digest);
    const input: ExecutionInput = { release, service };
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
