import { afterEach, describe, expect, it } from 'vitest';
import { verifyEksToken } from '../../local/cloud/eks-token.js';
import type { RecordedKubeRequest } from '../../local/cloud/kubernetes.js';
import { runWorkflow } from '../../local/run-workflow.js';
import { LAST_DEPLOY_ANNOTATION } from '../../shared/targets/eks/eks-target.js';
import { aloneEvents } from '../support/alone-events.js';
import { mockCloud } from '../support/mock-cloud.js';
import { freshRecordsTable, useLocalDynamo } from '../support/records.js';
import { CATALOG_SERVICE_YAML, catalogWorld, ENVOY_IMAGE, pushRelease, useKubeApiServer, webService } from '../support/world-fixture.js';

// Scenarios over the real statemachines/deploy.asl.yml (aws-local-stepfunctions),
// every Task running the real handler, against the simulated cloud in simulated
// time: DescribeCluster over EKS's wire protocol, the Kubernetes API over
// real HTTPS (verified against the cluster CA DescribeCluster returns).

useLocalDynamo();
useKubeApiServer();
let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((f) => f());
  cleanup = [];
});

const PATH = '/apis/apps/v1/namespaces/shop/deployments/catalog';
const catalogService = () => webService(CATALOG_SERVICE_YAML);

async function given(options: Parameters<typeof catalogWorld>[0] = {}) {
  const records = await freshRecordsTable();
  const env = catalogWorld(options);
  const mocks = mockCloud(env.world);
  const events = aloneEvents(env.world);
  cleanup.push(
    () => mocks.restore(),
    () => events.restore(),
    () => env.clock.uninstall(),
  );
  return { ...env, mocks, records, events };
}

type Env = Awaited<ReturnType<typeof given>>;
const patches = (env: Env) => env.kubernetes.requests.filter((r) => r.method === 'PATCH');
const deployment = (env: Env) => env.kubernetes.deployment('shop', 'catalog')!;
const imageOf = (env: Env, container: string) => deployment(env).spec.template.spec.containers.find((c) => c.name === container)?.image;
/** The resourceVersion the API server answered to the GET just before `patch` (the target's read). */
const readBefore = (env: Env, patch: RecordedKubeRequest) =>
  env.kubernetes.requests
    .filter((r) => r.method === 'GET' && r.at <= patch.at && env.kubernetes.requests.indexOf(r) < env.kubernetes.requests.indexOf(patch))
    .at(-1)?.resourceVersion;

describe('EKS deploy workflow', () => {
  it('deploys a good release pinned by digest to the configured container only, with the patch the target documents', async () => {
    // Prepare
    const env = await given();
    const { world, clock, initialImage, initialTemplate } = env;
    const input = pushRelease(world, 'v2', {}, catalogService());

    // Act
    const run = await runWorkflow(input, { clock, ...env.events.options });

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result.outcome).toBe('deployed');
    expect(input.release.imageUri).toMatch(/^123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/catalog@sha256:[a-f0-9]{64}$/);
    expect(run.result.previousRevision).toBe(initialImage);
    expect(run.result.revision).toBe(input.release.imageUri);
    expect(run.result.steps.map((s) => s.step)).toEqual(['scan', 'deploy', 'rollout', 'bake']);
    const bake = run.result.steps.find((s) => s.step === 'bake')!;
    expect(Date.parse(bake.endedAt!) - Date.parse(bake.startedAt)).toBeGreaterThanOrEqual(10 * 60_000);
    expect(run.transitions).toBeLessThanOrEqual(50);

    // One patch: only `web`'s image, the resourceVersion it read, and the note of what it replaced.
    const [patch, ...others] = patches(env);
    expect(others).toEqual([]);
    expect(patch!.path).toBe(PATH);
    expect(patch!.status).toBe(200);
    expect(patch!.body).toBe(
      JSON.stringify({
        metadata: {
          resourceVersion: readBefore(env, patch!),
          annotations: { [LAST_DEPLOY_ANNOTATION]: JSON.stringify({ container: 'web', from: initialImage, to: input.release.imageUri }) },
        },
        spec: { template: { spec: { containers: [{ name: 'web', image: input.release.imageUri }] } } },
      }),
    );
    expect(patch!.headers).toMatchObject({ 'content-type': 'application/strategic-merge-patch+json', accept: 'application/json', 'user-agent': 'shipwatch' });
    for (const request of env.kubernetes.requests) {
      expect(request.headers.authorization).toMatch(/^Bearer k8s-aws-v1\.[A-Za-z0-9_-]+$/);
      expect(verifyEksToken(String(request.headers.authorization).slice('Bearer '.length), request.at)).toMatchObject({
        ok: true,
        region: 'us-east-1',
        accessKeyId: 'test',
      });
    }
    // The endpoint and CA come from DescribeCluster, kept for the container's life (a warm Lambda): once per file at most.
    const described = world.callsTo('DescribeCluster').map((c) => c.input);
    expect(described.length).toBeLessThanOrEqual(1);
    for (const input of described) expect(input).toEqual({ name: 'shop' });

    const after = deployment(env);
    const expected = structuredClone(initialTemplate);
    expected.spec.containers[0]!.image = input.release.imageUri;
    expect(after.spec.template).toStrictEqual(expected);
    expect(imageOf(env, 'envoy')).toBe(ENVOY_IMAGE);
    expect(after.metadata.generation).toBe(2);
    expect(after.status).toMatchObject({ observedGeneration: 2, replicas: 4, updatedReplicas: 4, availableReplicas: 4 });
    expect(after.status.conditions).toContainEqual(expect.objectContaining({ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }));
    expect(env.kubernetes.servingImage('shop', 'catalog', clock.now())?.image).toBe(input.release.imageUri);
  });

  it('rolls back to the exact previous image of that container when the pods never become ready (ProgressDeadlineExceeded)', async () => {
    // Prepare
    const env = await given();
    const { world, clock, initialImage, initialTemplate } = env;
    const input = pushRelease(world, 'v2', { healthy: false }, catalogService());

    // Act
    const run = await runWorkflow(input, { clock, ...env.events.options });

    // Assess
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('Shipwatch.RolledBack');
    expect(run.result.outcome).toBe('rolled_back');
    expect(run.result.reason).toMatch(
      /ReplicaSet "catalog-[bcdfghjklmnpqrstvwxz2456789]+" has timed out progressing\. \(progress deadline 600s exceeded; 2 of 4 updated, 3 available, 3 old pending termination\)/,
    );
    expect(run.result.reason).toContain(`rolled back to ${initialImage}`);
    expect(run.result.steps.map((s) => s.step)).toEqual(['scan', 'deploy', 'rollout', 'rollback']);
    // The deadline fails the watch at once, not the 15-minute rollout timeout.
    const rollout = run.result.steps.find((s) => s.step === 'rollout')!;
    const watched = Date.parse(rollout.endedAt!) - Date.parse(rollout.startedAt);
    expect(watched).toBeGreaterThanOrEqual(600_000);
    expect(watched).toBeLessThan(12 * 60_000);

    const [deploy, rollback, ...others] = patches(env);
    expect(others).toEqual([]);
    expect(JSON.parse(deploy!.body).spec).toEqual({ template: { spec: { containers: [{ name: 'web', image: input.release.imageUri }] } } });
    // Only the image back, on the version it read: no annotation, no other container.
    expect(rollback!.body).toBe(
      JSON.stringify({
        metadata: { resourceVersion: readBefore(env, rollback!) },
        spec: { template: { spec: { containers: [{ name: 'web', image: initialImage }] } } },
      }),
    );
    expect(deployment(env).spec.template).toStrictEqual(initialTemplate);
    expect(deployment(env).status).toMatchObject({ observedGeneration: 3, replicas: 4, updatedReplicas: 4, availableReplicas: 4 });
    expect(env.kubernetes.servingImage('shop', 'catalog', clock.now())?.image).toBe(initialImage);
  });

  it('rolls back when the 5xx alarm goes to ALARM during the bake, naming the alarm', async () => {
    // Prepare
    const env = await given();
    const { world, clock, initialImage, initialTemplate } = env;
    const input = pushRelease(world, 'v2', { errorRate: 12 }, catalogService());

    // Act
    const run = await runWorkflow(input, { clock, ...env.events.options });

    // Assess
    expect(run.status).toBe('FAILED');
    expect(run.result.outcome).toBe('rolled_back');
    expect(run.result.reason).toMatch(/Unhealthy: alarm catalog-5xx is ALARM/);
    expect(run.result.steps.map((s) => s.step)).toEqual(['scan', 'deploy', 'rollout', 'bake', 'rollback']);
    expect(patches(env).map((p) => JSON.parse(p.body).spec.template.spec.containers)).toEqual([
      [{ name: 'web', image: input.release.imageUri }],
      [{ name: 'web', image: initialImage }],
    ]);
    expect(deployment(env).spec.template).toStrictEqual(initialTemplate);
    expect(deployment(env).metadata.generation).toBe(3);
  });

  it('ends superseded, without rolling back, when someone else patches the Deployment during the bake', async () => {
    // Prepare
    const env = await given();
    const { world, clock, kubernetes } = env;
    const input = pushRelease(world, 'v2', {}, catalogService());
    const hotfix = `${world.ecr.registry}/catalog:hotfix`;
    let patched = false;
    const onState = (e: { state: string; type: string }) => {
      if (e.state === 'AwaitBake' && e.type === 'entered' && !patched) {
        // `kubectl set image deployment/catalog web=…:hotfix` from another pipeline.
        patched = true;
        expect(kubernetes.patch('shop', 'catalog', { spec: { template: { spec: { containers: [{ name: 'web', image: hotfix }] } } } }).status).toBe(200);
      }
    };

    // Act
    const run = await runWorkflow(input, { clock, ...env.events.options, onState });

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result.outcome).toBe('superseded');
    expect(run.result.reason).toContain('someone else');
    expect(run.result.reason).toContain(hotfix);
    expect(patches(env)).toHaveLength(1);
    expect(imageOf(env, 'web')).toBe(hotfix);
    expect(imageOf(env, 'envoy')).toBe(ENVOY_IMAGE);
  });

  it('retries a patch refused with 409 Conflict (someone scaled the Deployment between the read and the patch) and deploys', async () => {
    // Prepare
    const env = await given();
    const { world, clock, kubernetes } = env;
    const input = pushRelease(world, 'v2', {}, catalogService());
    let scaled = false;
    kubernetes.faults = (request) => {
      if (request.method === 'PATCH' && !scaled) {
        scaled = true;
        kubernetes.patch('shop', 'catalog', { spec: { replicas: 5 } });
      }
      return undefined;
    };

    // Act
    const run = await runWorkflow(input, { clock, ...env.events.options });

    // Assess
    expect(run.result.outcome).toBe('deployed');
    expect(patches(env).map((p) => p.status)).toEqual([409, 200]);
    expect(JSON.parse(patches(env)[1]!.body).metadata.resourceVersion).toBe(readBefore(env, patches(env)[1]!));
    expect(run.path.filter((s) => s === 'Deploy')).toHaveLength(2);
    expect(deployment(env)).toMatchObject({ spec: { replicas: 5 }, status: { replicas: 5, updatedReplicas: 5, availableReplicas: 5 } });
    expect(imageOf(env, 'web')).toBe(input.release.imageUri);
  });
});
