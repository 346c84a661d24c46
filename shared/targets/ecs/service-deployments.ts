import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  ListServiceDeploymentsCommand,
  type ECSClient,
  type Service,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import { TargetMisconfigured } from '../../errors.js';

// Reading ECS service deployments and service revisions
// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServiceDeployments.html,
// API_ListServiceDeployments.html, API_DescribeServiceRevisions.html). A
// service deployment names service revisions; a revision names the task
// definition it runs, which is what Shipwatch registered and compares.

/** One service deployment; a missing one is an error that names it. */
export async function describeServiceDeployment(ecs: ECSClient, arn: string): Promise<ServiceDeployment> {
  const out = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
  const found = out.serviceDeployments?.find((d) => d.serviceDeploymentArn === arn);
  if (found) return found;
  const reason = out.failures?.find((f) => f.arn === arn)?.reason ?? 'not returned';
  throw new TargetMisconfigured(`DescribeServiceDeployments: service deployment ${arn} ${reason}`);
}

/** The task definition each service revision runs (DescribeServiceRevisions takes up to 20 ARNs a call). */
export async function revisionTaskDefinitions(ecs: ECSClient, arns: (string | undefined)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(arns.filter((a): a is string => Boolean(a)))];
  const found = new Map<string, string>();
  for (let i = 0; i < wanted.length; i += 20) {
    const out = await ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: wanted.slice(i, i + 20) }));
    for (const r of out.serviceRevisions ?? []) if (r.serviceRevisionArn && r.taskDefinition) found.set(r.serviceRevisionArn, r.taskDefinition);
  }
  return found;
}

/** The task definitions a service deployment goes to (target) and from (sources). */
export async function deploymentRevisions(ecs: ECSClient, d: ServiceDeployment): Promise<{ target?: string; sources: string[] }> {
  const sources = (d.sourceServiceRevisions ?? []).map((s) => s.arn);
  const tds = await revisionTaskDefinitions(ecs, [d.targetServiceRevision?.arn, ...sources]);
  const target = d.targetServiceRevision?.arn ? tds.get(d.targetServiceRevision.arn) : undefined;
  return { ...(target ? { target } : {}), sources: sources.map((a) => (a ? tds.get(a) : undefined)).filter((t): t is string => Boolean(t)) };
}

/**
 * The service's current service deployment: DescribeServices says which
 * (`currentServiceDeployment`); a service that does not (created before
 * service deployments existed) is asked with ListServiceDeployments, newest
 * first by creation (the API documents no order, so all pages are read).
 */
export async function currentServiceDeployment(ecs: ECSClient, service: Service, cluster: string): Promise<string | undefined> {
  if (service.currentServiceDeployment) return service.currentServiceDeployment;
  let newest: { arn: string; at: number } | undefined;
  let nextToken: string | undefined;
  do {
    const out = await ecs.send(
      new ListServiceDeploymentsCommand({ cluster, service: service.serviceName ?? '', maxResults: 100, ...(nextToken ? { nextToken } : {}) }),
    );
    for (const d of out.serviceDeployments ?? []) {
      const at = new Date(d.createdAt ?? d.startedAt ?? 0).getTime();
      if (d.serviceDeploymentArn && (!newest || at > newest.at)) newest = { arn: d.serviceDeploymentArn, at };
    }
    nextToken = out.nextToken;
  } while (nextToken);
  return newest?.arn;
}
