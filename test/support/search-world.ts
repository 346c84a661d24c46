import { installSimClock, type SimClock } from '../../local/sim-clock.js';
import { loadBalancer5xxAlarm } from '../../local/cloud/cloudwatch.js';
import { profile } from '../../local/cloud/profiles.js';
import { World } from '../../local/cloud/world.js';
import { ENVOY_IMAGE, serveCluster, START } from './world-fixture.js';

// The world of an EKS canary: a Deployment `shop/search` on cluster `shop`
// (four replicas; container `web` running `search:v1` from ECR, an Envoy
// sidecar) behind the Service `search`, which selects `app: search` (the
// pods of the Deployment and of its canary alike), a load balancer in front
// of the Service, and a 5xx alarm on it. Needs useKubeApiServer() in the file.

export const SEARCH_LOAD_BALANCER = 'app/search/8e1f5a2b7c3d9f40';

export function searchWorld() {
  const clock: SimClock = installSimClock(START);
  const world = new World(clock.now, 7);
  world.ecr.createRepository('search', true);
  const v1 = world.ecr.push('search', 'v1', profile());
  const initialImage = `${world.ecr.registry}/search@${v1.detail['image-digest']}`;
  const kubernetes = world.eks.createCluster('shop');
  kubernetes.createDeployment({
    namespace: 'shop',
    name: 'search',
    replicas: 4,
    containers: [
      { name: 'web', image: initialImage, ports: [{ containerPort: 8080, protocol: 'TCP' }] },
      { name: 'envoy', image: ENVOY_IMAGE, ports: [{ containerPort: 9901, protocol: 'TCP' }] },
    ],
  });
  kubernetes.createService({ namespace: 'shop', name: 'search', selector: { app: 'search' } });
  serveCluster(world, 'shop');
  world.attachEksServiceLoadBalancer(SEARCH_LOAD_BALANCER, 'shop', 'shop', 'search');
  world.cloudwatch.alarms.set('search-5xx', loadBalancer5xxAlarm('search-5xx', SEARCH_LOAD_BALANCER));
  // Let the Deployment run a while so CloudWatch has history before the first push.
  clock.advance(30 * 60_000);
  return { clock, world, kubernetes, initialImage };
}

/** The per-revision 5xx rate of the new revision ({revision}: the image its pods run), and the service-wide alarm. */
export const searchServiceYaml = (strategy: string) => `
  - name: search
    image: { repository: search, tags: ["v*"] }
    target: { eks: { cluster: shop, namespace: shop, deployment: search, container: web } }
    strategy: ${strategy}
    scan: { blockAt: HIGH }
    health:
      alarms: [search-5xx]
      metrics:
        - name: 5xx rate of the new revision
          expression: "100 * errors / requests"
          metrics:
            errors: { namespace: ServiceRequests, metricName: HTTPCode_5XX_Count, dimensions: { ClusterName: shop, Namespace: shop, Service: search, Image: "{revision}" }, stat: Sum }
            requests: { namespace: ServiceRequests, metricName: RequestCount, dimensions: { ClusterName: shop, Namespace: shop, Service: search, Image: "{revision}" }, stat: Sum }
          period: 60
          comparison: ">"
          threshold: 2
          unit: "%"
          failureLimit: 1
      bakeMinutes: 10
      pollSeconds: 30
      rolloutTimeoutMinutes: 15
`;
