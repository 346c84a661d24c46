import { beforeEach, describe, expect, it } from 'vitest';
import { KUBE_ROLLOUT_SECONDS, type KubernetesModel } from '../../local/cloud/kubernetes.js';
import { REVISION_DIMENSION, SERVICE_METRICS_NAMESPACE } from '../../local/cloud/kube-traffic.js';
import { profile, type ImageProfile } from '../../local/cloud/profiles.js';
import { World } from '../../local/cloud/world.js';
import { canaryManifest } from '../../shared/targets/eks/canary-manifest.js';
import type { KubeDeployment } from '../../shared/targets/eks/types.js';
import { eksToken } from '../../shared/targets/eks/token.js';

// The simulated cluster as the canary pattern needs it: Deployments created
// and deleted over the API, a Service selecting pods of both by label, the
// requests split over its ready pods, and metrics per revision.

const START = Date.parse('2026-11-02T10:00:00Z');
const COLLECTION = '/apis/apps/v1/namespaces/shop/deployments';
const LB = 'app/search/5d1c';
const SERVICE = { ClusterName: 'shop', Namespace: 'shop', Service: 'search' };

let now = START;
let world: World;
let kube: KubernetesModel;
let v1: string;
let token: string;

beforeEach(async () => {
  now = START;
  world = new World(() => now, 11);
  world.ecr.createRepository('search');
  v1 = image('v1', {});
  kube = world.eks.createCluster('shop');
  kube.createDeployment({ namespace: 'shop', name: 'search', replicas: 4, containers: [{ name: 'web', image: v1 }] });
  kube.createService({ namespace: 'shop', name: 'search', selector: { app: 'search' } });
  world.attachEksServiceLoadBalancer(LB, 'shop', 'shop', 'search');
  token = (await eksToken({ cluster: 'shop', region: 'us-east-1', credentials: { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'x' }, now: new Date(now) }))
    .token;
});

const image = (tag: string, behaviour: Partial<ImageProfile>) =>
  `${world.ecr.registry}/search@${world.ecr.push('search', tag, profile(behaviour)).detail['image-digest']}`;
const request = (method: string, path: string, body?: unknown) =>
  kube.handle({
    method,
    path,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? '' : JSON.stringify(body),
  });
const manifest = (img: string, replicas = 1) =>
  canaryManifest(kube.deployment('shop', 'search') as unknown as KubeDeployment, { container: 'web', image: img, replicas, annotations: { note: 'test' } });
const metric = (metricName: string, dimensions: Record<string, string>, t: number, stat = 'Sum') =>
  world.cloudwatch.value({ namespace: SERVICE_METRICS_NAMESPACE, metricName, dimensions, stat }, t, 60);
const alb = (metricName: string, t: number) =>
  world.cloudwatch.value({ namespace: 'AWS/ApplicationELB', metricName, dimensions: { LoadBalancer: LB }, stat: 'Sum' }, t, 60);
const minute = (m: number) => START + m * 60_000;

describe('Deployments created and deleted over the API', () => {
  it('creates one as the API server does: defaults, uid, generation 1, then rolls it out from no pods', () => {
    // Act
    const answer = request('POST', COLLECTION, manifest(v1, 2));
    now += 1000 + (KUBE_ROLLOUT_SECONDS * 1000) / 2;
    const half = kube.deployment('shop', 'search-canary')!;
    now += (KUBE_ROLLOUT_SECONDS * 1000) / 2;
    const full = kube.deployment('shop', 'search-canary')!;

    // Assess
    expect(answer.status).toBe(201);
    const created = answer.body as any;
    expect(created.metadata).toMatchObject({
      name: 'search-canary',
      namespace: 'shop',
      generation: 1,
      labels: { track: 'canary', 'app.kubernetes.io/managed-by': 'shipwatch' },
      annotations: { note: 'test' },
    });
    expect(created.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created.metadata.uid).not.toBe(kube.deployment('shop', 'search')!.metadata.uid);
    expect(created.spec).toMatchObject({
      replicas: 2,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    });
    expect(created.status).toEqual({});
    expect(half.status).toMatchObject({ observedGeneration: 1, availableReplicas: 1 });
    expect(full.status).toMatchObject({ availableReplicas: 2, updatedReplicas: 2 });
  });

  it.each([
    ['an existing name', () => manifest(v1), 409, 'AlreadyExists', 'deployments.apps "search-canary" already exists', true],
    [
      'a selector its pods do not match',
      () => ({ ...manifest(v1), spec: { ...manifest(v1).spec, selector: { matchLabels: { app: 'other' } } } }),
      422,
      'Invalid',
      '`selector` does not match template `labels`',
      false,
    ],
    [
      'no containers',
      () => ({
        ...manifest(v1),
        spec: { ...manifest(v1).spec, template: { metadata: { labels: { app: 'search', track: 'canary' } }, spec: { containers: [] } } },
      }),
      422,
      'Invalid',
      'spec.template.spec.containers: Required value',
      false,
    ],
    [
      'a Recreate strategy (not modelled)',
      () => ({ ...manifest(v1), spec: { ...manifest(v1).spec, strategy: { type: 'Recreate' } } }),
      422,
      'Invalid',
      'spec.strategy.type: Recreate: the Shipwatch simulated cloud does not implement this field',
      false,
    ],
    [
      'another namespace in the object',
      () => ({ ...manifest(v1), metadata: { ...manifest(v1).metadata, namespace: 'default' } }),
      400,
      'BadRequest',
      'the namespace of the provided object does not match the namespace sent on the request',
      false,
    ],
  ])('refuses %s, creating nothing', (_, body, code, reason, message, first) => {
    // Prepare
    if (first) request('POST', COLLECTION, manifest(v1));
    const count = first ? 1 : 0;

    // Act
    const answer = request('POST', COLLECTION, body());

    // Assess
    expect(answer.status).toBe(code);
    expect(answer.body).toMatchObject({ kind: 'Status', reason, message: expect.stringContaining(message) });
    expect(kube.deployment('shop', 'search-canary') ? 1 : 0).toBe(count);
  });

  it('refuses a namespace the cluster does not have', () => {
    const { namespace: _, ...metadata } = manifest(v1).metadata;
    expect(request('POST', '/apis/apps/v1/namespaces/nowhere/deployments', { ...manifest(v1), metadata }).body).toMatchObject({
      code: 404,
      message: 'namespaces "nowhere" not found',
    });
  });

  it('deletes with a uid precondition, which a Deployment created again under the name fails; a second delete is 404', () => {
    // Prepare
    const first = (request('POST', COLLECTION, manifest(v1)).body as any).metadata.uid;
    request('DELETE', `${COLLECTION}/search-canary`);
    request('POST', COLLECTION, manifest(v1));

    // Act
    const stale = request('DELETE', `${COLLECTION}/search-canary`, {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      propagationPolicy: 'Background',
      preconditions: { uid: first },
    });
    const current = kube.deployment('shop', 'search-canary')!.metadata.uid;
    const fresh = request('DELETE', `${COLLECTION}/search-canary`, { preconditions: { uid: current } });
    const again = request('DELETE', `${COLLECTION}/search-canary`);

    // Assess
    expect(stale).toMatchObject({ status: 409, body: { message: `Precondition failed: UID in precondition: ${first}, UID in object meta: ${current}` } });
    expect(fresh).toMatchObject({
      status: 200,
      body: { kind: 'Status', status: 'Success', details: { name: 'search-canary', kind: 'deployments', uid: current } },
    });
    expect(again.status).toBe(404);
    expect(kube.deployment('shop', 'search-canary')).toBeUndefined();
  });
});

describe('Services', () => {
  it('are served read-only: get and list, as kubectl reads them', () => {
    // Act
    const one = request('GET', '/api/v1/namespaces/shop/services/search');
    const list = request('GET', '/api/v1/namespaces/shop/services');
    const missing = request('GET', '/api/v1/namespaces/shop/services/cart');
    const write = request('DELETE', '/api/v1/namespaces/shop/services/search');

    // Assess
    expect(one.body).toMatchObject({
      kind: 'Service',
      metadata: { name: 'search', namespace: 'shop' },
      spec: { type: 'ClusterIP', selector: { app: 'search' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] },
    });
    expect(list.body).toMatchObject({ kind: 'ServiceList', items: [{ metadata: { name: 'search' } }] });
    expect(missing).toMatchObject({ status: 404, body: { message: 'services "cart" not found', details: { kind: 'services' } } });
    expect(write.status).toBe(405);
  });

  it("endpoints are the ready pods its selector matches: the canary's one pod beside the four, from when it is ready until it is deleted", () => {
    // Prepare
    const v2 = image('v2', {});
    request('POST', COLLECTION, manifest(v2));
    const created = now;

    // Act
    now += 60_000;
    const starting = kube.endpoints('shop', { app: 'search' }, now);
    now += 62_000;
    const ready = kube.endpoints('shop', { app: 'search' }, now);
    request('DELETE', `${COLLECTION}/search-canary`);
    const gone = kube.endpoints('shop', { app: 'search' }, now);

    // Assess
    expect(starting).toStrictEqual([{ deployment: 'search', image: v1, pods: 4 }]);
    expect(ready).toStrictEqual([
      { deployment: 'search', image: v1, pods: 4 },
      { deployment: 'search-canary', image: v2, pods: 1 },
    ]);
    expect(gone).toStrictEqual([{ deployment: 'search', image: v1, pods: 4 }]);
    // The past is kept: what served at a moment before the deletion.
    expect(kube.endpoints('shop', { app: 'search' }, created + 121_500)).toContainEqual({ deployment: 'search-canary', image: v2, pods: 1 });
    // A selector that names the track sees only its own.
    expect(kube.endpoints('shop', { app: 'search', track: 'canary' }, created + 121_500)).toStrictEqual([{ deployment: 'search-canary', image: v2, pods: 1 }]);
  });
});

describe('requests per revision (CloudWatch)', () => {
  it('split by ready pods: a bad canary at 20% of the pods serves about 20% of the requests, and its own 5xx rate shows per image', () => {
    // Prepare
    const bad = image('v2', { errorRate: 9 });
    now = minute(0);
    request('POST', COLLECTION, manifest(bad));
    now = minute(20);

    // Act
    const t = minute(10);
    const total = metric('RequestCount', SERVICE, t)!;
    const canary = metric('RequestCount', { ...SERVICE, [REVISION_DIMENSION]: bad }, t)!;
    const stable = metric('RequestCount', { ...SERVICE, [REVISION_DIMENSION]: v1 }, t)!;
    const canaryErrors = metric('HTTPCode_5XX_Count', { ...SERVICE, [REVISION_DIMENSION]: bad }, t)!;
    const stableErrors = metric('HTTPCode_5XX_Count', { ...SERVICE, [REVISION_DIMENSION]: v1 }, t)!;

    // Assess
    expect(canary + stable).toBe(total);
    expect(canary / total).toBeCloseTo(0.2, 2);
    expect((100 * canaryErrors) / canary).toBeGreaterThan(6);
    expect((100 * stableErrors) / stable).toBeLessThan(0.5);
    // The load balancer in front of the Service sees both, mixed.
    expect(alb('RequestCount', t)).toBe(total);
    expect(alb('HTTPCode_Target_5XX_Count', t)).toBe(canaryErrors + stableErrors);
  });

  it('no datapoint for a revision while none of its pods is ready (inconclusive, never healthy), nor for other dimension sets', () => {
    // Prepare
    const v2 = image('v2', {});
    now = minute(0);
    request('POST', COLLECTION, manifest(v2));
    now = minute(10);

    // Act / Assess
    expect(metric('RequestCount', { ...SERVICE, [REVISION_DIMENSION]: v2 }, minute(0))).toBeUndefined();
    expect(metric('RequestCount', { ...SERVICE, [REVISION_DIMENSION]: v2 }, minute(3))).toBeGreaterThan(0);
    expect(metric('RequestCount', { Service: 'search', [REVISION_DIMENSION]: v2 }, minute(3))).toBeUndefined();
    expect(metric('RequestCount', { ...SERVICE, Service: 'cart' }, minute(3))).toBeUndefined();
  });

  it('served(): the exposure of a revision over a window is its part of the requests', () => {
    // Prepare
    const v2 = image('v2', { errorRate: 9 });
    now = minute(0);
    request('POST', COLLECTION, manifest(v2));
    now = minute(6);
    request('DELETE', `${COLLECTION}/search-canary`);
    now = minute(12);

    // Act
    const served = world.serviceTraffic.served({ cluster: 'shop', namespace: 'shop', service: 'search' }, minute(0), minute(10));

    // Assess
    const share = served.byImage.get(v2)!.requests / served.requests;
    // 20% of the pods for the 4 of 10 minutes between its pod being ready and its deletion: about 8%.
    expect(share).toBeGreaterThan(0.07);
    expect(share).toBeLessThan(0.09);
  });

  it('leaves the ALB metrics of a load balancer in front of a Deployment (not a Service) as they were', () => {
    // Prepare
    world.attachEksLoadBalancer('app/legacy/1', 'shop', 'shop', 'search');
    now = minute(10);

    // Act
    const value = world.cloudwatch.value(
      { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: { LoadBalancer: 'app/legacy/1' }, stat: 'Sum' },
      minute(5),
      60,
    );

    // Assess
    expect(value).toBeGreaterThan(1000);
  });
});
