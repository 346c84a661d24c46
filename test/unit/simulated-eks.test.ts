import { DescribeClusterCommand, EKSClient, ListClustersCommand } from '@aws-sdk/client-eks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkTokenFormat, verifyEksToken } from '../../local/cloud/eks-token.js';
import { startCloudServer } from '../../local/cloud/http.js';
import { SANDBOX_KUBE_CA_PEM, startKubeServer, type KubeServer } from '../../local/cloud/kube-server.js';
import { KUBE_ROLLOUT_SECONDS, type KubernetesModel } from '../../local/cloud/kubernetes.js';
import { profile } from '../../local/cloud/profiles.js';
import { World, type CloudService } from '../../local/cloud/world.js';
import { kubeApi } from '../../shared/targets/eks/kube-api.js';
import { eksToken } from '../../shared/targets/eks/token.js';
import type { KubeDeployment, KubeDeploymentCondition } from '../../shared/targets/eks/types.js';
import { fixture } from '../support/fixtures.js';

// The simulated EKS of local/cloud/: what the sandbox and the workflow tests
// rely on, checked against the published shapes and the authenticator's rules.

const START = Date.parse('2026-11-02T10:00:00Z');
const PATH = '/apis/apps/v1/namespaces/shop/deployments/catalog';
const CREDENTIALS = { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox-secret' };

let now = START;
let world: World;
let kube: KubernetesModel;
let good: string;
let token: string;

beforeEach(async () => {
  now = START;
  world = new World(() => now, 3);
  world.ecr.createRepository('catalog');
  good = `${world.ecr.registry}/catalog@${world.ecr.push('catalog', 'v1', profile()).detail['image-digest']}`;
  kube = world.eks.createCluster('shop');
  kube.createDeployment({
    namespace: 'shop',
    name: 'catalog',
    replicas: 4,
    containers: [
      { name: 'web', image: good },
      { name: 'envoy', image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod' },
    ],
  });
  token = (await eksToken({ cluster: 'shop', region: 'us-east-1', credentials: CREDENTIALS, now: new Date(now) })).token;
});

const request = (method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; token?: string | null } = {}) =>
  kube.handle({
    method,
    path,
    headers: {
      ...(options.token === null ? {} : { authorization: `Bearer ${options.token ?? token}` }),
      ...(options.body === undefined ? {} : { 'content-type': 'application/strategic-merge-patch+json' }),
      ...options.headers,
    },
    body: options.body === undefined ? '' : JSON.stringify(options.body),
  });
const setImage = (image: string, extra: Record<string, unknown> = {}) => ({ ...extra, spec: { template: { spec: { containers: [{ name: 'web', image }] } } } });
const get = () => request('GET', PATH).body as any;

describe('simulated EKS token check', () => {
  const { cases } = fixture<{
    cases: Array<{ expect: string; token?: string | null; url?: string; urlTemplate?: string; expectedErrorContains?: string; tokenIs?: string }>;
  }>('eks-token-format-validation-cases-aws-iam-authenticator');
  const timeStr = '20261102T100000Z';
  const tokenOf = (c: (typeof cases)[number]) => {
    if (c.token) return c.token;
    if (c.tokenIs?.includes('maxTokenLenBytes+1')) return '\0'.repeat(4097);
    return `k8s-aws-v1.${Buffer.from((c.url ?? c.urlTemplate!).replace('{timeStr}', timeStr), 'utf8').toString('base64url')}`;
  };

  it.each(cases.map((c) => [c.expectedErrorContains ?? 'accepted', c] as const))('applies the authenticator pre-STS rule: %s', (_, c) => {
    // Act
    const check = checkTokenFormat(tokenOf(c), START);

    // Assess
    if (c.expect === 'success') expect(check).toMatchObject({ ok: true });
    else expect(check).toMatchObject({ ok: false, why: expect.stringContaining(c.expectedErrorContains!) });
  });

  it('accepts the EKS target own token for 15 minutes after it was signed, and no longer', () => {
    // Act / Assess
    expect(verifyEksToken(token, START + 15 * 60_000)).toEqual({ ok: true, region: 'us-east-1', signedAt: START, accessKeyId: 'AKIDSANDBOX' });
    expect(verifyEksToken(token, START + 15 * 60_000 + 1)).toMatchObject({
      ok: false,
      why: 'X-Amz-Date parameter is expired (15 minute expiration) 20261102T100000Z',
    });
  });

  it('refuses a URL the authenticator would pass but STS would not: not signed', () => {
    // Prepare
    const unsigned = `k8s-aws-v1.${Buffer.from(`https://sts.us-east-1.amazonaws.com/?action=GetCallerIdentity&x-amz-signedheaders=x-k8s-aws-id&x-amz-date=${timeStr}&x-amz-expires=60`).toString('base64url')}`;

    // Act / Assess
    expect(verifyEksToken(unsigned, START)).toMatchObject({ ok: false, why: expect.stringContaining('not signed with SigV4') });
  });
});

describe('simulated Kubernetes API', () => {
  it('answers a Deployment in the apps/v1 shape the API returns', () => {
    // Prepare
    const published = fixture<KubeDeployment>('k8s-deployment-progressing-mid-rollout');

    // Act
    const answer = request('GET', PATH);

    // Assess
    expect(answer.status).toBe(200);
    const d = answer.body as any;
    expect(Object.keys(d)).toEqual(Object.keys(published));
    expect(Object.keys(d.spec).sort()).toEqual(Object.keys(published.spec).sort());
    expect(Object.keys(d.spec.template.spec).sort()).toEqual(Object.keys(published.spec.template.spec).sort());
    expect(d.metadata).toMatchObject({ name: 'catalog', namespace: 'shop', generation: 1, annotations: { 'deployment.kubernetes.io/revision': '1' } });
    expect(d.status).toEqual({
      observedGeneration: 1,
      replicas: 4,
      updatedReplicas: 4,
      readyReplicas: 4,
      availableReplicas: 4,
      conditions: [
        expect.objectContaining({ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }),
        expect.objectContaining({
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: expect.stringMatching(/^ReplicaSet "catalog-[a-z0-9]+" has successfully progressed\.$/),
        }),
      ],
    });
  });

  it('rolls a healthy image out over about two minutes, pods becoming available one after another', () => {
    // Prepare
    const v2 = `${world.ecr.registry}/catalog@${world.ecr.push('catalog', 'v2', profile()).detail['image-digest']}`;

    // Act
    const patched = request('PATCH', PATH, { body: setImage(v2) });
    const seen = [0, 45, 100, KUBE_ROLLOUT_SECONDS + 1].map((s) => {
      now = START + s * 1000;
      return get();
    });

    // Assess
    expect(patched.status).toBe(200);
    expect((patched.body as any).metadata.generation).toBe(2);
    expect((patched.body as any).status.observedGeneration).toBe(1);
    expect(seen[0].status.observedGeneration).toBe(1);
    expect(seen[1].status).toMatchObject({ observedGeneration: 2, replicas: 5, updatedReplicas: 3, availableReplicas: 3, unavailableReplicas: 2 });
    expect(seen[1].status.conditions[1]).toMatchObject({
      type: 'Progressing',
      status: 'True',
      reason: 'ReplicaSetUpdated',
      message: expect.stringMatching(/^ReplicaSet "catalog-[a-z0-9]+" is progressing\.$/),
    });
    expect(seen[2].status).toMatchObject({ replicas: 4, updatedReplicas: 4, availableReplicas: 3 });
    expect(seen[3].status).toEqual(expect.objectContaining({ observedGeneration: 2, replicas: 4, updatedReplicas: 4, availableReplicas: 4 }));
    expect(seen[3].status.unavailableReplicas).toBeUndefined();
    expect(seen[3].status.conditions[1]).toMatchObject({ reason: 'NewReplicaSetAvailable' });
    expect(seen[3].metadata.annotations['deployment.kubernetes.io/revision']).toBe('2');
    expect(kube.servingImage('shop', 'catalog', now)?.image).toBe(v2);
    expect(kube.servingImage('shop', 'catalog', START + 60_000)?.image).toBe(good);
  });

  it('reports ProgressDeadlineExceeded as the controller does when the pods never become ready, and a rollback reuses the old pods', () => {
    // Prepare
    const bad = `${world.ecr.registry}/catalog@${world.ecr.push('catalog', 'v2', profile({ healthy: false })).detail['image-digest']}`;
    const published = fixture<{ status: { conditions: [KubeDeploymentCondition, KubeDeploymentCondition] } }>(
      'k8s-deployment-failed-progress-deadline-exceeded',
    ).status.conditions[1];
    request('PATCH', PATH, { body: setImage(bad) });

    // Act
    now = START + 600_000;
    const before = get();
    now = START + 601_000;
    const after = get();
    const rollback = request('PATCH', PATH, { body: setImage(good) });
    now += 32_000;
    const back = get();

    // Assess
    expect(before.status.conditions[1].reason).toBe('ReplicaSetUpdated');
    const progressing = after.status.conditions[1];
    expect(Object.keys(progressing)).toEqual(Object.keys(published));
    expect(progressing).toMatchObject({ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', lastUpdateTime: '2026-11-02T10:10:01Z' });
    expect(progressing.message).toMatch(/^ReplicaSet "catalog-[a-z0-9]+" has timed out progressing\.$/);
    expect(after.status).toMatchObject({ replicas: 5, updatedReplicas: 2, availableReplicas: 3, unavailableReplicas: 2 });
    expect(rollback.status).toBe(200);
    expect(back.status).toMatchObject({ observedGeneration: 3, replicas: 4, updatedReplicas: 4, availableReplicas: 4 });
    expect(back.metadata.annotations['deployment.kubernetes.io/revision']).toBe('3');
    expect(kube.servingImage('shop', 'catalog', now)?.image).toBe(good);
  });

  it('answers 409 Conflict to a patch on a stale resourceVersion, and changes nothing', () => {
    // Prepare
    const read = get().metadata.resourceVersion;
    kube.patch('shop', 'catalog', { metadata: { annotations: { team: 'search' } } });

    // Act
    const answer = request('PATCH', PATH, { body: setImage('example.com/other:1', { metadata: { resourceVersion: read } }) });

    // Assess
    expect(answer).toEqual({
      status: 409,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'Operation cannot be fulfilled on deployments.apps "catalog": the object has been modified; please apply your changes to the latest version and try again',
        reason: 'Conflict',
        details: { name: 'catalog', group: 'apps', kind: 'deployments' },
        code: 409,
      },
    });
    expect(get().spec.template.spec.containers[0].image).toBe(good);
    expect(get().metadata.generation).toBe(1);
  });

  it('keeps resourceVersion and generation on a patch that changes nothing', () => {
    // Prepare
    const before = get();

    // Act
    const answer = request('PATCH', PATH, { body: setImage(good, { metadata: { resourceVersion: before.metadata.resourceVersion } }) });

    // Assess
    expect(answer.status).toBe(200);
    expect((answer.body as any).metadata).toEqual(before.metadata);
  });

  it.each([
    ['no token', { token: null }, 'no bearer token'],
    ['a token of another kind', { token: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln' }, 'token is missing expected "k8s-aws-v1." prefix'],
    ['an expired token', {}, 'X-Amz-Date parameter is expired'],
  ] as const)('answers 401 Unauthorized to %s, recording why', (_, options, why) => {
    // Prepare
    if (why.includes('expired')) now = START + 16 * 60_000;

    // Act
    const answer = request('GET', PATH, options);

    // Assess
    expect(answer).toEqual({
      status: 401,
      body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', details: {}, code: 401 },
    });
    expect(kube.requests.at(-1)).toMatchObject({ status: 401, denied: expect.stringContaining(why) });
  });

  it.each([
    ['an unknown path', 'GET', '/api/v1/namespaces/shop/pods', 404, 'NotFound', 'the server could not find the requested resource'],
    ['an unknown Deployment', 'GET', '/apis/apps/v1/namespaces/shop/deployments/cart', 404, 'NotFound', 'deployments.apps "cart" not found'],
    ['a method it does not implement', 'PUT', PATH, 405, 'MethodNotAllowed', 'the Shipwatch simulated cloud does not implement PUT on deployments'],
  ] as const)('answers %s with a Kubernetes Status', (_, method, path, code, reason, message) => {
    // Act
    const answer = request(method, path);

    // Assess
    expect(answer.status).toBe(code);
    expect(answer.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code });
  });

  it('refuses a patch type and patch fields it does not implement, naming them, rather than ignoring them', () => {
    // Act
    const merge = request('PATCH', PATH, { body: setImage('x:1'), headers: { 'content-type': 'application/merge-patch+json' } });
    const env = request('PATCH', PATH, { body: { spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'A', value: '1' }] }] } } } } });
    const noImage = request('PATCH', PATH, { body: setImage('') });

    // Assess
    expect(merge).toMatchObject({ status: 415, body: { reason: 'UnsupportedMediaType' } });
    expect(env).toMatchObject({
      status: 422,
      body: {
        message:
          'Deployment.apps "catalog" is invalid: spec.template.spec.containers[0].env: the Shipwatch simulated cloud does not implement patching this field',
      },
    });
    expect(noImage).toMatchObject({
      status: 422,
      body: { message: 'Deployment.apps "catalog" is invalid: spec.template.spec.containers[0].image: Required value' },
    });
    expect(get().metadata.generation).toBe(1);
  });
});

describe('simulated EKS over the wire', () => {
  let cloud: { url: string; close: () => Promise<void> };
  let server: KubeServer;
  beforeEach(async () => {
    cloud = await startCloudServer((service, operation, input) => world.handle(service as CloudService, operation, input));
    server = await startKubeServer((r) => kube.handle(r));
  });
  afterEach(async () => {
    await cloud.close();
    await server.close();
  });
  const client = () => new EKSClient({ endpoint: cloud.url, region: 'us-east-1', credentials: CREDENTIALS });

  it('answers DescribeCluster (restJson1) with the endpoint and the CA that verifies it', async () => {
    // Prepare
    world.eks.serve('shop', server.url);

    // Act
    const { cluster } = await client().send(new DescribeClusterCommand({ name: 'shop' }));
    const api = kubeApi({
      endpoint: cluster!.endpoint!,
      caPem: Buffer.from(cluster!.certificateAuthority!.data!, 'base64').toString('utf8'),
      token: async () => token,
    });
    const deployment = await api.getDeployment('shop', 'catalog');

    // Assess
    expect(cluster).toMatchObject({
      name: 'shop',
      arn: 'arn:aws:eks:us-east-1:123456789012:cluster/shop',
      status: 'ACTIVE',
      endpoint: server.url,
      version: '1.31',
    });
    expect(cluster!.createdAt).toBeInstanceOf(Date);
    expect(Buffer.from(cluster!.certificateAuthority!.data!, 'base64').toString('utf8')).toBe(SANDBOX_KUBE_CA_PEM);
    expect(deployment.metadata.name).toBe('catalog');
  });

  it('answers a cluster whose API server is not up yet as CREATING, without endpoint', async () => {
    // Act
    const { cluster } = await client().send(new DescribeClusterCommand({ name: 'shop' }));

    // Assess
    expect(cluster?.status).toBe('CREATING');
    expect(cluster?.endpoint).toBeUndefined();
  });

  it('fails an unknown cluster with ResourceNotFoundException, and an operation it does not implement by name', async () => {
    // Act
    const missing = await client()
      .send(new DescribeClusterCommand({ name: 'nope' }))
      .catch((e: Error & { $metadata: { httpStatusCode: number } }) => e);
    const list = await client()
      .send(new ListClustersCommand({}))
      .catch((e: Error) => e);

    // Assess
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException', message: 'No cluster found for name: nope.', $metadata: { httpStatusCode: 404 } });
    expect(list).toMatchObject({ name: 'NotImplementedInSandbox', message: 'eks:GET /clusters is not implemented by the Shipwatch simulated cloud' });
  });
});
