import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startKubeServer, type KubeServer } from '../../local/cloud/kube-server.js';
import { KUBE_ROLLOUT_SECONDS, type KubernetesModel } from '../../local/cloud/kubernetes.js';
import { profile, type ImageProfile } from '../../local/cloud/profiles.js';
import { World } from '../../local/cloud/world.js';
import type { Strategy } from '../../shared/config/strategy.js';
import { InvalidInput, Superseded, TargetMisconfigured } from '../../shared/errors.js';
import { parseEcrPushEvent } from '../../shared/events/ecr-push.js';
import { releaseFromPush, type Release } from '../../shared/release/release.js';
import { CANARY_ANNOTATION, canaryState } from '../../shared/targets/eks/canary-state.js';
import { eksTarget, LAST_DEPLOY_ANNOTATION, type EksConfig } from '../../shared/targets/eks/eks-target.js';
import type { ProgressiveTarget } from '../../shared/targets/progressive.js';
import type { DeployTarget, Watch } from '../../shared/targets/target.js';

// The EKS ProgressiveTarget against the sandbox's Kubernetes API server
// (local/cloud/kubernetes.ts) over HTTPS, its simulated clock driving the
// deployment controller: a canary Deployment `search-canary` beside the
// Deployment `search` (4 replicas, container `web` and an Envoy sidecar)
// behind the Service `search`.

const START = Date.parse('2026-11-02T10:00:00Z');
const CREDENTIALS = { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox-secret' };
const ENVOY = 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod';
const config: EksConfig = { cluster: 'shop', namespace: 'shop', deployment: 'search', container: 'web' };
const CANARY = { type: 'canary', percent: 10, bakeMinutes: 5, pause: false } as const;
const LINEAR = { type: 'linear', stepPercent: 25, bakeMinutes: 5, pause: false } as const;
const POD_READY_MS = (n: number) => (KUBE_ROLLOUT_SECONDS * 1000) / n + 2000;

let server: KubeServer;
let route: (r: Parameters<KubernetesModel['handle']>[0]) => ReturnType<KubernetesModel['handle']>;
let now = START;
let world: World;
let kube: KubernetesModel;
let v1: string;

beforeAll(async () => {
  server = await startKubeServer((r) => route(r));
});
afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  now = START;
  world = new World(() => now, 7);
  world.ecr.createRepository('search');
  v1 = imageOf(world.ecr.push('search', 'v1', profile()));
  kube = world.eks.createCluster('shop');
  kube.createDeployment({
    namespace: 'shop',
    name: 'search',
    replicas: 4,
    containers: [
      { name: 'web', image: v1 },
      { name: 'envoy', image: ENVOY },
    ],
  });
  kube.createService({ namespace: 'shop', name: 'search', selector: { app: 'search' } });
  world.eks.serve('shop', server.url);
  route = (r) => kube.handle(r);
});

const imageOf = (event: ReturnType<World['ecr']['push']>) => `${world.ecr.registry}/search@${event.detail['image-digest']}`;
const push = (tag: string, behaviour: Partial<ImageProfile> = {}): Release =>
  releaseFromPush(parseEcrPushEvent(world.ecr.push('search', tag, profile(behaviour))));
const target = (strategy: Strategy = CANARY): DeployTarget =>
  eksTarget(
    {
      describeCluster: async (name) => {
        const { cluster } = world.eks.DescribeCluster({ name });
        return cluster ? { cluster } : {};
      },
      credentials: CREDENTIALS,
      region: 'us-east-1',
      now: () => new Date(now),
    },
    config,
    strategy,
  );
const progressive = (t: DeployTarget): ProgressiveTarget => t.progressive!;
const at = () => new Date(now);
const advanceClock = (ms: number) => {
  now += ms;
};
const main = () => kube.deployment('shop', 'search')!;
const canary = () => kube.deployment('shop', 'search-canary');
const writes = () =>
  kube.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path.replace('/apis/apps/v1/namespaces/shop/deployments', '')} ${r.status}`);
const failure = (work: Promise<unknown>) =>
  work.then(
    () => expect.fail('expected a rejection'),
    (error: Error) => error,
  );

/** deploy, then the watch the workflow builds from what it returned. */
async function started(t: DeployTarget, release: Release): Promise<Watch> {
  const d = await t.deploy(release, at());
  return { deploymentId: d.deploymentId, revision: d.revision, revertRevision: d.previousRevision, since: new Date(d.startedAt) };
}

/** Until the step's pods are ready and progress says so: the judge status. */
async function judged(t: DeployTarget, watch: Watch, replicas: number) {
  advanceClock(POD_READY_MS(replicas) * replicas);
  const status = await progressive(t).progress(watch);
  expect(status.state).toBe('judge');
  return status;
}

describe('deploy (a progressive strategy on EKS)', () => {
  it('creates search-canary: 1 pod of the new image beside the 4 of search, which it does not touch', async () => {
    // Prepare
    const release = push('v2');
    const before = main();

    // Act
    const deployment = await target().deploy(release, at());

    // Assess
    const created = canary()!;
    expect(deployment).toStrictEqual({
      platform: 'eks',
      previousRevision: v1,
      revision: release.imageUri,
      deploymentId: created.metadata.uid,
      startedAt: at().toISOString(),
      alreadyRunning: false,
    });
    expect(writes()).toStrictEqual(['POST  201']);
    expect(main()).toStrictEqual(before);
    expect(created.spec.replicas).toBe(1);
    expect(created.spec.selector).toStrictEqual({ matchLabels: { app: 'search', track: 'canary' } });
    expect(created.spec.template.metadata.labels).toStrictEqual({ app: 'search', track: 'canary' });
    expect(created.spec.template.spec.containers.map((c) => c.image)).toStrictEqual([release.imageUri, ENVOY]);
    expect(canaryState(created)).toStrictEqual({
      of: 'search',
      container: 'web',
      revision: release.imageUri,
      from: v1,
      steps: [10, 100],
      step: 1,
      replicas: 1,
      stableReplicas: 4,
      since: at().toISOString(),
    });
  });

  it('adopts its own canary when the step is retried (its first answer lost): one canary, the same id', async () => {
    // Prepare
    const release = push('v2');
    const first = await target().deploy(release, at());

    // Act
    const again = await target().deploy(release, at());

    // Assess
    expect(again.deploymentId).toBe(first.deploymentId);
    expect(writes()).toStrictEqual(['POST  201']);
  });

  it('replaces a canary an earlier deployment left behind (another release), and refuses one Shipwatch did not make', async () => {
    // Prepare
    const older = push('v2');
    const left = await target().deploy(older, at());
    const release = push('v3');

    // Act
    const replaced = await target().deploy(release, at());

    // Assess
    expect(replaced.deploymentId).not.toBe(left.deploymentId);
    expect(writes()).toStrictEqual(['POST  201', 'DELETE /search-canary 200', 'POST  201']);
    expect(canaryState(canary()!)?.revision).toBe(release.imageUri);

    // Prepare: a canary of someone's own, by hand
    kube.patch('shop', 'search-canary', { metadata: { annotations: { [CANARY_ANNOTATION]: null } } });
    const count = writes().length;

    // Act
    const error = await failure(target().deploy(push('v4'), at()));

    // Assess
    expect(error).toBeInstanceOf(TargetMisconfigured);
    expect(error.message).toBe(
      'shop/shop/search-canary exists and is not a Shipwatch canary (no shipwatch/canary annotation); Shipwatch creates the canary of search under that name: rename or delete that Deployment',
    );
    expect(writes()).toHaveLength(count);
  });

  it('refuses a Deployment scaled to zero before creating anything, and blueGreen (which the config refuses) before reading anything', async () => {
    // Prepare
    kube.patch('shop', 'search', { spec: { replicas: 0 } });
    const count = kube.requests.length;

    // Act
    const zero = await failure(target().deploy(push('v2'), at()));
    const blue = await failure(target({ type: 'blueGreen', testTrafficBakeMinutes: 0, pause: false }).deploy(push('v3'), at()));

    // Assess
    expect(zero).toBeInstanceOf(TargetMisconfigured);
    expect(zero.message).toMatch(/at least one replica \(it has 0\)/);
    expect(blue).toBeInstanceOf(TargetMisconfigured);
    expect(blue.message).toBe(
      'EKS deployment shop/shop/search: strategy blueGreen is not available on EKS (see docs/progressive-eks.md); use canary or linear',
    );
    expect(writes()).toStrictEqual([]);
    expect(kube.requests.length - count).toBe(1);
  });

  it('with a first step of 100% there is nothing to step: it is the rolling patch of the Deployment', async () => {
    // Prepare
    const release = push('v2');

    // Act
    const d = await target({ type: 'canary', percent: 100, bakeMinutes: 5, pause: false }).deploy(release, at());

    // Assess
    expect(d).toMatchObject({ deploymentId: '2', previousRevision: v1, revision: release.imageUri });
    expect(writes()).toStrictEqual(['PATCH /search 200']);
    expect(canary()).toBeUndefined();
  });
});

describe('progress', () => {
  it('is stepping while the canary pod is not ready, then judge from when it was first seen ready, at 20% of the pods (10% asked)', async () => {
    // Prepare
    const t = target();
    const release = push('v2');
    const watch = await started(t, release);

    // Act
    const early = await progressive(t).progress(watch);
    advanceClock(POD_READY_MS(1));
    const ready = await progressive(t).progress(watch);
    const readyAt = at().toISOString();
    advanceClock(60_000);
    const again = await progressive(t).progress(watch);

    // Assess
    expect(early).toMatchObject({ state: 'stepping', step: 1, steps: 2, trafficPercent: 0 });
    expect(early.state === 'stepping' && early.detail).toMatch(/^10% asked: 0 of 1 canary pods available beside 4 of search \(0% of the pods\); generation 1/);
    expect(ready).toMatchObject({
      state: 'judge',
      since: readyAt,
      bakeMinutes: 5,
      scope: { revision: release.imageUri },
      step: 1,
      steps: 2,
      trafficPercent: 20,
    });
    expect(again).toStrictEqual(ready);
    expect(writes()).toStrictEqual(['POST  201', 'PATCH /search-canary 200']);
  });

  it('fails when the canary pods never become ready, after the progress deadline the canary took from its Deployment', async () => {
    // Prepare
    const t = target();
    const watch = await started(t, push('v2', { healthy: false }));

    // Act
    advanceClock(599_000);
    const before = await progressive(t).progress(watch);
    advanceClock(3_000);
    const after = await progressive(t).progress(watch);

    // Assess
    expect(before.state).toBe('stepping');
    expect(after).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(
        /^canary shop\/shop\/search-canary, step 1 of 2: ReplicaSet "search-canary-\w+" has timed out progressing\. \(progress deadline 600s exceeded/,
      ),
    });
  });
});

describe('advance', () => {
  it('canary 10%: after the judged step it promotes (the rolling patch of search), then completes once rolled out, deleting the canary', async () => {
    // Prepare
    const t = target();
    const release = push('v2');
    const watch = await started(t, release);
    await judged(t, watch, 1);

    // Act
    await progressive(t).advance(watch, 1, at());
    await progressive(t).advance(watch, 1, at());
    const promoting = await progressive(t).progress(watch);
    advanceClock(KUBE_ROLLOUT_SECONDS * 1000 + 5_000);
    const done = await progressive(t).progress(watch);
    const again = await progressive(t).progress(watch);

    // Assess
    expect(main().spec.template.spec.containers.map((c) => c.image)).toStrictEqual([release.imageUri, ENVOY]);
    expect(JSON.parse(main().metadata.annotations![LAST_DEPLOY_ANNOTATION]!)).toStrictEqual({ container: 'web', from: v1, to: release.imageUri });
    expect(promoting).toMatchObject({
      state: 'stepping',
      step: 2,
      steps: 2,
      trafficPercent: 100,
      detail: expect.stringMatching(/^promoting: EKS deployment shop\/shop\/search rolls out the new image: generation 2/),
    });
    expect(done).toMatchObject({
      state: 'completed',
      detail: expect.stringMatching(/generation 2 rolled out: 4 of 4 updated, 4 available; canary search-canary deleted$/),
    });
    expect(again).toMatchObject({ state: 'completed', detail: expect.not.stringMatching(/deleted/) });
    expect(canary()).toBeUndefined();
    expect(writes()).toStrictEqual(['POST  201', 'PATCH /search-canary 200', 'PATCH /search 200', 'DELETE /search-canary 200']);
    // What the workflow watches next (WatchRollout), by the canary's id: the Deployment's own rollout, completed.
    expect(await t.status(watch)).toMatchObject({ state: 'completed', detail: 'generation 2 rolled out: 4 of 4 updated, 4 available' });
  });

  it('linear 25%: 1, 4 then 12 canary pods beside 4 (20%, 50%, 75%), each step judged from its own start, then the promotion', async () => {
    // Prepare
    const t = target(LINEAR);
    const watch = await started(t, push('v2'));
    const shares: number[] = [];
    const sinces: string[] = [];

    // Act
    for (const [step, pods] of [
      [1, 1],
      [2, 4],
      [3, 12],
    ] as const) {
      const status = await judged(t, watch, pods);
      if (status.state !== 'judge') throw new Error('not judged');
      shares.push(status.trafficPercent);
      sinces.push(status.since);
      expect(canary()!.spec.replicas).toBe(pods);
      await progressive(t).advance(watch, step, at());
    }

    // Assess
    expect(shares).toStrictEqual([20, 50, 75]);
    expect(new Set(sinces).size).toBe(3);
    expect(main().spec.template.spec.containers[0]!.image).toBe(watch.revision);
    expect(canaryState(canary()!)).toMatchObject({ step: 3, replicas: 12 });
  });

  it('a retried advance changes nothing; an advance of a step not reached yet is refused', async () => {
    // Prepare
    const t = target(LINEAR);
    const watch = await started(t, push('v2'));
    await judged(t, watch, 1);
    await progressive(t).advance(watch, 1, at());
    const count = writes().length;

    // Act
    await progressive(t).advance(watch, 1, at());
    const ahead = await failure(progressive(t).advance(watch, 3, at()));

    // Assess
    expect(writes()).toHaveLength(count);
    expect(ahead).toBeInstanceOf(InvalidInput);
    expect(ahead.message).toBe('advance of step 3 on EKS deployment shop/shop/search: the canary shop/shop/search-canary is at step 2 of 4');
  });
});

describe('pause and decide', () => {
  const PAUSED = { ...CANARY, pause: true };

  it('holds after the first judged step (paused step-1), and a promote moves on, once however often it is sent', async () => {
    // Prepare
    const t = target(PAUSED);
    const watch = await started(t, push('v2'));
    await judged(t, watch, 1);

    // Act
    await progressive(t).advance(watch, 1, at());
    const paused = await progressive(t).progress(watch);
    await progressive(t).decide(watch, 'step-1', 'promote', at());
    await progressive(t).decide(watch, 'step-1', 'promote', at());

    // Assess
    expect(paused).toMatchObject({ state: 'paused', pauseId: 'step-1', step: 1, steps: 2, trafficPercent: 20 });
    expect(main().spec.template.spec.containers[0]!.image).toBe(watch.revision);
    expect(writes().filter((w) => w.startsWith('PATCH /search '))).toHaveLength(1);
  });

  it('abort deletes the canary: every request back on the previous revision, which never lost a pod; then progress says it is gone', async () => {
    // Prepare
    const t = target(PAUSED);
    const watch = await started(t, push('v2'));
    await judged(t, watch, 1);
    await progressive(t).advance(watch, 1, at());
    const before = main();

    // Act
    await progressive(t).decide(watch, 'step-1', 'abort', at());
    await progressive(t).decide(watch, 'step-1', 'abort', at());
    const after = await progressive(t).progress(watch);

    // Assess
    expect(canary()).toBeUndefined();
    expect(main().spec).toStrictEqual(before.spec);
    expect(after).toMatchObject({
      state: 'failed',
      reason: `the canary shop/shop/search-canary is gone (aborted, or deleted by someone): EKS deployment shop/shop/search serves every request with the previous image ${v1}`,
    });
    expect(writes().filter((w) => w.startsWith('DELETE'))).toStrictEqual(['DELETE /search-canary 200']);
  });

  it('refuses a pause that is not the one waiting, and a promote when nothing is paused', async () => {
    // Prepare
    const t = target(PAUSED);
    const watch = await started(t, push('v2'));
    await judged(t, watch, 1);

    // Act
    const notPaused = await failure(progressive(t).decide(watch, 'step-1', 'promote', at()));
    await progressive(t).advance(watch, 1, at());
    const other = await failure(progressive(t).decide(watch, 'step-2', 'promote', at()));
    const hook = await failure(progressive(t).decide(watch, 'hook-7', 'promote', at()));

    // Assess
    expect(notPaused.message).toBe('promote on EKS deployment shop/shop/search: the canary shop/shop/search-canary is not paused (step 1 of 2)');
    expect(other.message).toBe('promote on EKS deployment shop/shop/search: the canary waits at step-1, not step-2');
    expect(hook).toBeInstanceOf(InvalidInput);
  });
});

describe('superseded', () => {
  it("by someone else's image on search: theirs stands, and the canary goes (our release must not serve beside it)", async () => {
    // Prepare
    const t = target();
    const watch = await started(t, push('v2'));
    const theirs = imageOf(world.ecr.push('search', 'hotfix', profile()));
    kube.patch('shop', 'search', { spec: { template: { spec: { containers: [{ name: 'web', image: theirs }] } } } });

    // Act
    const status = await progressive(t).progress(watch);
    const advance = await failure(progressive(t).advance(watch, 1, at()));

    // Assess
    expect(status).toStrictEqual({
      state: 'superseded',
      by: `${theirs} on EKS deployment shop/shop/search (changed by someone; Shipwatch deleted its canary search-canary)`,
    });
    expect(canary()).toBeUndefined();
    expect(main().spec.template.spec.containers[0]!.image).toBe(theirs);
    expect(advance).toBeInstanceOf(Superseded);
  });

  it.each([
    ['scaled by someone', { spec: { replicas: 3 } }, /was scaled by someone to 3 \(Shipwatch set 1 for step 1\)/],
    [
      'given another image',
      { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } },
      /was changed by someone: it runs nginx:1\.27/,
    ],
  ])('when the canary is %s: left as it is', async (_, patch, why) => {
    // Prepare
    const t = target();
    const watch = await started(t, push('v2'));
    kube.patch('shop', 'search-canary', patch);

    // Act
    const status = await progressive(t).progress(watch);

    // Assess
    expect(status).toMatchObject({ state: 'superseded', by: expect.stringMatching(why) });
    expect(canary()).toBeDefined();
  });

  it('when the canary was deleted and created again by someone (another uid)', async () => {
    // Prepare
    const t = target();
    const release = push('v2');
    const watch = await started(t, release);
    await target().rollback(v1, at());
    await target().deploy(release, at());

    // Act
    const status = await progressive(t).progress(watch);

    // Assess
    expect(status).toMatchObject({ state: 'superseded', by: expect.stringMatching(/is another deployment's canary now/) });
  });
});

describe('rollback at any step', () => {
  const steps: [string, (t: DeployTarget, w: Watch) => Promise<void>][] = [
    ['step 1, pods starting', async () => {}],
    ['step 1, judged', async (t, w) => void (await judged(t, w, 1))],
    [
      'step 2 of linear',
      async (t, w) => {
        await judged(t, w, 1);
        await progressive(t).advance(w, 1, at());
      },
    ],
  ];

  it.each(steps)('%s: the canary deleted (that is the rollback: search never changed), safe to call twice', async (_, reach) => {
    // Prepare
    const t = target(LINEAR);
    const watch = await started(t, push('v2'));
    await reach(t, watch);
    const generation = main().metadata.generation;

    // Act
    const first = await t.rollback(v1, at());
    const second = await t.rollback(v1, at());

    // Assess
    expect(first).toStrictEqual({ revision: v1, deploymentId: String(generation), startedAt: at().toISOString(), adopted: false });
    expect(second).toStrictEqual({ ...first, adopted: true });
    expect(canary()).toBeUndefined();
    expect(writes().filter((w) => w.startsWith('DELETE') || w.startsWith('PATCH /search '))).toStrictEqual(['DELETE /search-canary 200']);
  });

  it('during the promotion: the canary deleted and search patched back to the previous image, then watched as a rolling rollback', async () => {
    // Prepare
    const t = target();
    const watch = await started(t, push('v2'));
    await judged(t, watch, 1);
    await progressive(t).advance(watch, 1, at());
    advanceClock(30_000);

    // Act
    const first = await t.rollback(v1, at());
    const second = await t.rollback(v1, at());
    advanceClock(KUBE_ROLLOUT_SECONDS * 1000 + 5_000);
    const watched = await t.status({ deploymentId: first.deploymentId, revision: v1, revertRevision: watch.revision, since: at() });

    // Assess
    expect(first).toMatchObject({ revision: v1, deploymentId: '3', adopted: false });
    expect(second).toMatchObject({ revision: v1, deploymentId: '3', adopted: true });
    expect(canary()).toBeUndefined();
    expect(main().spec.template.spec.containers[0]!.image).toBe(v1);
    expect(watched.state).toBe('completed');
  });

  it('leaves a canary Shipwatch did not make alone', async () => {
    // Prepare
    const t = target();
    await started(t, push('v2'));
    kube.patch('shop', 'search-canary', { metadata: { annotations: { [CANARY_ANNOTATION]: null } } });

    // Act
    await t.rollback(v1, at());

    // Assess
    expect(canary()).toBeDefined();
  });
});

describe('answers lost (the work done, the client told 503): the retry neither repeats nor undoes it', () => {
  /** The next request of `method` goes through, then its answer is replaced by a 503 (as a proxy timing out would). */
  function loseNextAnswer(method: string) {
    let armed = true;
    kube.faults = (request) => {
      if (!armed || request.method !== method) return undefined;
      armed = false;
      kube.faults = undefined;
      kube.handle(request);
      return {
        status: 503,
        body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'upstream timed out', reason: 'ServiceUnavailable', code: 503 },
      };
    };
  }

  it('create: the retried deploy adopts the canary it made', async () => {
    // Prepare
    const release = push('v2');
    loseNextAnswer('POST');

    // Act
    const lost = await failure(target().deploy(release, at()));
    const retried = await target().deploy(release, at());

    // Assess
    expect(lost.name).toBe('Transient');
    expect(retried.deploymentId).toBe(canary()!.metadata.uid);
    // What the client saw, then the work the server did for it: one create, none by the retry.
    expect(writes().filter((w) => w.startsWith('POST'))).toStrictEqual(['POST  503', 'POST  201']);
  });

  it('scale: the retried advance finds the step moved on', async () => {
    // Prepare
    const t = target(LINEAR);
    const watch = await started(t, push('v2'));
    await judged(t, watch, 1);
    loseNextAnswer('PATCH');

    // Act
    const lost = await failure(progressive(t).advance(watch, 1, at()));
    await progressive(t).advance(watch, 1, at());

    // Assess
    expect(lost.name).toBe('Transient');
    expect(canaryState(canary()!)).toMatchObject({ step: 2, replicas: 4 });
    expect(writes().filter((w) => w.startsWith('PATCH /search-canary'))).toHaveLength(3);
  });

  it('delete: the retried rollback finds the canary gone and the Deployment as it was', async () => {
    // Prepare
    const t = target();
    await started(t, push('v2'));
    loseNextAnswer('DELETE');

    // Act
    const lost = await failure(t.rollback(v1, at()));
    const retried = await t.rollback(v1, at());

    // Assess
    expect(lost.name).toBe('Transient');
    expect(retried).toMatchObject({ revision: v1, adopted: true });
    expect(canary()).toBeUndefined();
  });
});

describe('a rolling service on EKS', () => {
  it('has no progressive side, and its rollback never looks for a canary', async () => {
    // Prepare
    const t = target({ type: 'rolling' });

    // Act
    await t.rollback(v1, at());

    // Assess
    expect(t.progressive).toBeUndefined();
    expect(kube.requests.map((r) => `${r.method} ${r.path}`)).toStrictEqual(['GET /apis/apps/v1/namespaces/shop/deployments/search']);
  });
});
