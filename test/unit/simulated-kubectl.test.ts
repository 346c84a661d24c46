import { request as httpsRequest } from 'node:https';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SANDBOX_KUBE_CA_PEM, startKubeServer, type KubeServer } from '../../local/cloud/kube-server.js';
import { KUBE_ROLLOUT_SECONDS, type KubernetesModel } from '../../local/cloud/kubernetes.js';
import { profile } from '../../local/cloud/profiles.js';
import { World } from '../../local/cloud/world.js';
import { eksToken } from '../../shared/targets/eks/token.js';

// The HTTP answers kubectl needs from a simulated cluster (kubectl itself is
// not installed here): legacy discovery, /version, `get deploy -A` with
// server-side printing, and `rollout status`'s list by name then watch.

const START = Date.parse('2026-11-02T10:00:00Z');
const KUBECTL_TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
let now = START;
let kube: KubernetesModel;
let token: string;
let server: KubeServer | undefined;
let image2 = '';

beforeEach(async () => {
  now = START;
  const world = new World(() => now, 3);
  world.ecr.createRepository('catalog');
  const image = `${world.ecr.registry}/catalog@${world.ecr.push('catalog', 'v1', profile()).detail['image-digest']}`;
  image2 = `${world.ecr.registry}/catalog@${world.ecr.push('catalog', 'v2', profile()).detail['image-digest']}`;
  kube = world.eks.createCluster('shop');
  kube.createDeployment({ namespace: 'shop', name: 'catalog', replicas: 4, containers: [{ name: 'web', image }] });
  kube.createDeployment({ namespace: 'search', name: 'search', replicas: 2, containers: [{ name: 'api', image }] });
  token = (await eksToken({ cluster: 'shop', region: 'us-east-1', credentials: { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'x' }, now: new Date(now) }))
    .token;
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const get = (path: string, accept = 'application/json') =>
  kube.handle({ method: 'GET', path, headers: { authorization: `Bearer ${token}`, accept }, body: '' });

describe('kubectl against a simulated cluster', () => {
  it('discovery: /api, /apis and the group versions it serves (kubectl falls back to these from aggregated discovery)', () => {
    expect(get('/api').body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    expect(get('/apis').body).toMatchObject({
      kind: 'APIGroupList',
      groups: [{ name: 'apps', preferredVersion: { groupVersion: 'apps/v1' } }, { name: 'authorization.k8s.io' }],
    });
    expect(get('/apis/apps/v1').body).toMatchObject({
      kind: 'APIResourceList',
      groupVersion: 'apps/v1',
      resources: [
        { name: 'deployments', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'watch'] },
        { name: 'deployments/status' },
      ],
    });
    expect(get('/version').body).toMatchObject({ major: '1', minor: '31', gitVersion: 'v1.31.2-eks-sandbox' });
    expect(kube.handle({ method: 'GET', path: '/api', headers: {}, body: '' }).status).toBe(401);
  });

  it('`kubectl get deploy -A`: every namespace, printed by the server as a Table', () => {
    const answer = get('/apis/apps/v1/deployments?limit=500', KUBECTL_TABLE_ACCEPT);

    expect(answer.contentType).toBe('application/json;as=Table;v=v1;g=meta.k8s.io');
    const table = answer.body as {
      kind: string;
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[]; object: { metadata: { namespace: string } } }[];
    };
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.filter((c) => (c as { priority?: number }).priority === 0).map((c) => c.name)).toEqual([
      'Name',
      'Ready',
      'Up-to-date',
      'Available',
      'Age',
    ]);
    expect(table.rows.map((r) => [r.object.metadata.namespace, ...r.cells.slice(0, 5)])).toEqual([
      ['shop', 'catalog', '4/4', 4, 4, '24h'],
      ['search', 'search', '2/2', 2, 2, '24h'],
    ]);
    // Without as=Table (kubectl -o json), the plain list.
    expect(get('/apis/apps/v1/deployments').body).toMatchObject({
      kind: 'DeploymentList',
      items: [{ metadata: { name: 'catalog' } }, { metadata: { name: 'search' } }],
    });
  });

  it('`kubectl rollout status`: the list by field selector, then a watch that streams each change until the rollout completes', async () => {
    server = await startKubeServer((r) => kube.handle(r));
    const list = get('/apis/apps/v1/namespaces/shop/deployments?fieldSelector=metadata.name%3Dcatalog&limit=500').body as {
      metadata: { resourceVersion: string };
      items: { metadata: { name: string } }[];
    };
    expect(list.items.map((d) => d.metadata.name)).toEqual(['catalog']);
    kube.patch('shop', 'catalog', { spec: { template: { spec: { containers: [{ name: 'web', image: image2 }] } } } });

    // The watch, over HTTPS as kubectl opens it; simulated time moves while it streams.
    type Event = {
      type: string;
      object: {
        metadata: { generation: number };
        status: { observedGeneration?: number; updatedReplicas?: number; availableReplicas?: number; conditions?: { type: string; reason: string }[] };
      };
    };
    const events: Event[] = [];
    // kubectl's rule: the controller saw this generation, every replica updated and available.
    const rolledOut = (e: Event | undefined) =>
      e !== undefined &&
      e.object.status.observedGeneration === e.object.metadata.generation &&
      e.object.status.updatedReplicas === 4 &&
      e.object.status.availableReplicas === 4 &&
      e.object.status.conditions!.some((c) => c.reason === 'NewReplicaSetAvailable');
    await new Promise<void>((resolve, reject) => {
      const url = new URL(
        `${server!.url}/apis/apps/v1/namespaces/shop/deployments?allowWatchBookmarks=true&fieldSelector=metadata.name%3Dcatalog&resourceVersion=${list.metadata.resourceVersion}&timeoutSeconds=5&watch=true`,
      );
      const req = httpsRequest(
        { hostname: url.hostname, port: url.port, path: url.pathname + url.search, ca: SANDBOX_KUBE_CA_PEM, headers: { authorization: `Bearer ${token}` } },
        (res) => {
          expect(res.statusCode).toBe(200);
          let buffer = '';
          const advance = setInterval(() => (now += 15_000), 50);
          res.on('data', (chunk: Buffer) => {
            buffer += chunk.toString('utf8');
            const lines = buffer.split('\n');
            buffer = lines.pop()!;
            for (const line of lines) events.push(JSON.parse(line));
            if (rolledOut(events.at(-1))) {
              clearInterval(advance);
              req.destroy();
              resolve();
            }
          });
          res.on('end', () => {
            clearInterval(advance);
            reject(new Error(`the watch ended before the rollout completed (${events.length} events)`));
          });
        },
      );
      req.on('error', (e) => (events.length ? undefined : reject(e)));
      req.end();
    });

    expect(events.every((e) => e.type === 'MODIFIED')).toBe(true);
    expect(events.length).toBeGreaterThan(2);
    expect(rolledOut(events[0])).toBe(false);
    expect(events.at(-1)!.object.metadata.generation).toBe(2);
    // It took the simulated rollout's time, not less.
    expect(now - START).toBeGreaterThanOrEqual(KUBE_ROLLOUT_SECONDS * 1000);
  });
});
