import { DescribeServiceRevisionsCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { RevisionScope } from '../progressive.js';

/**
 * `arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>` →
 * `targetgroup/<name>/<id>`, the value of the ALB metrics' TargetGroup
 * dimension (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html).
 */
export const targetGroupDimension = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);

/**
 * The new revision alone, for metrics: its task definition, and the target
 * group its tasks serve from. ECS registers the new revision's tasks with
 * whichever of the two target groups production is not on, and says which in
 * the service revision's `resolvedConfiguration` ("the actual resources your
 * service revision uses, such as which target groups serve traffic",
 * API_ServiceRevision.html / API_ResolvedConfiguration.html). Without it the
 * scope has no target group and the checks measure the whole service.
 */
export async function revisionScope(ecs: ECSClient, serviceRevisionArn: string): Promise<RevisionScope> {
  const out = await ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [serviceRevisionArn] }));
  const revision = out.serviceRevisions?.find((r) => r.serviceRevisionArn === serviceRevisionArn);
  const targetGroup = revision?.resolvedConfiguration?.loadBalancers?.find((lb) => lb.targetGroupArn)?.targetGroupArn;
  return { revision: revision?.taskDefinition ?? serviceRevisionArn, ...(targetGroup ? { targetGroup: targetGroupDimension(targetGroup) } : {}) };
}
