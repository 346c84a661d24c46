import { describe, expect, it } from 'vitest';
import { runSandbox } from '../../sandbox/sandbox.js';
import { SCENARIOS } from '../../sandbox/scenarios.js';

// `npm start` headless: every scenario, over HTTP to the simulated cloud and dynalite, flat out.
describe('sandbox', () => {
  it('plays every scenario to its expected outcomes', async () => {
    // Prepare
    const lines: string[] = [];

    // Act
    const { rows, ok } = await runSandbox({ speed: Infinity, seed: 1, print: (l) => lines.push(l) });

    // Assess
    expect(rows.map((r) => [r.scenario, r.outcome])).toEqual(SCENARIOS.flatMap((s) => s.expect.map((o) => [s.name, o])));
    expect(ok).toBe(true);
    expect(lines.join('\n')).toContain('pushes ended as expected');
    const good = rows.find((r) => r.scenario === 'good-release')!;
    expect(good.transitions).toBeLessThanOrEqual(30);
    expect(good.lambdaErrors).toBe(0);
    const bake = rows.find((r) => r.scenario === '5xx-during-bake')!;
    expect(bake.reason).toMatch(/5xx rate [\d.]+% > 2% in \d+ of \d+ periods, failure limit 1/);
    expect(bake.timeToDetectSeconds).toBeGreaterThan(0);
    const alarm = rows.find((r) => r.scenario === 'alarm-after-deploy')!;
    expect(alarm.reason).toMatch(/^alarm checkout-5xx after deploy/);
    const eksGood = rows.find((r) => r.scenario === 'eks-good-release')!;
    expect(eksGood.reason).toMatch(
      /^deployed 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/catalog@sha256:[a-f0-9]{64}; healthy through the bake: alarm catalog-5xx is OK$/,
    );
    expect(eksGood.transitions).toBeLessThanOrEqual(50);
    const stuck = rows.find((r) => r.scenario === 'eks-pods-not-ready')!;
    expect(stuck.reason).toMatch(
      /^RolloutFailed: rollout on EKS deployment shop\/shop\/catalog failed: ReplicaSet "catalog-[a-z0-9]+" has timed out progressing\. \(progress deadline 600s exceeded; .*\); rolled back to 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/catalog@sha256:/,
    );
    // Stuck is known at the progress deadline, not at the 15-minute rollout timeout.
    expect(stuck.timeToDetectSeconds).toBeGreaterThanOrEqual(600);
    expect(stuck.timeToDetectSeconds).toBeLessThan(15 * 60);
    expect(lines.join('\n')).toMatch(/EKS cluster shop: Kubernetes API at https:\/\/127\.0\.0\.1:\d+/);
    // The EKS canary (docs/progressive-eks.md): promoted when good; when bad, rolled back at the
    // first step, having served only its pod's share of the requests.
    const canaryGood = rows.find((r) => r.scenario === 'eks-canary-good')!;
    expect(canaryGood.reason).toMatch(
      /^deployed 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/search@sha256:[a-f0-9]{64}; healthy through the bake: alarm search-5xx is OK; 5xx rate of the new revision worst [\d.]+%/,
    );
    expect(canaryGood.lambdaErrors).toBe(0);
    const canaryBad = rows.find((r) => r.scenario === 'eks-canary-bad')!;
    expect(canaryBad.reason).toMatch(
      /^Unhealthy: step 1 of 2 \(20% of traffic\): 5xx rate of the new revision [\d.]+% > 2% in 2 of \d+ periods, failure limit 1; rolled back to 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/search@sha256:/,
    );
    expect(canaryBad.exposurePercent).toBeGreaterThan(5);
    expect(canaryBad.exposurePercent).toBeLessThan(20);
    // A canary that pauses: judged healthy at its first step, promoted by a Slack click, then deployed.
    const paused = rows.find((r) => r.scenario === 'eks-canary-paused-promoted')!;
    expect(paused.reason).toMatch(/^deployed 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/reviews@sha256:[a-f0-9]{64}; healthy through the bake/);
    expect(lines.join('\n')).toMatch(
      /reviews:v2 +Slack asks #C0SANDBOXDEPLOYS for promotion: reviews: paused \(reviews:v2\)\n.*reviews:v2 +<@U0SANDBOXYOU> clicks Promote/,
    );
  }, 900_000);

  it('is deterministic for a seed', async () => {
    const strip = (rows: Awaited<ReturnType<typeof runSandbox>>['rows']) => rows.map(({ results: _r, ...row }) => row);
    const a = await runSandbox({ speed: Infinity, seed: 3, scenario: '5xx-during-bake', print: () => {} });
    const b = await runSandbox({ speed: Infinity, seed: 3, scenario: '5xx-during-bake', print: () => {} });
    expect(strip(b.rows)).toEqual(strip(a.rows));
  }, 900_000);

  it('is deterministic for a seed on EKS too, the warm target keeping the cluster endpoint across runs', async () => {
    const strip = (rows: Awaited<ReturnType<typeof runSandbox>>['rows']) => rows.map(({ results: _r, ...row }) => row);
    const a = await runSandbox({ speed: Infinity, seed: 3, scenario: 'eks-pods-not-ready', print: () => {} });
    const b = await runSandbox({ speed: Infinity, seed: 3, scenario: 'eks-pods-not-ready', print: () => {} });
    expect(a.rows.map((r) => r.outcome)).toEqual(['rolled_back']);
    expect(strip(b.rows)).toEqual(strip(a.rows));
  }, 900_000);

  it('refuses an unknown scenario by name', async () => {
    await expect(runSandbox({ scenario: 'nope', print: () => {} })).rejects.toThrow(/no scenario "nope"; scenarios: good-release/);
  });
});
