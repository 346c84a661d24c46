import { DescribeServicesCommand, DescribeTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { Config } from '../../shared/config/schema.js';
import { callFailed, error, ok, warning, type Check } from './check.js';
import { progressiveChecks } from './ecs-progressive.js';

/** Each ECS service exists and is one Shipwatch can deploy, its task definition is readable, and it has the container. */
export async function checkEcsServices(ecs: ECSClient, config: Config): Promise<Check[]> {
  const targets = config.services.filter((s) => s.target.ecs).map((s) => ({ name: s.name, config: s, ...s.target.ecs! }));
  const checks = await Promise.all(
    targets.map(async (t): Promise<Check[]> => {
      const resource = `ecs ${t.cluster}/${t.service}`;
      const who = [t.name];
      try {
        const out = await ecs.send(new DescribeServicesCommand({ cluster: t.cluster, services: [t.service] }));
        const found = out.services?.[0];
        if (!found) {
          const why = out.failures?.[0]?.reason ?? 'not returned';
          return [
            error(
              resource,
              who,
              'service exists',
              `${why}: no service ${t.service} in cluster ${t.cluster}`,
              `check target.ecs.cluster and target.ecs.service of ${t.name} (aws ecs list-services --cluster ${t.cluster})`,
            ),
          ];
        }
        const controller = found.deploymentController?.type ?? 'ECS';
        if (found.status !== 'ACTIVE')
          return [error(resource, who, 'service exists', `the service is ${found.status}`, 'Shipwatch deploys to ACTIVE services only')];
        if (controller !== 'ECS')
          return [
            error(
              resource,
              who,
              'service exists',
              `deployment controller ${controller}`,
              "Shipwatch deploys services that use the ECS deployment controller (rolling update, and ECS's own canary, linear and blue/green)",
            ),
          ];
        const breaker = found.deploymentConfiguration?.deploymentCircuitBreaker;
        const strategy = t.config.strategy;
        // Canary, linear and blue/green: ECS shifts traffic between two target groups; the circuit breaker is for rolling updates only.
        const progressive = strategy.type === 'rolling' ? [] : progressiveChecks(t.config, strategy, found, resource);
        const serviceCheck =
          strategy.type !== 'rolling' || breaker?.enable
            ? ok(
                resource,
                who,
                'service exists',
                `ACTIVE, ${found.runningCount ?? 0}/${found.desiredCount ?? 0} tasks, ${strategy.type === 'rolling' ? `circuit breaker on${breaker?.rollback ? ' with rollback' : ''}` : `deployment controller ECS (${strategy.type} through ECS's own engine)`}`,
              )
            : warning(
                resource,
                who,
                'service exists',
                `ACTIVE, ${found.runningCount ?? 0}/${found.desiredCount ?? 0} tasks, circuit breaker off`,
                `without the circuit breaker a failing rollout is only caught by health.rolloutTimeoutMinutes: aws ecs update-service --cluster ${t.cluster} --service ${t.service} --deployment-configuration 'deploymentCircuitBreaker={enable=true,rollback=true}'`,
              );
        const arn = found.taskDefinition ?? '';
        try {
          const def = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
          const containers = def.taskDefinition?.containerDefinitions?.map((c) => c.name ?? '') ?? [];
          const family = `${def.taskDefinition?.family}:${def.taskDefinition?.revision}`;
          const containerCheck = containers.includes(t.container)
            ? ok(resource, who, 'container in task definition', `${family} has container ${t.container}`)
            : error(
                resource,
                who,
                'container in task definition',
                `${family} has no container "${t.container}" (it has ${containers.join(', ')})`,
                `set target.ecs.container of ${t.name} to one of: ${containers.join(', ')}`,
              );
          return [serviceCheck, ...progressive, ok(resource, who, 'task definition readable', family), containerCheck];
        } catch (e) {
          return [serviceCheck, ...progressive, callFailed(resource, who, 'task definition readable', e, 'ecs:DescribeTaskDefinition')];
        }
      } catch (e) {
        if ((e as Error).name === 'ClusterNotFoundException') {
          return [error(resource, who, 'service exists', `no cluster ${t.cluster}`, `check target.ecs.cluster of ${t.name} (aws ecs list-clusters)`)];
        }
        return [callFailed(resource, who, 'service exists', e, 'ecs:DescribeServices')];
      }
    }),
  );
  return checks.flat();
}
