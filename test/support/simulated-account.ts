import { awsClients } from '../../cli/aws-clients.js';
import { startCloudServer } from '../../local/cloud/http.js';
import { startKubeServer, type KubeServer } from '../../local/cloud/kube-server.js';
import type { CloudService, World } from '../../local/cloud/world.js';
import { startSlackStandIn } from '../../local/slack/slack-server.js';
import { sandboxWorld } from '../../sandbox/world.js';

export const SLACK_TOKEN = 'xoxb-test-bot-token';

/**
 * The sandbox's account over its real wire protocols on 127.0.0.1 (AWS APIs,
 * each EKS cluster's Kubernetes API, the Slack stand-in), in real time, for
 * the CLI's commands to reach as they reach AWS: `clients` carry only the
 * endpoint and throwaway keys.
 */
export async function simulatedAccount(options: { channels?: Record<string, string>; world?: World } = {}) {
  const world = options.world ?? sandboxWorld(() => Date.now(), 1);
  const server = await startCloudServer((service, operation, input) => world.handle(service as CloudService, operation, input));
  const kube: KubeServer[] = [];
  for (const [name, cluster] of world.eks.clusters) {
    const k = await startKubeServer((request) => cluster.kubernetes.handle(request));
    world.eks.serve(name, k.url);
    kube.push(k);
  }
  const slack = await startSlackStandIn({ token: SLACK_TOKEN, channels: options.channels ?? { C0SANDBOXDEPLOYS: 'deploys' } });
  world.ssm.put('/shipwatch/slack-bot-token', SLACK_TOKEN);
  const clients = awsClients({ region: 'us-east-1', endpoint: server.url, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } });
  return {
    world,
    clients,
    endpoint: server.url,
    slack: { tokenParameter: '/shipwatch/slack-bot-token', apiUrl: slack.url },
    async close() {
      await server.close();
      await Promise.all(kube.map((k) => k.close()));
      await slack.close();
    },
  };
}
