import type { Service } from '@aws-sdk/client-ecs';
import type { ServiceConfig } from '../../shared/config/schema.js';
import { isRevisionScoped } from '../../shared/health/revision-scope.js';
import { isShipwatchHook, type ProgressiveStrategy } from '../../shared/targets/ecs/deployment-config.js';
import { trafficShiftingProblem } from '../../shared/targets/ecs/hook-function.js';
import { error, ok, warning, type Check } from './check.js';

// What `validate --aws` checks of an ECS service whose strategy is canary,
// linear or blue/green, from the DescribeServices answer it already has: what
// ECS needs to shift its traffic (a load balancer with advancedConfiguration:
// alternate target group, production listener rule, the role ECS edits the
// rules with; a test listener rule for a test-traffic bake; the ECS
// deployment controller, checked with the service), what Shipwatch needs to
// judge each step on the new revision alone, and what it would have to pass.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-deployment-implementation.html
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb-resources-for-blue-green.html

export function progressiveChecks(service: ServiceConfig, strategy: ProgressiveStrategy, found: Service, resource: string): Check[] {
  const who = [service.name];
  const t = service.target.ecs!;
  const checks: Check[] = [];
  const problem = trafficShiftingProblem(found, strategy, `ECS service ${t.cluster}/${t.service}`);
  const lb = found.loadBalancers?.find((l) => l.advancedConfiguration);
  const advanced = lb?.advancedConfiguration;
  checks.push(
    problem || !lb || !advanced
      ? error(
          resource,
          who,
          `traffic shifting (${strategy.type})`,
          problem ?? 'no load balancer with advancedConfiguration',
          `give the service's load balancer an advancedConfiguration: aws ecs update-service --cluster ${t.cluster} --service ${t.service} --load-balancers 'targetGroupArn=<production target group>,containerName=${t.container},containerPort=<port>,advancedConfiguration={alternateTargetGroupArn=<second target group>,productionListenerRule=<listener rule ARN>,roleArn=<role with AmazonECSInfrastructureRolePolicyForLoadBalancers>${strategy.type === 'blueGreen' && strategy.testTrafficBakeMinutes > 0 ? ',testListenerRule=<test listener rule ARN>' : ''}}' (docs/progressive-ecs.md)`,
        )
      : ok(
          resource,
          who,
          `traffic shifting (${strategy.type})`,
          `target groups ${lb.targetGroupArn} and ${advanced.alternateTargetGroupArn}, production listener rule ${advanced.productionListenerRule}${advanced.testListenerRule ? `, test listener rule ${advanced.testListenerRule}` : ''}, role ${advanced.roleArn}`,
        ),
  );
  const scoped = service.health.metrics.filter(isRevisionScoped);
  checks.push(
    scoped.length > 0
      ? ok(
          resource,
          who,
          'each step judged on the new revision',
          `${scoped.map((m) => m.name).join(', ')}: narrowed to the new revision's target group at each step`,
        )
      : warning(
          resource,
          who,
          'each step judged on the new revision',
          service.health.metrics.length === 0
            ? 'no metric checks: each step is judged by the service-wide alarms only'
            : 'no metric check names a TargetGroup dimension: each step is measured on the whole service, both revisions mixed',
          "add a health.metrics check with the TargetGroup dimension of one of the service's target groups (Shipwatch narrows it to the new revision's): a 10% canary's errors are otherwise diluted in the old revision's traffic",
        ),
  );
  // Hooks the owners put on the service are kept; UpdateService passes their roles again.
  const theirs = (found.deploymentConfiguration?.lifecycleHooks ?? []).filter((h) => h.targetType !== 'PAUSE' && !isShipwatchHook(h));
  if (theirs.length > 0) {
    checks.push(
      warning(
        resource,
        who,
        'lifecycle hooks of your own',
        `${theirs.length} Lambda hook(s) of your own (${theirs.map((h) => h.hookTargetArn).join(', ')}) are kept on every deploy and rollback`,
        `UpdateService passes their roles again: add iam:PassRole for ${[...new Set(theirs.map((h) => h.roleArn))].join(', ')} (iam:PassedToService ecs.amazonaws.com) to the DeployReleaseRole and RollBackRole`,
      ),
    );
  }
  return checks;
}
