import { ContinueServiceDeploymentCommand, StopServiceDeploymentCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordsDb } from '../../shared/aws/dynamodb.js';
import { history } from '../../shared/records/queries.js';
import { albOf, healthYaml, progressiveWorld, writeConfig } from '../support/progressive-world.js';
import { freshRecordsTable, useLocalDynamo } from '../support/records.js';

// Given an ECS service behind a load balancer with two target groups, when an
// image is pushed, then ECS's own engine shifts the traffic step by step,
// Shipwatch's lifecycle hook judges each step on the new target group, and
// the workflow follows it to its outcome (statemachines/deploy.asl.yml, real
// handlers, simulated ECS, virtual time).

useLocalDynamo();
let file = '';
beforeAll(() => {
  file = writeConfig(`services:
  - name: shop
    image: { repository: shop, tags: ["v*"] }
    target: { ecs: { cluster: prod, service: shop, container: app } }
    strategy: { type: canary, percent: 10, bakeMinutes: 4 }
${healthYaml('shop')}
  - name: search
    image: { repository: search, tags: ["v*"] }
    target: { ecs: { cluster: prod, service: search, container: app } }
    strategy: { type: linear, stepPercent: 25, bakeMinutes: 4 }
${healthYaml('search')}
  - name: inventory
    image: { repository: inventory, tags: ["v*"] }
    target: { ecs: { cluster: prod, service: inventory, container: app } }
    strategy: { type: blueGreen, testTrafficBakeMinutes: 4 }
${healthYaml('inventory')}
`);
});

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

async function given() {
  await freshRecordsTable();
  const w = await progressiveWorld(file);
  restore = () => w.restore();
  return w;
}

describe('ECS canary', () => {
  it('a good release: 10% judged on the new target group, then 100%, baked, deployed', async () => {
    const w = await given();

    await w.push('shop', 'v2');
    await w.settle();

    const [result] = w.results();
    expect(result).toMatchObject({ outcome: 'deployed', service: 'shop' });
    const update = w.mocks.ecs.commandCalls(UpdateServiceCommand)[0]!.args[0].input;
    expect(update.deploymentConfiguration).toMatchObject({
      strategy: 'CANARY',
      canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 0 },
      bakeTimeInMinutes: 5,
    });
    expect(w.mocks.ecs.commandCalls(UpdateServiceCommand)).toHaveLength(1);
    // ECS asked the hook at each step: IN_PROGRESS while 10% was measured, then SUCCEEDED, and at once at 100%.
    const steps = w.world.lambda.invocations.map(
      (i) =>
        Object.values((i.event as { executionDetails: { productionTrafficWeights: Record<string, number> } }).executionDetails.productionTrafficWeights)[0],
    );
    expect(new Set(steps)).toEqual(new Set([10, 100]));
    expect(steps.filter((s) => s === 10).length).toBeGreaterThan(3);
    const [record] = await history(recordsDb(), 'shop');
    expect(record!.events!.map((e) => e.what)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^ECS lifecycle hook at PRODUCTION_TRAFFIC_SHIFT \([\w-]+\): SUCCEEDED, step 1 of 2 \(10% of traffic\) healthy over 4 minutes: alarm shop-5xx is OK; 5xx rate worst/,
        ),
        expect.stringMatching(/SUCCEEDED, step 2 of 2 \(100% of traffic\): all production traffic is on the new revision; the service-wide bake judges it/),
      ]),
    );
    expect(result!.steps.map((s) => s.step)).toEqual(expect.arrayContaining(['deploy', 'bake']));
  });

  it('a bad release at 10%: the hook answers FAILED, ECS rolls back, and only the canary was exposed', async () => {
    const w = await given();
    const setup = albOf('shop');

    const pushed = await w.push('shop', 'v3', { errorRate: 9 });
    await w.settle();

    const [result] = w.results();
    expect(result).toMatchObject({ outcome: 'rolled_back' });
    expect(result!.reason).toMatch(/measured unhealthy, step 1 of 2 \(10% of traffic\): 5xx rate [\d.]+% > 2% in \d+ of \d+ periods, failure limit 1/);
    // ECS's own rollback was adopted: no second UpdateService, no StopServiceDeployment.
    expect(w.mocks.ecs.commandCalls(UpdateServiceCommand)).toHaveLength(1);
    expect(w.mocks.ecs.commandCalls(StopServiceDeploymentCommand)).toHaveLength(0);
    const image = `${w.world.ecr.registry}/shop@${pushed.detail['image-digest']}`;
    const served = w.world.alb.requestsByImage(setup.loadBalancer, Date.parse(result!.startedAt), w.clock.now());
    const share = (served.get(image) ?? 0) / [...served.values()].reduce((a, b) => a + b, 0);
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThan(0.1);
  });
});

describe('ECS linear', () => {
  it('four steps of 25%, each judged, then deployed', async () => {
    const w = await given();

    await w.push('search', 'v2');
    await w.settle();

    expect(w.results()[0]).toMatchObject({ outcome: 'deployed' });
    const [record] = await history(recordsDb(), 'search');
    const judged = record!.events!.map((e) => e.what).filter((w) => w.includes('SUCCEEDED, step'));
    expect(judged.map((j) => /step (\d) of 4/.exec(j)?.[1])).toEqual(['1', '2', '3', '4']);
  });
});

describe('ECS blue/green', () => {
  it('test traffic judged for testTrafficBakeMinutes, then all production at once, deployed', async () => {
    const w = await given();

    await w.push('inventory', 'v2');
    await w.settle();

    expect(w.results()[0]).toMatchObject({ outcome: 'deployed' });
    const stages = w.world.lambda.invocations.map((i) => (i.event as { lifecycleStage: string }).lifecycleStage);
    expect(new Set(stages)).toEqual(new Set(['POST_TEST_TRAFFIC_SHIFT']));
    expect(w.mocks.ecs.commandCalls(ContinueServiceDeploymentCommand)).toHaveLength(0);
  });
});
