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
      lines.filter((l) => l.includes(name) || l.startsWith('  [')).join('\n').slice(-6000),
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

  it('asked in Slack and took the signed click through the packaged interaction endpoint', () => {
    expect(lines.join('\n')).toMatch(/interaction endpoint answered 200/);
  });
});
