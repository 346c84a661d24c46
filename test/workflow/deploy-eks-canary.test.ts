import { afterEach, describe, expect, it } from 'vitest';
import { runWorkflow } from '../../local/run-workflow.js';
import { canaryState } from '../../shared/targets/eks/canary-state.js';
import { aloneEvents } from '../support/alone-events.js';
import { mockCloud } from '../support/mock-cloud.js';
import { freshRecordsTable, useLocalDynamo } from '../support/records.js';
import { searchServiceYaml, searchWorld } from '../support/search-world.js';
import { ENVOY_IMAGE, pushRelease, useKubeApiServer, webService } from '../support/world-fixture.js';

// An EKS canary through the real statemachines/deploy.asl.yml, every Task the
// real handler, against the sandbox's cluster in simulated time: Shipwatch
// creates search-canary beside search, judges the new revision's own 5xx rate
// (ServiceRequests, Image = {revision}) at each step, then promotes it with
// the rolling patch, or deletes the canary at the first bad step.

useLocalDynamo();
useKubeApiServer();
let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((f) => f());
  cleanup = [];
});

const CANARY = '{ type: canary, percent: 10, bakeMinutes: 5 }';
const LINEAR = '{ type: linear, stepPercent: 25, bakeMinutes: 4 }';
const REF = { cluster: 'shop', namespace: 'shop', service: 'search' };

async function given() {
  const records = await freshRecordsTable();
  const env = searchWorld();
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
const writes = (env: Env) =>
  env.kubernetes.requests
    .filter((r) => r.method !== 'GET')
    .map((r) => `${r.method} ${r.path.replace('/apis/apps/v1/namespaces/shop/deployments', '') || '/'} ${r.status}`);
const image = (env: Env, container = 'web') =>
  env.kubernetes.deployment('shop', 'search')!.spec.template.spec.containers.find((c) => c.name === container)?.image;

describe('EKS canary workflow', () => {
  it('a good release: 1 canary pod beside 4 (20% of the pods for 10% asked), judged healthy on its own 5xx rate, promoted, canary deleted, baked', async () => {
    // Prepare
    const env = await given();
    const { world, clock } = env;
    const input = pushRelease(world, 'v2', {}, webService(searchServiceYaml(CANARY)));
    let canaryPods: number | undefined;
    const onState = (e: { state: string; type: string }) => {
      if (e.state === 'Progress' && e.type === 'entered') canaryPods ??= env.kubernetes.deployment('shop', 'search-canary')?.spec.replicas;
    };

    // Act
    const run = await runWorkflow(input, { clock, ...env.events.options, onState });

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result.outcome).toBe('deployed');
    expect(run.result.steps.map((s) => s.step)).toEqual(['scan', 'deploy', 'progress', 'rollout', 'bake']);
    expect(run.result.progress?.judged).toEqual([
      expect.objectContaining({
        step: 1,
        steps: 2,
        trafficPercent: 20,
        summary: expect.stringMatching(/5xx rate of the new revision worst 0\.\d+%, > 2% in 0 of \d+ periods/),
      }),
    ]);
    expect(canaryPods).toBe(1);
    expect(writes(env)).toEqual(['POST / 201', 'PATCH /search-canary 200', 'PATCH /search 200', 'DELETE /search-canary 200']);
    expect(image(env)).toBe(input.release.imageUri);
    expect(image(env, 'envoy')).toBe(ENVOY_IMAGE);
    expect(env.kubernetes.deployment('shop', 'search-canary')).toBeUndefined();
  });

  it('a bad release at the first step: rolled back by deleting the canary, search never touched; it served only its share meanwhile', async () => {
    // Prepare
    const env = await given();
    const { world, clock, initialImage } = env;
    const input = pushRelease(world, 'v2', { errorRate: 9 }, webService(searchServiceYaml(CANARY)));
    const started = clock.now();

    // Act
    const run = await runWorkflow(input, { clock, ...env.events.options });

    // Assess
    expect(run.status).toBe('FAILED');
    expect(run.result.outcome).toBe('rolled_back');
    expect(run.result.reason).toMatch(
      /^Unhealthy: step 1 of 2 \(20% of traffic\): 5xx rate of the new revision \d+\.\d+% > 2% in 2 of \d+ periods, failure limit 1; rolled back to \S+$/,
    );
    expect(run.result.steps.map((s) => s.step)).toEqual(['scan', 'deploy', 'progress', 'rollback']);
    expect(writes(env)).toEqual(['POST / 201', 'PATCH /search-canary 200', 'DELETE /search-canary 200']);
    expect(image(env)).toBe(initialImage);
    expect(env.kubernetes.deployment('shop', 'search')!.metadata.generation).toBe(1);
    // Exposure: the bad release's part of the requests, from the push to the end.
    const served = world.serviceTraffic.served(REF, started, clock.now());
    const exposure = served.byImage.get(input.release.imageUri)!.requests / served.requests;
    expect(exposure).toBeGreaterThan(0.05);
    expect(exposure).toBeLessThan(0.2);
  });

  it('linear 25% on 4 replicas: canary pods 1, 4, 12 (20%, 50%, 75%), each step judged, then promoted', async () => {
    // Prepare
    const env = await given();
    const { world, clock } = env;
    const input = pushRelease(world, 'v2', {}, webService(searchServiceYaml(LINEAR)));
    const sizes: number[] = [];
    const onState = (e: { state: string; type: string }) => {
      const replicas = env.kubernetes.deployment('shop', 'search-canary')?.spec.replicas;
      if (e.type === 'entered' && replicas !== undefined && sizes.at(-1) !== replicas) sizes.push(replicas);
    };

    // Act
    const run = await runWorkflow(input, { clock, ...env.events.options, onState });

    // Assess
    expect(run.result.outcome).toBe('deployed');
    expect(sizes).toEqual([1, 4, 12]);
    expect(run.result.progress?.judged.map((j) => [j.step, j.trafficPercent])).toEqual([
      [1, 20],
      [2, 50],
      [3, 75],
    ]);
    expect(image(env)).toBe(input.release.imageUri);
    expect(env.kubernetes.deployment('shop', 'search-canary')).toBeUndefined();
  });

  it('ends superseded when someone deploys to search mid-canary: theirs stands, and the canary is deleted', async () => {
    // Prepare
    const env = await given();
    const { world, clock, kubernetes } = env;
    const input = pushRelease(world, 'v2', {}, webService(searchServiceYaml(CANARY)));
    const hotfix = `${world.ecr.registry}/search:hotfix`;
    let patched = false;
    const onState = (e: { state: string; type: string }) => {
      if (e.state === 'WaitProgress' && e.type === 'entered' && !patched && kubernetes.deployment('shop', 'search-canary')) {
        patched = true;
        kubernetes.patch('shop', 'search', { spec: { template: { spec: { containers: [{ name: 'web', image: hotfix }] } } } });
      }
    };

    // Act
    const run = await runWorkflow(input, { clock, ...env.events.options, onState });

    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect(run.result.outcome).toBe('superseded');
    expect(run.result.reason).toContain(hotfix);
    expect(image(env)).toBe(hotfix);
    expect(kubernetes.deployment('shop', 'search-canary')).toBeUndefined();
    expect(writes(env).filter((w) => w.startsWith('PATCH /search '))).toEqual([]);
  });

  it('keeps where it stands on the canary itself: the step, when it started, when it was first seen ready', async () => {
    // Prepare
    const env = await given();
    const { world, clock } = env;
    const input = pushRelease(world, 'v2', {}, webService(searchServiceYaml(CANARY)));
    let seen: ReturnType<typeof canaryState>;
    const onState = (e: { state: string; type: string }) => {
      const canary = env.kubernetes.deployment('shop', 'search-canary');
      if (canary && e.type === 'entered') seen = canaryState(canary as never);
    };

    // Act
    await runWorkflow(input, { clock, ...env.events.options, onState });

    // Assess
    expect(seen).toMatchObject({
      of: 'search',
      container: 'web',
      revision: input.release.imageUri,
      steps: [10, 100],
      step: 1,
      replicas: 1,
      stableReplicas: 4,
      readyAt: expect.any(String),
    });
    expect(Date.parse(seen!.readyAt!) - Date.parse(seen!.since)).toBeGreaterThanOrEqual(120_000);
  });
});
