import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { SANDBOX_KUBE_CA_PEM } from '../local/cloud/kube-server.js';

/**
 * A kubeconfig for the sandbox's clusters, as `aws eks update-kubeconfig`
 * writes one: the API server, its CA, and a token from `aws eks get-token`
 * (signed locally; the simulated API server checks it as EKS does).
 */
export function writeKubeconfig(file: string, clusters: { name: string; endpoint: string }[], region: string): void {
  const arn = (name: string) => `arn:aws:eks:${region}:123456789012:cluster/${name}`;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    'current-context': clusters[0] ? arn(clusters[0].name) : '',
    clusters: clusters.map((c) => ({
      name: arn(c.name),
      cluster: { server: c.endpoint, 'certificate-authority-data': Buffer.from(SANDBOX_KUBE_CA_PEM).toString('base64') },
    })),
    contexts: clusters.map((c) => ({ name: arn(c.name), context: { cluster: arn(c.name), user: arn(c.name) } })),
    users: clusters.map((c) => ({
      name: arn(c.name),
      user: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: 'aws',
          args: ['--region', region, 'eks', 'get-token', '--cluster-name', c.name, '--output', 'json'],
          interactiveMode: 'Never',
        },
      },
    })),
  };
  writeFileSync(file, stringify(config));
}
