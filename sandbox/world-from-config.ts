import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { profile } from '../local/cloud/profiles.js';
import { loadBalancer5xxAlarm } from '../local/cloud/cloudwatch.js';
import { World } from '../local/cloud/world.js';
import type { Config, ServiceConfig } from '../shared/config/schema.js';

/** Every alarm the sandbox makes for a config watches its service's 5xx count: 2 of 3 minutes above 60 (the sandbox's own alarms' rule). */

/** A tag the first glob accepts (v* → v1), for the release that already runs; "initial" when the glob has no simple reading. */
function initialTag(service: ServiceConfig): string {
  const tag = (service.image.tags[0] ?? '*').replace(/\*/g, '1').replace(/\?/g, '1');
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(tag) ? tag : 'initial';
}

const fargateTask = (family: string, container: string, image: string): RegisterTaskDefinitionCommandInput => ({
  family,
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '512',
  memory: '1024',
  executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
  containerDefinitions: [{ name: container, image, essential: true, portMappings: [{ containerPort: 8080, protocol: 'tcp' }] }],
});

/**
 * The account a config describes, made up: for each service its repository
 * with a release already running, its ECS service (task definition with the
 * container) or EKS Deployment (and the RoleBinding Shipwatch needs; for a
 * canary, the Service in front of its pods), a load
 * balancer for every LoadBalancer its metrics name, and each alarm it lists.
 * `shipwatch sandbox --config` plays pushes against it.
 */
export function worldFromConfig(config: Config, now: () => number, seed: number): World {
  const world = new World(now, seed);
  for (const service of config.services) {
    const repo = service.image.repository;
    if (!world.ecr.repositories.has(repo)) world.ecr.createRepository(repo, true);
    const running = world.ecr.push(repo, initialTag(service), profile());
    const image = `${world.ecr.registry}/${repo}@${running.detail['image-digest']}`;
    // Metrics and alarms measure the service through the load balancers its config names, or one of its own.
    const balancers = new Set(
      service.health.metrics.flatMap((m) =>
        [m.metric, ...Object.values(m.metrics ?? {})].map((s) => s?.dimensions.LoadBalancer).filter((lb): lb is string => Boolean(lb)),
      ),
    );
    const own = `app/${service.name}/sandbox`;
    balancers.add(own);
    if (service.target.ecs) {
      const t = service.target.ecs;
      if (!world.ecs.services.has(`${t.cluster}/${t.service}`))
        world.ecs.createService(t.cluster, t.service, fargateTask(t.service, t.container, image), { desiredCount: 4 });
      for (const lb of balancers) world.attachLoadBalancer(lb, t.cluster, t.service);
    } else {
      const t = service.target.eks!;
      const kubernetes = world.eks.clusters.get(t.cluster)?.kubernetes ?? world.eks.createCluster(t.cluster);
      kubernetes.grant('shipwatch-deployers', t.namespace, ['get', 'patch']);
      if (!kubernetes.deployment(t.namespace, t.deployment))
        kubernetes.createDeployment({
          namespace: t.namespace,
          name: t.deployment,
          replicas: 4,
          containers: [{ name: t.container, image, ports: [{ containerPort: 8080, protocol: 'TCP' }] }],
        });
      if (service.strategy.type === 'rolling') {
        for (const lb of balancers) world.attachEksLoadBalancer(lb, t.cluster, t.namespace, t.deployment);
      } else {
        // A canary (docs/progressive-eks.md): a Service selecting the pods of the Deployment and its canary alike,
        // the load balancers in front of it, and the rights to create and delete the canary.
        kubernetes.grant('shipwatch-deployers', t.namespace, ['create']);
        kubernetes.grant('shipwatch-deployers', t.namespace, ['delete'], { resourceNames: [`${t.deployment}-canary`] });
        if (!kubernetes.service(t.namespace, t.deployment))
          kubernetes.createService({ namespace: t.namespace, name: t.deployment, selector: { app: t.deployment } });
        for (const lb of balancers) world.attachEksServiceLoadBalancer(lb, t.cluster, t.namespace, t.deployment);
      }
    }
    for (const alarm of service.health.alarms) {
      if (world.cloudwatch.alarms.has(alarm)) continue;
      world.cloudwatch.alarms.set(alarm, loadBalancer5xxAlarm(alarm, own));
    }
  }
  return world;
}

/** The Slack channels a config names, for the stand-in (the bot is in each). */
export const channelsOf = (config: Config): Record<string, string> =>
  Object.fromEntries(
    config.services
      .flatMap((s) => [s.approval?.channel, s.notify?.channel])
      .filter((c): c is string => Boolean(c))
      .map((c) => [c, c.toLowerCase()]),
  );
