import type { Service } from '@aws-sdk/client-ecs';
import { TargetMisconfigured } from '../../errors.js';
import type { HookFunction, ProgressiveStrategy } from './deployment-config.js';

/**
 * Shipwatch's lifecycle-hook function and the role ECS assumes to invoke it,
 * as serverless.yml gives them to the deploy function (the ARNs exist only
 * once the stack does). Read when a progressive deploy needs them.
 */
export function hookFunctionFromEnv(env: NodeJS.ProcessEnv = process.env): HookFunction {
  const functionArn = env.SHIPWATCH_ECS_HOOK_ARN;
  const roleArn = env.SHIPWATCH_ECS_HOOK_ROLE_ARN;
  if (!functionArn || !roleArn) {
    throw new TargetMisconfigured(
      'SHIPWATCH_ECS_HOOK_ARN and SHIPWATCH_ECS_HOOK_ROLE_ARN are not both set: serverless.yml gives them to deployRelease (the lifecycle hook ECS invokes and the role it assumes); deploy Shipwatch with its serverless.yml',
    );
  }
  return { functionArn, roleArn };
}

/**
 * Why ECS could not shift traffic for this strategy, or undefined. Canary,
 * linear and blue/green move production traffic between two target groups
 * through a listener rule that ECS edits with a role you give it: a load
 * balancer with `advancedConfiguration` (alternateTargetGroupArn,
 * productionListenerRule, roleArn), and for a test-traffic bake a
 * testListenerRule (developerguide/alb-resources-for-blue-green.html,
 * API_AdvancedConfiguration.html). Shipwatch judges each step per target
 * group, so it needs the load balancer even where ECS would accept Service Connect.
 */
export function trafficShiftingProblem(service: Service, strategy: ProgressiveStrategy, label: string): string | undefined {
  const lbs = service.loadBalancers ?? [];
  const advanced = lbs.find((lb) => lb.advancedConfiguration)?.advancedConfiguration;
  const what = `a ${strategy.type} deployment`;
  if (!advanced) {
    return `${label} has no load balancer with advancedConfiguration (alternateTargetGroupArn, productionListenerRule, roleArn): ECS shifts the traffic of ${what} between two target groups and Shipwatch judges the new one; configure them on the service (see docs/progressive-ecs.md)`;
  }
  const missing = (['alternateTargetGroupArn', 'productionListenerRule', 'roleArn'] as const).filter((k) => !advanced[k]);
  if (missing.length > 0) return `${label}: its load balancer's advancedConfiguration lacks ${missing.join(', ')}, which ECS needs for ${what}`;
  if (strategy.type === 'blueGreen' && strategy.testTrafficBakeMinutes > 0 && !advanced.testListenerRule) {
    return `${label}: strategy.testTrafficBakeMinutes is ${strategy.testTrafficBakeMinutes}, but its load balancer has no advancedConfiguration.testListenerRule, so the new revision would get no test traffic to judge; add a test listener rule or set testTrafficBakeMinutes: 0`;
  }
  return undefined;
}
