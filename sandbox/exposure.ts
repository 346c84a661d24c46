import type { World } from '../local/cloud/world.js';
import type { ServiceConfig } from '../shared/config/schema.js';
import type { DeploymentResult } from '../shared/workflow/result.js';

/**
 * Exposure, the measure issue #16 asks for: the share of the requests the
 * pushed image served from its push to the end of its deployment. Known
 * where the sandbox splits the requests over the pods of each revision: an
 * EKS Deployment behind a Service (local/cloud/kube-traffic.ts).
 */
export function exposureOf(world: World, service: ServiceConfig | undefined, image: string, results: DeploymentResult[]): { exposurePercent?: number } {
  const eks = service?.target.eks;
  if (!eks || results.length === 0) return {};
  const kube = world.eks.clusters.get(eks.cluster)?.kubernetes;
  const front = kube?.servicesFor(eks.namespace, eks.deployment)[0];
  if (!front) return {};
  const from = Math.min(...results.map((r) => Date.parse(r.startedAt)));
  const to = Math.max(...results.map((r) => Date.parse(r.finishedAt)));
  const served = world.serviceTraffic.served({ cluster: eks.cluster, namespace: eks.namespace, service: front.metadata.name }, from, to);
  const mine = served.byImage.get(image)?.requests ?? 0;
  return served.requests > 0 ? { exposurePercent: Math.round((1000 * mine) / served.requests) / 10 } : {};
}
