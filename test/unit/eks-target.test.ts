import { DescribeClusterCommand, EKSClient, ResourceNotFoundException, type Cluster, type DescribeClusterCommandOutput } from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TargetMisconfigured, Transient } from '../../shared/errors.js';
import { parseEcrPushEvent } from '../../shared/events/ecr-push.js';
import { releaseFromPush } from '../../shared/release/release.js';
import { eksClusters, eksTarget, LAST_DEPLOY_ANNOTATION, type EksConfig } from '../../shared/targets/eks/eks-target.js';
import { KubeApiError } from '../../shared/targets/eks/errors.js';
import { eksToken } from '../../shared/targets/eks/token.js';
import type { KubeDeployment } from '../../shared/targets/eks/types.js';
import { KUBE_OTHER_CA_PEM, startKubeTestServer, type KubeTestServer } from '../support/kube-test-server.js';
import { fixture } from '../support/fixtures.js';

// The published ECR push: 123456789012, us-west-2, my-repository-name@sha256:7f5b…
const release = releaseFromPush(parseEcrPushEvent(fixture('eventbridge-ecr-image-action-push-success')));
const NEW_IMAGE = '123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repository-name@sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234';
const OLD_IMAGE = 'gcr.io/heptio-images/ks-guestbook-demo:0.3';
const SOMEONE_ELSES = 'gcr.io/heptio-images/ks-guestbook-demo:0.4';
const ENVOY = { name: 'envoy', image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod', ports: [{ containerPort: 9901, protocol: 'TCP' }] };
const NOW = new Date('2025-02-21T19:26:00.000Z');
const REGION = 'us-west-2';
const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const config: EksConfig = { cluster: 'prod', namespace: 'default', deployment: 'guestbook-ui', container: 'guestbook-ui' };
const PATH = '/apis/apps/v1/namespaces/default/deployments/guestbook-ui';

/** The published mid-rollout guestbook-ui Deployment (generation 4), finished, with an envoy sidecar. */
function guestbook(): KubeDeployment {
  const d = fixture<KubeDeployment>('k8s-deployment-progressing-mid-rollout');
  d.spec.template.spec.containers.push(structuredClone(ENVOY));
  return rolledOut(d);
}

/** What the deployment controller shows once it has rolled out the current generation. */
function rolledOut(d: KubeDeployment): KubeDeployment {
  const replicas = d.spec.replicas ?? 1;
  d.status = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas,
    updatedReplicas: replicas,
    readyReplicas: replicas,
    availableReplicas: replicas,
    conditions: [
      { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
      { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "guestbook-ui-75dd4d49d5" has successfully progressed.' },
    ],
  };
  return d;
}

/** DescribeCluster as EKS answers it, pointed at the test server. */
function cluster(overrides: Partial<Cluster> = {}): Cluster {
  return {
    name: 'prod',
    arn: 'arn:aws:eks:us-west-2:123456789012:cluster/prod',
    version: '1.31',
    status: 'ACTIVE',
    endpoint: server.url,
    certificateAuthority: { data: server.caBase64 },
    platformVersion: 'eks.12',
    ...overrides,
  };
}

let server: KubeTestServer;
const eksMock = mockClient(EKSClient);
/** DescribeCluster through a mocked SDK client, which records each request (the target's own call goes over the wire: deploy-eks.test.ts). */
const sdk = new EKSClient({ region: REGION, credentials: CREDENTIALS });
/** The SDK's answer as the target takes it (shared/aws/eks.ts): a missing cluster is no `cluster` key, not `cluster: undefined`. */
const clusterOf = ({ cluster }: DescribeClusterCommandOutput) => (cluster ? { cluster } : {});
const describeCluster = async (name: string) => clusterOf(await sdk.send(new DescribeClusterCommand({ name })));
const deps = () => ({ describeCluster, credentials: CREDENTIALS, region: REGION, now: () => NOW });
const target = () => eksTarget(deps(), config);
const failure = (work: Promise<unknown>) =>
  work.then(
    () => expect.fail('expected a rejection'),
    (error: Error) => error,
  );
const stored = () => server.get('default', 'guestbook-ui')!;
const patches = () => server.requests.filter((r) => r.method === 'PATCH');

beforeEach(async () => {
  server = await startKubeTestServer([guestbook()]);
  eksMock.reset();
  eksMock.on(DescribeClusterCommand, { name: 'prod' }).resolves({ cluster: cluster() });
});
afterEach(async () => {
  await server.close();
});

describe('eksTarget', () => {
  it('is labelled with cluster, namespace and deployment', () => {
    // Prepare / Act
    const label = target().label;

    // Assess
    expect(label).toBe('EKS deployment prod/default/guestbook-ui');
  });

  it('has no events to be woken by: Kubernetes rollouts are polled', () => {
    // Prepare / Act
    const keys = target().wakeKeys;

    // Assess
    expect(keys).toEqual([]);
  });

  describe('deploy', () => {
    it('patches only the configured container to the digest and returns the generation as deployment id', async () => {
      // Prepare
      const before = stored();

      // Act
      const deployment = await target().deploy(release, NOW);

      // Assess
      expect(deployment).toStrictEqual({
        platform: 'eks',
        previousRevision: OLD_IMAGE,
        revision: NEW_IMAGE,
        deploymentId: '5',
        startedAt: NOW.toISOString(),
        alreadyRunning: false,
      });
      expect(eksMock.commandCalls(DescribeClusterCommand).map((c) => c.args[0].input)).toStrictEqual([{ name: 'prod' }]);
      expect(server.requests.map((r) => `${r.method} ${r.path}`)).toStrictEqual([`GET ${PATH}`, `PATCH ${PATH}`]);
      const note = JSON.stringify({ container: 'guestbook-ui', from: OLD_IMAGE, to: NEW_IMAGE });
      expect(patches()[0]!.body).toBe(
        JSON.stringify({
          metadata: { resourceVersion: '12819', annotations: { [LAST_DEPLOY_ANNOTATION]: note } },
          spec: { template: { spec: { containers: [{ name: 'guestbook-ui', image: NEW_IMAGE }] } } },
        }),
      );
      const after = structuredClone(before);
      after.spec.template.spec.containers[0]!.image = NEW_IMAGE;
      after.metadata.generation = 5;
      after.metadata.resourceVersion = '12820';
      after.metadata.annotations = { ...after.metadata.annotations, [LAST_DEPLOY_ANNOTATION]: note };
      expect(stored()).toStrictEqual(after);
    });

    it('authenticates with the EKS token for this cluster, over the cluster CA', async () => {
      // Prepare
      const expected = await eksToken({ cluster: 'prod', region: REGION, credentials: CREDENTIALS, now: NOW });

      // Act
      await target().deploy(release, NOW);

      // Assess
      for (const request of server.requests) expect(request.headers.authorization).toBe(`Bearer ${expected.token}`);
      expect(patches()[0]!.headers['content-type']).toBe('application/strategic-merge-patch+json');
      const url = new URL(Buffer.from(expected.token.slice('k8s-aws-v1.'.length), 'base64url').toString());
      expect(url.host).toBe('sts.us-west-2.amazonaws.com');
      expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    });

    it('changes nothing when the container already runs the digest', async () => {
      // Prepare
      server.update('default', 'guestbook-ui', (d) => void (d.spec.template.spec.containers[0]!.image = NEW_IMAGE));

      // Act
      const deployment = await target().deploy(release, NOW);

      // Assess
      expect(deployment).toStrictEqual({
        platform: 'eks',
        previousRevision: NEW_IMAGE,
        revision: NEW_IMAGE,
        deploymentId: '4',
        startedAt: NOW.toISOString(),
        alreadyRunning: true,
      });
      expect(patches()).toStrictEqual([]);
    });

    it('recognises its own patch on a retry whose first answer was lost, while it still rolls out', async () => {
      // Prepare: the patch goes through, then the connection drops before the answer.
      server.fail({ on: 'PATCH', applyThenReset: true });
      const lost = await failure(target().deploy(release, NOW));

      // Act
      const retried = await target().deploy(release, NOW);

      // Assess
      expect(lost).toBeInstanceOf(Transient);
      expect(stored().spec.template.spec.containers[0]!.image).toBe(NEW_IMAGE);
      expect(retried).toStrictEqual({
        platform: 'eks',
        previousRevision: OLD_IMAGE,
        revision: NEW_IMAGE,
        deploymentId: '5',
        startedAt: NOW.toISOString(),
        alreadyRunning: false,
      });
      expect(patches()).toHaveLength(1);
    });

    it('calls it already running once that rollout has completed', async () => {
      // Prepare
      server.fail({ on: 'PATCH', applyThenReset: true });
      await failure(target().deploy(release, NOW));
      server.update('default', 'guestbook-ui', (d) => void rolledOut(d));

      // Act
      const retried = await target().deploy(release, NOW);

      // Assess
      expect(retried).toMatchObject({ previousRevision: NEW_IMAGE, revision: NEW_IMAGE, deploymentId: '5', alreadyRunning: true });
      expect(patches()).toHaveLength(1);
    });

    it('names the containers there are when the configured one is missing; nothing is patched', async () => {
      // Prepare
      const wrong = eksTarget(deps(), { ...config, container: 'app' });

      // Act
      const error = await failure(wrong.deploy(release, NOW));

      // Assess
      expect(error).toBeInstanceOf(TargetMisconfigured);
      expect(error.message).toBe(
        'EKS deployment prod/default/guestbook-ui has no container "app" (containers: guestbook-ui, envoy); check target.eks.container',
      );
      expect(patches()).toStrictEqual([]);
    });

    it('a 409 on the patch (changed since read) is Transient, and the retry patches the fresh object', async () => {
      // Prepare: the API server answers our patch with a 409; someone scales the Deployment before the retry.
      server.fail({ on: 'PATCH', status: 409 });
      const conflict = await failure(target().deploy(release, NOW));
      server.update('default', 'guestbook-ui', (d) => void (d.spec.replicas = 2));

      // Act
      const retried = await target().deploy(release, NOW);

      // Assess
      expect(conflict).toBeInstanceOf(Transient);
      expect(retried).toMatchObject({ previousRevision: OLD_IMAGE, revision: NEW_IMAGE, deploymentId: '5', alreadyRunning: false });
      expect(JSON.parse(patches()[1]!.body).metadata.resourceVersion).toBe('12820');
    });

    it('a real resourceVersion conflict is caught by the API server, not by luck', async () => {
      // Prepare: the object changes after our GET; the server compares resourceVersions itself.
      const api = await eksClusters(deps())('prod');
      const read = await api.getDeployment('default', 'guestbook-ui');
      server.update('default', 'guestbook-ui', (d) => void (d.spec.replicas = 2));

      // Act
      const error = await failure(
        api.patchContainerImage('default', 'guestbook-ui', 'guestbook-ui', NEW_IMAGE, { resourceVersion: read.metadata.resourceVersion! }),
      );

      // Assess
      expect(error).toBeInstanceOf(Transient);
      expect(stored().spec.template.spec.containers[0]!.image).toBe(OLD_IMAGE);
    });
  });

  describe('the cluster', () => {
    it('is refused when EKS does not know it', async () => {
      // Prepare
      eksMock.on(DescribeClusterCommand).rejects(new ResourceNotFoundException({ message: 'No cluster found for name: prod.', $metadata: {} }));

      // Act
      const error = await failure(target().deploy(release, NOW));

      // Assess
      expect(error).toBeInstanceOf(TargetMisconfigured);
      expect(error.message).toBe('EKS cluster prod not found in us-west-2; check target.eks.cluster');
      expect(server.requests).toStrictEqual([]);
    });

    it.each(['CREATING', 'DELETING', 'FAILED'] as const)('is refused while %s', async (status) => {
      // Prepare
      eksMock.on(DescribeClusterCommand).resolves({ cluster: cluster({ status }) });

      // Act
      const error = await failure(target().deploy(release, NOW));

      // Assess
      expect(error).toBeInstanceOf(TargetMisconfigured);
      expect(error.message).toBe(`EKS cluster prod is ${status}, not ACTIVE`);
    });

    it('is used while UPDATING (the API server stays up during an update)', async () => {
      // Prepare
      eksMock.on(DescribeClusterCommand).resolves({ cluster: cluster({ status: 'UPDATING' }) });

      // Act
      const deployment = await target().deploy(release, NOW);

      // Assess
      expect(deployment.alreadyRunning).toBe(false);
    });

    it('is described once per container lifetime, and again after a failed call', async () => {
      // Prepare
      const kube = eksClusters(deps());
      const a = eksTarget({ ...deps(), kube }, config);
      const b = eksTarget({ ...deps(), kube }, config);

      // Act
      await a.deploy(release, NOW);
      await b.status({ deploymentId: '5', revision: NEW_IMAGE, revertRevision: OLD_IMAGE, since: NOW });
      server.fail({ status: 500 });
      await failure(b.status({ deploymentId: '5', revision: NEW_IMAGE, revertRevision: OLD_IMAGE, since: NOW }));
      await a.status({ deploymentId: '5', revision: NEW_IMAGE, revertRevision: OLD_IMAGE, since: NOW });

      // Assess
      expect(eksMock.commandCalls(DescribeClusterCommand)).toHaveLength(2);
    });

    it('shares the cache between targets on the same DescribeCluster when nothing else is given', async () => {
      // Prepare: the region and the credentials from the environment, as in Lambda
      const shared = async (name: string) => clusterOf(await sdk.send(new DescribeClusterCommand({ name })));

      // Act
      await eksTarget({ describeCluster: shared }, config).deploy(release, NOW);
      await eksTarget({ describeCluster: shared }, config).status({ deploymentId: '5', revision: NEW_IMAGE, revertRevision: OLD_IMAGE, since: NOW });

      // Assess
      expect(eksMock.commandCalls(DescribeClusterCommand)).toHaveLength(1);
      expect(server.requests[0]!.headers.authorization).toMatch(/^Bearer k8s-aws-v1\./);
    });

    it("fails, changing nothing, when the API server's certificate does not verify against the cluster's CA", async () => {
      // Prepare
      eksMock.on(DescribeClusterCommand).resolves({ cluster: cluster({ certificateAuthority: { data: Buffer.from(KUBE_OTHER_CA_PEM).toString('base64') } }) });

      // Act
      const error = await failure(target().deploy(release, NOW));

      // Assess
      expect(error).toBeInstanceOf(KubeApiError);
      expect(error.message).toContain("the server's TLS certificate does not verify against the cluster CA from DescribeCluster");
      expect(server.requests).toStrictEqual([]);
      expect(stored().spec.template.spec.containers[0]!.image).toBe(OLD_IMAGE);
    });

    it.each([
      [403, 'the Lambda role needs an EKS access entry (or an aws-auth ConfigMap mapping) with rights to get and patch deployments in namespace "default"'],
      [404, 'no deployment "guestbook-ui" in namespace "default"; fix target.eks.deployment or target.eks.namespace'],
    ])('reports a %i from the API as TargetMisconfigured', async (status, says) => {
      // Prepare
      server.fail({ status });

      // Act
      const error = await failure(target().deploy(release, NOW));

      // Assess
      expect(error).toBeInstanceOf(TargetMisconfigured);
      expect(error.message).toContain(says);
    });
  });

  describe('status', () => {
    const watch = { deploymentId: '5', revision: NEW_IMAGE, revertRevision: OLD_IMAGE, since: NOW };

    it('waits for the controller to observe our generation', async () => {
      // Prepare
      await target().deploy(release, NOW);

      // Act
      const status = await target().status(watch);

      // Assess
      expect(status).toStrictEqual({ state: 'in_progress', detail: 'generation 5 not observed yet by the deployment controller (observed 4)' });
    });

    it('reads the published mid-rollout status as in progress', async () => {
      // Prepare
      await target().deploy(release, NOW);
      const published = fixture<KubeDeployment>('k8s-deployment-progressing-mid-rollout').status;
      server.update('default', 'guestbook-ui', (d) => void (d.status = { ...published, observedGeneration: 5 }));

      // Act
      const status = await target().status(watch);

      // Assess
      expect(status).toStrictEqual({ state: 'in_progress', detail: 'generation 5: 1 of 1 updated, 1 available, 1 old pending termination' });
    });

    it('fails on the published ProgressDeadlineExceeded', async () => {
      // Prepare
      await target().deploy(release, NOW);
      const published = fixture<KubeDeployment>('k8s-deployment-failed-progress-deadline-exceeded').status;
      server.update('default', 'guestbook-ui', (d) => void (d.status = { ...published, observedGeneration: 5 }));

      // Act
      const status = await target().status(watch);

      // Assess
      expect(status).toStrictEqual({
        state: 'failed',
        reason:
          'ReplicaSet "guestbook-ui-75dd4d49d5" has timed out progressing. (progress deadline 600s exceeded; 1 of 1 updated, 1 available, 1 old pending termination)',
      });
    });

    it('is completed once rolled out', async () => {
      // Prepare
      await target().deploy(release, NOW);
      server.update('default', 'guestbook-ui', (d) => void rolledOut(d));

      // Act
      const status = await target().status(watch);

      // Assess
      expect(status).toStrictEqual({ state: 'completed', detail: 'generation 5 rolled out: 1 of 1 updated, 1 available' });
    });

    it("is superseded by someone else's newer image", async () => {
      // Prepare
      await target().deploy(release, NOW);
      server.update('default', 'guestbook-ui', (d) => {
        d.spec.template.spec.containers[0]!.image = SOMEONE_ELSES;
        d.metadata.generation = 6;
      });

      // Act
      const status = await target().status(watch);

      // Assess
      expect(status).toStrictEqual({ state: 'superseded', by: `${SOMEONE_ELSES} (generation 6, changed by someone; ours was generation 5)` });
    });

    it('refuses a deployment id that is not a generation', async () => {
      // Prepare / Act
      const error = await failure(target().status({ ...watch, deploymentId: 'ecs-svc/7419115625193919142' }));

      // Assess
      expect(error.name).toBe('InvalidInput');
    });
  });

  describe('rollback', () => {
    it('patches the exact previous image back into that container, and nothing else', async () => {
      // Prepare
      const original = stored();
      const deployment = await target().deploy(release, NOW);
      server.requests.length = 0;

      // Act
      const started = await target().rollback(deployment.previousRevision, NOW);

      // Assess
      expect(started).toStrictEqual({ revision: OLD_IMAGE, deploymentId: '6', startedAt: NOW.toISOString(), adopted: false });
      expect(patches().map((p) => p.body)).toStrictEqual([
        JSON.stringify({ metadata: { resourceVersion: '12820' }, spec: { template: { spec: { containers: [{ name: 'guestbook-ui', image: OLD_IMAGE }] } } } }),
      ]);
      const after = stored();
      expect(after.spec).toStrictEqual(original.spec);
      expect(after.metadata.generation).toBe(6);
    });

    it('adopts a rollback already done (a retry, or a person), without patching', async () => {
      // Prepare
      const deployment = await target().deploy(release, NOW);
      await target().rollback(deployment.previousRevision, NOW);
      server.requests.length = 0;

      // Act
      const again = await target().rollback(deployment.previousRevision, NOW);

      // Assess
      expect(again).toStrictEqual({ revision: OLD_IMAGE, deploymentId: '6', startedAt: NOW.toISOString(), adopted: true });
      expect(patches()).toStrictEqual([]);
    });

    it('is watched to completion like any rollout', async () => {
      // Prepare
      const deployment = await target().deploy(release, NOW);
      const started = await target().rollback(deployment.previousRevision, NOW);
      server.update('default', 'guestbook-ui', (d) => void rolledOut(d));

      // Act
      const status = await target().status({
        deploymentId: started.deploymentId,
        revision: deployment.previousRevision,
        revertRevision: deployment.revision,
        since: NOW,
      });

      // Assess
      expect(status).toStrictEqual({ state: 'completed', detail: 'generation 6 rolled out: 1 of 1 updated, 1 available' });
    });
  });
});
