import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import type { CliContext } from '../../cli/context.js';
import { sfnClient } from '../../shared/aws/sfn.js';
import { parseConfigText } from '../../shared/config/load.js';
import { history } from '../../shared/records/queries.js';
import { STATE_MACHINE_ARN, concurrentWorld } from '../support/concurrent.js';
import { freshRecordsTable, useLocalDynamo } from '../support/records.js';
import { WEB_SERVICE_YAML } from '../support/world-fixture.js';

// The shipwatch CLI over real records (dynalite); rollback runs the real state machine.

useLocalDynamo();
const CONFIG_FILE = fileURLToPath(new URL('../fixtures/shipwatch.cli.yml', import.meta.url));
let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

async function twoReleases() {
  const records = await freshRecordsTable();
  const w = concurrentWorld(parseConfigText(`services:\n${WEB_SERVICE_YAML}`, 'test config'));
  restore = () => w.restore();
  const v1 = w.world.ecs.services.get('prod/web')!.taskDefinition;
  await w.push('v2');
  await w.settle();
  w.clock.advance(2 * 3600_000);
  await w.push('v3');
  await w.settle();
  const lines: string[] = [];
  const ctx: CliContext = { records, sfn: sfnClient(), stateMachineArn: STATE_MACHINE_ARN, configFile: CONFIG_FILE, print: (l) => lines.push(l), user: 'alice' };
  return { ...w, records, v1, lines, ctx };
}

describe('shipwatch CLI', () => {
  it('history lists a service\'s pushes newest first, as a table and as JSON', async () => {
    const w = await twoReleases();

    expect(await main(['history', 'web'], () => w.ctx)).toBe(0);
    expect(await main(['history', 'web', '--json'], () => w.ctx)).toBe(0);

    const [text, json] = w.lines;
    expect(text!.split('\n')[0]).toMatch(/^record\s+tag\s+digest\s+outcome\s+revision\s+reason$/);
    expect(text!.split('\n').slice(2).map((l) => l.split(/\s+/)[1])).toEqual(['v3', 'v2']);
    expect(JSON.parse(json!).map((r: { tag: string; outcome: string }) => [r.tag, r.outcome])).toEqual([['v3', 'deployed'], ['v2', 'deployed']]);
  });

  it('status shows every service with its last good release', async () => {
    const w = await twoReleases();

    await main(['status'], () => w.ctx);
    await main(['status', '--json'], () => w.ctx);

    expect(w.lines[0]).toMatch(/^service\s+in flight\s+newest push\s+last deployment\s+last good/);
    expect(w.lines[0]).toMatch(/web\s+-\s+\S+\s+\S+ deployed/);
    const [state] = JSON.parse(w.lines[1]!);
    expect(state.lastGood.revision).toBe(w.world.ecs.services.get('prod/web')!.taskDefinition);
  });

  it('rollback runs the rollback steps back to the release before the last deployment', async () => {
    const w = await twoReleases();
    const [v3, v2] = await history(w.records, 'web');

    expect(await main(['rollback', 'web'], () => w.ctx)).toBe(0);
    await w.settle();

    expect(w.lines[0]).toMatch(new RegExp(`^rolling web back from ${v3!.revision} to ${v2!.revision}\nexecution arn:aws:states:`));
    expect(w.world.ecs.services.get('prod/web')!.taskDefinition).toBe(v2!.revision);
    const [after] = await history(w.records, 'web');
    expect(after).toMatchObject({ tag: 'v3', outcome: 'rolled_back' });
    expect(after!.reason).toContain('rolled back by alice with shipwatch rollback');
  });

  it('rollback --to goes to a named record, and refuses unknown services and records', async () => {
    const w = await twoReleases();
    const [, v2] = await history(w.records, 'web');

    await expect(main(['rollback', 'nope'], () => w.ctx)).rejects.toThrow('no service "nope"');
    await expect(main(['rollback', 'web', '--to', 'missing'], () => w.ctx)).rejects.toThrow('no record "missing"');
    expect(await main(['rollback', 'web', '--to', v2!.recordId, '--json'], () => w.ctx)).toBe(0);
    await w.settle();

    expect(JSON.parse(w.lines[0]!)).toMatchObject({ service: 'web', to: v2!.revision, record: expect.any(String) });
    expect(w.world.ecs.services.get('prod/web')!.taskDefinition).toBe(v2!.revision);
  });
});
