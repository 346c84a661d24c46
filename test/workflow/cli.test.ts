import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { sfnClient } from '../../shared/aws/sfn.js';
import { parseConfigText } from '../../shared/config/load.js';
import { getState } from '../../shared/records/admission.js';
import { history } from '../../shared/records/queries.js';
import { cliHarness } from '../support/cli-context.js';
import { STATE_MACHINE_ARN, concurrentWorld } from '../support/concurrent.js';
import { freshRecordsTable, useLocalDynamo } from '../support/records.js';
import { WEB_SERVICE_YAML } from '../support/world-fixture.js';
import { fixturePath } from '../support/fixtures.js';

// The shipwatch CLI over real records (dynalite); rollback runs the real state
// machine in virtual time, and waits for its outcome as it does against AWS.

useLocalDynamo();
const CONFIG_FILE = fixturePath('shipwatch.cli.yml');
let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

async function world() {
  const records = await freshRecordsTable();
  const w = concurrentWorld(parseConfigText(`services:\n${WEB_SERVICE_YAML}`, 'test config'));
  restore = () => w.restore();
  w.sfnMock.on(DescribeExecutionCommand).callsFake((input) => w.sfn.handle('DescribeExecution', input));
  const cli = cliHarness({ configFile: CONFIG_FILE, records, sfn: sfnClient(), stateMachineArn: STATE_MACHINE_ARN, sleep: (ms) => w.time.sleep(ms) });
  /** Runs a command while simulated time moves, so a waiting rollback sees its execution end. */
  const run = async (argv: string[]) => {
    let done = false;
    const code = cli.run(argv).finally(() => {
      done = true;
    });
    await w.time.run(() => done);
    return code;
  };
  const release = async (tag: string, behaviour: Parameters<typeof w.push>[1] = {}) => {
    await w.push(tag, behaviour);
    await w.settle();
    w.clock.advance(2 * 3600_000);
  };
  return {
    ...w,
    records,
    cli,
    run,
    release,
    v1: w.world.ecs.services.get('prod/web')!.taskDefinition,
    runs: () => w.world.ecs.services.get('prod/web')!.taskDefinition,
  };
}

describe('shipwatch history and status', () => {
  it("history lists a service's pushes newest first, as a table and as JSON", async () => {
    const w = await world();
    await w.release('v2');
    await w.release('v3');

    expect(await w.run(['history', 'web'])).toBe(0);
    const text = w.cli.take().out;
    expect(await w.run(['history', 'web', '--json', '--limit', '1'])).toBe(0);
    const json = w.cli.take().out;

    expect(text.split('\n')[0]).toMatch(/^record\s+tag\s+digest\s+outcome\s+revision\s+reason$/);
    expect(
      text
        .split('\n')
        .slice(2)
        .map((l) => l.split(/\s+/)[1]),
    ).toEqual(['v3', 'v2']);
    expect(JSON.parse(json).map((r: { tag: string; outcome: string }) => [r.tag, r.outcome])).toEqual([['v3', 'deployed']]);
  });

  it('status lists every configured service, those never deployed too, and what is in flight with its step and since when', async () => {
    const w = await world();
    await w.release('v2');
    const seen = w.events.length;
    await w.push('v3');
    // Stop in the middle of v3's rollout.
    await w.time.run(() => w.events.slice(seen).some((e) => e.state === 'WatchRollout'));

    expect(await w.cli.run(['status'])).toBe(0);
    const text = w.cli.take().out;
    expect(await w.cli.run(['status', '--json'])).toBe(0);
    const rows = JSON.parse(w.cli.take().out);
    await w.settle();

    const [header, , web, api] = text.split('\n');
    expect(header).toMatch(/^service\s+target\s+in flight\s+last deployment\s+last good$/);
    expect(web).toMatch(/^web\s+ecs prod\/web\s+v3 deploying since \d\d:\d\dZ \(0 min ago\)\s+\S+ deployed\s+\S+ \(web:2\)$/);
    expect(api).toMatch(/^api\s+ecs prod\/api\s+-\s+never deployed by Shipwatch\s+-$/);
    expect(rows.map((r: { service: string }) => r.service)).toEqual(['web', 'api']);
    expect(rows[0].inFlight).toEqual([{ recordId: expect.any(String), tag: 'v3', step: 'deploying', since: expect.stringMatching(/^2026-11-02T/) }]);
    expect(rows[1]).toEqual({ service: 'api', target: 'ecs prod/api', configured: true, inFlight: [] });
  });
});

describe('shipwatch rollback', () => {
  it('runs the rollback steps back to the release before the last deployment, and exits 0 once it is back', async () => {
    const w = await world();
    await w.release('v2');
    await w.release('v3');
    const [v3, v2] = await history(w.records, 'web');

    expect(await w.run(['rollback', 'web'])).toBe(0);

    expect(w.cli.out.join('\n')).toMatch(
      new RegExp(
        `^rolling web back from ${v3!.revision} to ${v2!.revision}\nexecution arn:aws:states:.*\n.*\nrolled_back: rolled back by alice with shipwatch rollback; rolled back to ${v2!.revision}$`,
      ),
    );
    expect(w.runs()).toBe(v2!.revision);
    const [after] = await history(w.records, 'web');
    expect(after).toMatchObject({ tag: 'v3', outcome: 'rolled_back' });
  });

  it('--to goes to a named record; unknown services and records are refused with exit 3', async () => {
    const w = await world();
    await w.release('v2');
    await w.release('v3');
    const [, v2] = await history(w.records, 'web');

    expect(await w.run(['rollback', 'nope'])).toBe(3);
    expect(await w.run(['rollback', 'web', '--to', 'missing'])).toBe(3);
    expect(w.cli.take().err).toMatch(
      /^shipwatch: no service "nope" in .*shipwatch\.cli\.yml \(services: web, api\)\nshipwatch: web: no record "missing" \(see shipwatch history web\)$/,
    );
    expect(await w.run(['rollback', 'web', '--to', v2!.recordId, '--json'])).toBe(0);

    expect(JSON.parse(w.cli.out.join('\n'))).toMatchObject({ service: 'web', to: v2!.revision, outcome: 'rolled_back', status: 'FAILED' });
    expect(w.runs()).toBe(v2!.revision);
  });

  // Issue #11, item 9: `rollback --to` a release that had itself been rolled back
  // deployed it again; its tasks failed again, ECS's circuit breaker restored what
  // ran, the outcome read "superseded by someone else's deployment", and the CLI exited 0.
  it('refuses a target that was itself rolled back unless --force; forced, a rollback that fails ends rollback_failed and exits 1', async () => {
    const w = await world();
    await w.release('v2');
    await w.release('v3', { healthy: false });
    await w.release('v4', { latent: { afterMinutes: 1, errorRate: 12 } });
    const [v4, v3, v2] = await history(w.records, 'web');
    expect([v4!.outcome, v3!.outcome, v2!.outcome]).toEqual(['rolled_back', 'rolled_back', 'deployed']);
    expect(w.runs()).toBe(v2!.revision);
    const executions = w.sfn.executions.size;

    expect(await w.run(['rollback', 'web', '--to', v3!.recordId])).toBe(3);
    expect(w.cli.take().err).toMatch(
      new RegExp(
        `^shipwatch: web: record ${v3!.recordId} ended rolled_back \\(RolloutFailed: .*\\); deploying it again is likely to fail the same way\\. Pass --force to roll back to it anyway$`,
      ),
    );
    expect(w.sfn.executions.size).toBe(executions);

    expect(await w.run(['rollback', 'web', '--to', v3!.recordId, '--force'])).toBe(1);

    // The rollback ran from what actually runs (v2), not from v4's never-kept revision.
    expect(w.cli.out[0]).toMatch(new RegExp(`^rolling web back from ${v2!.revision} to ${v3!.revision}\n`));
    const after = await history(w.records, 'web');
    const v2After = after.find((r) => r.recordId === v2!.recordId)!;
    expect(v2After.outcome).toBe('rollback_failed');
    expect(v2After.reason).toMatch(
      new RegExp(
        `^rolled back by alice with shipwatch rollback --to ${v3!.recordId}; ROLLBACK TO ${v3!.revision} FAILED: RollbackFailed: rollback on ECS service prod/web failed: ECS deployment circuit breaker: tasks failed to start\\.`,
      ),
    );
    expect(w.cli.out.at(-1)).toBe(`rollback_failed: ${v2After.reason}`);
    expect((await getState(w.records, 'web'))!.lastDeployment).toMatchObject({ recordId: v2!.recordId, outcome: 'rollback_failed' });
    expect(after.filter((r) => r.outcome === 'superseded')).toEqual([]);
    // ECS's circuit breaker put back what ran.
    expect(w.runs()).toBe(v2!.revision);
  });

  it("a rollback replaced by someone else's deployment did not complete: rollback_failed, exit 1", async () => {
    const w = await world();
    await w.release('v2');
    await w.release('v3');
    w.on((e) => {
      // A person deploys v1 by hand while Shipwatch watches its rollback.
      if (e.state === 'WatchRollback' && e.type === 'entered') w.world.ecs.UpdateService({ cluster: 'prod', service: 'web', taskDefinition: w.v1 });
    });

    expect(await w.run(['rollback', 'web'])).toBe(1);

    const [v3] = await history(w.records, 'web');
    expect(v3).toMatchObject({ tag: 'v3', outcome: 'rollback_failed' });
    expect(v3!.reason).toMatch(/FAILED: Superseded: ECS service prod\/web now runs .*; the rollback was replaced by someone else's deployment$/);
  });
});
