import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TargetMisconfigured, Transient } from '../../shared/errors.js';
import { KubeApiError } from '../../shared/targets/eks/errors.js';
import { kubeApi } from '../../shared/targets/eks/kube-api.js';
import type { KubeDeployment } from '../../shared/targets/eks/types.js';
import { KUBE_OTHER_CA_PEM, startKubeTestServer, type KubeTestServer } from '../support/kube-test-server.js';
import { fixture } from '../support/fixtures.js';

const NAMESPACE = 'default';
const NAME = 'guestbook-ui';
const PATH = '/apis/apps/v1/namespaces/default/deployments/guestbook-ui';
const OLD_IMAGE = 'gcr.io/heptio-images/ks-guestbook-demo:0.3';
const NEW_IMAGE = '123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repository-name@sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234';
const ENVOY = { name: 'envoy', image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod', ports: [{ containerPort: 9901, protocol: 'TCP' }] };
const TOKEN = 'k8s-aws-v1.aHR0cHM6Ly9zdHMudXMtd2VzdC0yLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDYWxsZXJJZGVudGl0eQ';

/** The published mid-rollout guestbook-ui Deployment, with an envoy sidecar beside the app container. */
function guestbook(): KubeDeployment {
  const d = fixture<KubeDeployment>('k8s-deployment-progressing-mid-rollout');
  d.spec.template.spec.containers.push(structuredClone(ENVOY));
  return d;
}

let server: KubeTestServer;
const token = vi.fn(async () => TOKEN);
const api = (options: { caPem?: string; timeoutMs?: number } = {}) =>
  kubeApi({
    endpoint: server.url,
    caPem: options.caPem ?? server.caPem,
    token,
    label: 'EKS cluster prod',
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
const failure = (work: Promise<unknown>) =>
  work.then(
    () => expect.fail('expected a rejection'),
    (error: Error) => error,
  );

beforeEach(async () => {
  token.mockClear();
  server = await startKubeTestServer([guestbook()]);
});
afterEach(async () => {
  await server.close();
});

describe('kubeApi', () => {
  describe('getDeployment', () => {
    it('GETs the Deployment over TLS verified against the cluster CA, with the bearer token', async () => {
      // Prepare
      const client = api();

      // Act
      const deployment = await client.getDeployment(NAMESPACE, NAME);

      // Assess
      expect(deployment).toStrictEqual(guestbook());
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]).toMatchObject({ method: 'GET', path: PATH, body: '' });
      expect(server.requests[0]!.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, accept: 'application/json' });
      expect(server.requests[0]!.headers['content-type']).toBeUndefined();
    });

    it('asks for the token on every request (the caller caches it)', async () => {
      // Prepare
      const client = api();

      // Act
      await client.getDeployment(NAMESPACE, NAME);
      await client.getDeployment(NAMESPACE, NAME);

      // Assess
      expect(token).toHaveBeenCalledTimes(2);
    });

    it('escapes namespace and name in the path', async () => {
      // Prepare
      const client = api();

      // Act
      await failure(client.getDeployment('a/b', 'c?d'));

      // Assess
      expect(server.requests[0]!.path).toBe('/apis/apps/v1/namespaces/a%2Fb/deployments/c%3Fd');
    });
  });

  describe('patchContainerImage', () => {
    it('sends a strategic merge patch of that one container image and nothing else', async () => {
      // Prepare
      const client = api();
      const before = server.get(NAMESPACE, NAME)!;

      // Act
      const patched = await client.patchContainerImage(NAMESPACE, NAME, 'guestbook-ui', NEW_IMAGE);

      // Assess
      const [request] = server.requests;
      expect(request).toMatchObject({ method: 'PATCH', path: PATH });
      expect(request!.body).toBe(`{"spec":{"template":{"spec":{"containers":[{"name":"guestbook-ui","image":"${NEW_IMAGE}"}]}}}}`);
      expect(request!.headers).toMatchObject({
        'content-type': 'application/strategic-merge-patch+json',
        'content-length': String(Buffer.byteLength(request!.body)),
        authorization: `Bearer ${TOKEN}`,
      });
      const expected = structuredClone(before);
      expected.spec.template.spec.containers[0]!.image = NEW_IMAGE;
      expected.metadata.generation = 5;
      expected.metadata.resourceVersion = '12820';
      expect(server.get(NAMESPACE, NAME)).toStrictEqual(expected);
      expect(patched).toStrictEqual(expected);
      expect(patched.spec.template.spec.containers[1]).toStrictEqual(ENVOY);
    });

    it('puts the resourceVersion precondition and annotations in metadata, in the same patch', async () => {
      // Prepare
      const client = api();

      // Act
      const patched = await client.patchContainerImage(
        NAMESPACE,
        NAME,
        'envoy',
        'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.7.0-prod',
        { resourceVersion: '12819' },
        { 'shipwatch/last-deploy': 'note' },
      );

      // Assess
      expect(JSON.parse(server.requests[0]!.body)).toStrictEqual({
        metadata: { resourceVersion: '12819', annotations: { 'shipwatch/last-deploy': 'note' } },
        spec: { template: { spec: { containers: [{ name: 'envoy', image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.7.0-prod' }] } } },
      });
      expect(patched.spec.template.spec.containers.map((c) => c.image)).toStrictEqual([OLD_IMAGE, 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.7.0-prod']);
      expect(patched.metadata.annotations?.['shipwatch/last-deploy']).toBe('note');
    });

    it('is refused with a 409, retriable, when the Deployment changed since it was read', async () => {
      // Prepare
      const client = api();
      server.update(NAMESPACE, NAME, (d) => void (d.spec.replicas = 3));

      // Act
      const error = await failure(client.patchContainerImage(NAMESPACE, NAME, 'guestbook-ui', NEW_IMAGE, { resourceVersion: '12819' }));

      // Assess
      expect(error).toBeInstanceOf(Transient);
      expect(error.message).toBe(
        'EKS cluster prod answered 409 Conflict to PATCH deployment default/guestbook-ui (Operation cannot be fulfilled on deployments.apps "guestbook-ui": the object has been modified; please apply your changes to the latest version and try again): the deployment changed since it was read; another try reads it again',
      );
      expect(server.get(NAMESPACE, NAME)!.spec.template.spec.containers[0]!.image).toBe(OLD_IMAGE);
    });
  });

  describe('errors', () => {
    it('401: the role is unknown to the cluster; names the access entry and the rights needed', async () => {
      // Prepare
      server.fail({ status: 401 });

      // Act
      const error = await failure(api().getDeployment(NAMESPACE, NAME));

      // Assess
      expect(error).toBeInstanceOf(TargetMisconfigured);
      expect(error.name).toBe('TargetMisconfigured');
      expect(error.message).toBe(
        'EKS cluster prod answered 401 Unauthorized to GET deployment default/guestbook-ui (Unauthorized): the cluster does not recognise the Lambda role; give the role an EKS access entry (or an aws-auth ConfigMap mapping) with rights to get and patch deployments in namespace "default"',
      );
    });

    it("403: the role lacks rights; says it needs an access entry, with the API's message", async () => {
      // Prepare
      server.fail({ status: 403 });

      // Act
      const error = await failure(api().patchContainerImage(NAMESPACE, NAME, 'guestbook-ui', NEW_IMAGE));

      // Assess
      expect(error).toBeInstanceOf(TargetMisconfigured);
      expect(error.message).toBe(
        'EKS cluster prod answered 403 Forbidden to PATCH deployment default/guestbook-ui (deployments.apps "guestbook-ui" is forbidden: User "arn:aws:sts::123456789012:assumed-role/shipwatch-prod-deployRelease/shipwatch-prod-deployRelease" cannot patch resource "deployments" in API group "apps" in the namespace "default"): the Lambda role needs an EKS access entry (or an aws-auth ConfigMap mapping) with rights to get and patch deployments in namespace "default"',
      );
    });

    it('404: names the namespace and the deployment and the config keys to fix', async () => {
      // Prepare
      const client = api();

      // Act
      const error = await failure(client.getDeployment('shop', 'checkout'));

      // Assess
      expect(error).toBeInstanceOf(TargetMisconfigured);
      expect(error.message).toBe(
        'EKS cluster prod answered 404 NotFound to GET deployment shop/checkout (deployments.apps "checkout" not found): no deployment "checkout" in namespace "shop"; fix target.eks.deployment or target.eks.namespace',
      );
    });

    it.each([409, 429, 500, 503])('%i is Transient (the state machine retries it)', async (status) => {
      // Prepare
      server.fail({ status });

      // Act
      const error = await failure(api().getDeployment(NAMESPACE, NAME));

      // Assess
      expect(error).toBeInstanceOf(Transient);
      expect(error.name).toBe('Transient');
      expect(error.message).toContain(`EKS cluster prod answered ${status} `);
    });

    it("another status is a KubeApiError with the status and the API's message", async () => {
      // Prepare
      server.fail({ status: 422, message: 'Deployment.apps "guestbook-ui" is invalid: spec.template.spec.containers[0].image: Required value' });

      // Act
      const error = await failure(api().patchContainerImage(NAMESPACE, NAME, 'guestbook-ui', ''));

      // Assess
      expect(error).toBeInstanceOf(KubeApiError);
      expect(error).toMatchObject({
        name: 'KubeApiError',
        status: 422,
        message:
          'EKS cluster prod answered 422 Invalid to PATCH deployment default/guestbook-ui (Deployment.apps "guestbook-ui" is invalid: spec.template.spec.containers[0].image: Required value)',
      });
    });

    it('a dropped connection is Transient', async () => {
      // Prepare
      server.fail({ reset: true });

      // Act
      const error = await failure(api().getDeployment(NAMESPACE, NAME));

      // Assess
      expect(error).toBeInstanceOf(Transient);
      expect(error.message).toMatch(/^GET deployment default\/guestbook-ui on EKS cluster prod: ECONNRESET /);
    });

    it('no answer within the timeout is Transient', async () => {
      // Prepare
      server.fail({ hang: true });

      // Act
      const started = Date.now();
      const error = await failure(api({ timeoutMs: 200 }).getDeployment(NAMESPACE, NAME));

      // Assess
      expect(error).toBeInstanceOf(Transient);
      expect(error.message).toBe(
        "GET deployment default/guestbook-ui on EKS cluster prod: no answer within 200 ms (a private-only endpoint needs the Lambda in the cluster's VPC)",
      );
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });

  describe('TLS', () => {
    it('refuses a server whose certificate does not verify against the given CA (same CA name, other key)', async () => {
      // Prepare
      const client = api({ caPem: KUBE_OTHER_CA_PEM });

      // Act
      const error = await failure(client.getDeployment(NAMESPACE, NAME));

      // Assess
      expect(error).toBeInstanceOf(KubeApiError);
      expect(error.message).toMatch(
        /^GET deployment default\/guestbook-ui on EKS cluster prod: the server's TLS certificate does not verify against the cluster CA from DescribeCluster \(/,
      );
      expect(server.requests).toStrictEqual([]);
    });

    it('sends no patch over a connection that does not verify', async () => {
      // Prepare
      const client = api({ caPem: KUBE_OTHER_CA_PEM });

      // Act
      const error = await failure(client.patchContainerImage(NAMESPACE, NAME, 'guestbook-ui', NEW_IMAGE));

      // Assess
      expect(error).toBeInstanceOf(KubeApiError);
      expect(server.requests).toStrictEqual([]);
      expect(server.get(NAMESPACE, NAME)!.spec.template.spec.containers[0]!.image).toBe(OLD_IMAGE);
    });

    it('refuses a plain http endpoint', () => {
      // Prepare / Act / Assess
      expect(() => kubeApi({ endpoint: 'http://127.0.0.1:1', caPem: server.caPem, token })).toThrow(TargetMisconfigured);
    });
  });
});
