import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkCanaryAccess, checkCanaryRatio, checkCanaryService, type CanaryTarget } from '../../cli/validate/eks-canary.js';
import type { KubeConnection } from '../../cli/validate/kube-request.js';
import { SANDBOX_KUBE_CA_PEM, startKubeServer, type KubeServer } from '../../local/cloud/kube-server.js';
import type { KubernetesModel } from '../../local/cloud/kubernetes.js';
import { profile } from '../../local/cloud/profiles.js';
import { World } from '../../local/cloud/world.js';
import { eksToken } from '../../shared/targets/eks/token.js';

// What `shipwatch validate --aws` says about a service deployed as a canary on
// EKS, against the sandbox's API server: the rights the canary needs, a
// Service over both sets of pods, and the ratio the replicas really give.

const START = Date.parse('2026-11-02T10:00:00Z');
const target = (strategy: CanaryTarget['strategy'] = { type: 'canary', percent: 10, bakeMinutes: 5, pause: false }): CanaryTarget => ({
  name: 'search',
  cluster: 'shop',
  namespace: 'shop',
  deployment: 'search',
  strategy,
});
const GROUP = 'shipwatch-deployers';

let server: KubeServer;
let kube: KubernetesModel;
let connection: KubeConnection;

beforeAll(async () => {
  server = await startKubeServer((r) => kube.handle(r));
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  const world = new World(() => START, 5);
  world.ecr.createRepository('search');
  const image = `${world.ecr.registry}/search@${world.ecr.push('search', 'v1', profile()).detail['image-digest']}`;
  kube = world.eks.createCluster('shop');
  kube.createDeployment({ namespace: 'shop', name: 'search', replicas: 4, containers: [{ name: 'web', image }], podLabels: { tier: 'backend' } });
  const { token } = await eksToken({
    cluster: 'shop',
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDVALIDATE', secretAccessKey: 'x' },
    now: new Date(START),
  });
  connection = { endpoint: server.url, caPem: SANDBOX_KUBE_CA_PEM, token };
});

const podLabels = { app: 'search', tier: 'backend' };

describe('a Service spreads requests over both', () => {
  it('is ok with a Service on the labels both share', async () => {
    kube.createService({ namespace: 'shop', name: 'search', selector: { app: 'search' } });
    expect(await checkCanaryService(connection, target(), { replicas: 4, podLabels })).toMatchObject({
      status: 'ok',
      detail: 'Service search selects app=search: the pods of search and of search-canary alike',
    });
  });

  it('is an error when the Service selects a track the canary does not have: its pods would serve nothing', async () => {
    kube.createService({ namespace: 'shop', name: 'search-stable', selector: { app: 'search', track: 'stable' } });
    const labels = { ...podLabels, track: 'stable' };
    expect(await checkCanaryService(connection, target(), { replicas: 4, podLabels: labels })).toMatchObject({
      status: 'error',
      detail: "Service search-stable selects app=search,track=stable, which the canary's pods (track=canary) do not match: they would serve nothing",
      fix: expect.stringContaining('without track'),
    });
  });

  it('is an error when no Service selects the pods at all', async () => {
    expect(await checkCanaryService(connection, target(), { replicas: 4, podLabels })).toMatchObject({
      status: 'error',
      detail: 'no Service in namespace shop selects the pods of search (app=search,tier=backend)',
      fix: expect.stringContaining('kubectl expose deployment search -n shop'),
    });
  });
});

describe('the rights a canary needs', () => {
  it('are create on deployments and delete on <deployment>-canary', async () => {
    kube.grant(GROUP, 'shop', ['create']);
    kube.grant(GROUP, 'shop', ['delete'], { resourceNames: ['search-canary'] });
    expect(await checkCanaryAccess(connection, target(), GROUP)).toMatchObject({
      status: 'ok',
      check: 'group shipwatch-deployers may create, delete (canary)',
    });
  });

  it('says which are missing, and how to grant them by name (delete) or not (create, which RBAC cannot limit by name)', async () => {
    kube.grant(GROUP, 'shop', ['delete'], { resourceNames: ['search'] });
    expect(await checkCanaryAccess(connection, target(), GROUP)).toMatchObject({
      status: 'error',
      detail: 'not allowed: create, delete search-canary',
      fix: 'bind a Role with verb create on deployments, and verb delete on deployments/search-canary (resourceNames), apiGroup apps, in namespace shop to group shipwatch-deployers (docs/progressive-eks.md, "RBAC")',
    });
  });
});

describe('replicas give a meaningful ratio', () => {
  it.each([
    [9, { type: 'canary', percent: 10 }, 'ok', '10% asked: 1 canary pod beside 9 = 10%'],
    [4, { type: 'canary', percent: 20 }, 'ok', '20% asked: 1 canary pod beside 4 = 20%'],
    [4, { type: 'canary', percent: 10 }, 'warning', '10% asked: 1 canary pod beside 4 = 20%: the first step exposes 20% of the requests for 10% asked'],
    [
      4,
      { type: 'linear', stepPercent: 25 },
      'warning',
      '25% asked: 1 canary pod beside 4 = 20%; 50% asked: 4 canary pods beside 4 = 50%; 75% asked: 12 canary pods beside 4 = 75%: the 75% step runs 12 canary pods beside 4',
    ],
    [0, { type: 'canary', percent: 10 }, 'error', 'search has 0 replicas: there is no ratio to take'],
  ] as const)('%i replicas, %j: %s', (replicas, strategy, status, detail) => {
    const check = checkCanaryRatio(target({ bakeMinutes: 5, pause: false, ...strategy } as CanaryTarget['strategy']), { replicas, podLabels });
    expect(check).toMatchObject({ status, detail });
  });

  it('says how many replicas make the asked share one pod', () => {
    expect(checkCanaryRatio(target(), { replicas: 4, podLabels }).fix).toBe(
      'with 9 replicas or more, 10% is one canary pod; or ask for 20% (docs/progressive-eks.md, the table)',
    );
  });
});
