import { beforeAll, describe, expect, it } from 'vitest';
import { runSandbox } from '../../sandbox/sandbox.js';
import { SCENARIOS } from '../../sandbox/scenarios.js';

// Every sandbox scenario over what ships: each function from its zip in
// .serverless-sandbox/ (packaged with the sandbox's config by
// `npm run test:package`), in an execution environment of its own, and the
// state machine exactly as the CloudFormation template renders it. The
// outcomes are read from the records table.

type Run = Awaited<ReturnType<typeof runSandbox>>;
let run: Run;
const lines: string[] = [];

beforeAll(async () => {
  run = await runSandbox({ artifacts: '.serverless-sandbox', speed: Infinity, seed: 1, print: (l) => lines.push(l) });
});

describe('the packaged functions and state machine play every scenario', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (name, scenario) => {
    const rows = run.rows.filter((r) => r.scenario === name);
    expect(
      rows.map((r) => ({ outcome: r.outcome, reason: r.reason })),
      lines
        .filter((l) => l.includes(name) || l.startsWith('  ['))
        .join('\n')
        .slice(-6000),
    ).toEqual(scenario.expect.map((outcome) => ({ outcome, reason: expect.any(String) })));
  });

  it('retries throttling during the watch and the bake instead of rolling back', () => {
    const [row] = run.rows.filter((r) => r.scenario === 'throttled-watch-and-bake');
    expect(row?.reason).toMatch(/^deployed .*; healthy through the bake/);
  });

  it("leaves a teammate's deployment alone", () => {
    const [row] = run.rows.filter((r) => r.scenario === 'someone-elses-deployment');
    expect(row?.reason).toMatch(/replaced by someone else's deployment/);
  });

  it('says a rollback failed, with the reason AWS gave', () => {
    const [row] = run.rows.filter((r) => r.scenario === 'rollback-fails');
    expect(row?.reason).toMatch(/ROLLBACK TO arn:aws:ecs:us-east-1:123456789012:task-definition\/payments:\d+ FAILED: AccessDeniedException/);
  });

  it('acts on an alarm during the bake within 5 s of its event, once for a duplicated event, and makes no function error on a healthy path', () => {
    const [alarm] = run.rows.filter((r) => r.scenario === 'alarm-during-bake');
    expect(alarm?.alarmToActionSeconds).toBeLessThanOrEqual(5);
    for (const healthy of run.rows.filter(
      (r) => r.outcome === 'deployed' && !['throttled-watch-and-bake', 'long-bake-sporadic-throttling', 'outcome-not-recorded'].includes(r.scenario),
    )) {
      expect({ scenario: healthy.scenario, lambdaErrors: healthy.lambdaErrors }).toEqual({ scenario: healthy.scenario, lambdaErrors: 0 });
    }
    const [good] = run.rows.filter((r) => r.scenario === 'good-release');
    const [long] = run.rows.filter((r) => r.scenario === 'long-bake-sporadic-throttling');
    expect(good?.transitions).toBeLessThanOrEqual(30);
    expect(long?.transitions).toBeLessThanOrEqual(32);
  });

  it('steps an EKS canary with the packaged functions: promoted when good, its canary deleted at the first bad step', () => {
    const [good] = run.rows.filter((r) => r.scenario === 'eks-canary-good');
    const [bad] = run.rows.filter((r) => r.scenario === 'eks-canary-bad');
    expect(good?.reason).toMatch(/^deployed .*search@sha256:[a-f0-9]{64}; healthy through the bake/);
    expect(bad?.reason).toMatch(/^Unhealthy: step 1 of 2 \(20% of traffic\): 5xx rate of the new revision/);
    expect(bad?.exposurePercent).toBeLessThan(20);
  });

  it('says a persistent measurement failure is one, not an unhealthy release', () => {
    const [row] = run.rows.filter((r) => r.scenario === 'measurement-fails');
    expect(row?.reason).toMatch(/^MeasurementFailed: health could not be measured: 4 failed measurements in a row/);
  });

  it("ECS invoked the packaged lifecycle hook by the ARN deployRelease gave it: its FAILED verdict at 10% is the rollback's reason", () => {
    const [row] = run.rows.filter((r) => r.scenario === 'ecs-canary-bad');
    expect(row?.reason).toMatch(
      /function:shipwatch-dev-ecsLifecycleHook returned FAILED at PRODUCTION_TRAFFIC_SHIFT; Shipwatch's hook: measured unhealthy, step 1 of 2 \(10% of traffic\): 5xx rate [\d.]+% > 2% in \d+ of \d+ periods, failure limit 1/,
    );
  });

  it('asked in Slack and took the signed click through the packaged interaction endpoint', () => {
    expect(lines.join('\n')).toMatch(/interaction endpoint answered 200/);
  });
});
