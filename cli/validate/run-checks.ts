import type { Config } from '../../shared/config/schema.js';
import type { AwsClients } from '../aws-clients.js';
import type { Check } from './check.js';
import { checkAlarms, checkMetrics } from './cloudwatch.js';
import { checkRepositories } from './ecr.js';
import { checkEcsServices } from './ecs.js';
import { checkEks } from './eks.js';
import { checkSlack, type SlackSettings } from './slack.js';

/** Every read-only check of `validate --aws`, in the order a push meets them: image, target, health, Slack. */
export async function runChecks(clients: AwsClients, config: Config, slack: SlackSettings, now: Date): Promise<Check[]> {
  // A metric naming {revision} is checked for what the EKS Deployment runs now, so it waits for those checks.
  const revisions = new Map<string, string>();
  const eksChecks = checkEks(clients.eks(), config, now, revisions);
  const [repositories, ecs, eks, alarms, metrics, slackChecks] = await Promise.all([
    checkRepositories(clients.ecr(), config),
    checkEcsServices(clients.ecs(), config),
    eksChecks,
    checkAlarms(clients.cloudwatch(), config),
    eksChecks.then(() => checkMetrics(clients.cloudwatch(), config, now, revisions)),
    checkSlack(clients.ssm(), config, slack),
  ]);
  return [...repositories, ...ecs, ...eks, ...alarms, ...metrics, ...slackChecks];
}
