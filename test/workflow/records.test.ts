import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { handler as closeRecord } from '../../functions/close-record.js';
import { handler as admitRelease } from '../../functions/admit-release.js';
import { handler as acquireLease } from '../../functions/acquire-lease.js';
import { lambdaContext } from '../../local/task-handlers.js';
import { parseConfigText } from '../../shared/config/load.js';
import { admit, getState, runningRelease } from '../../shared/records/admission.js';
import type { ServiceState } from '../../shared/records/types.js';
import { acquireLease as acquire } from '../../shared/records/lease.js';
import { history } from '../../shared/records/queries.js';
import { servicePk, STATE_SK } from '../../shared/records/keys.js';
import { concurrentWorld } from '../support/concurrent.js';
import { freshRecordsTable, useLocalDynamo } from '../support/records.js';
import { WEB_SERVICE_YAML, pushRelease, webService, webWorld } from '../support/world-fixture.js';
import { eventSample } from '../support/fixtures.js';

// Records, leases and supersession against a real local DynamoDB (dynalite),
// with executions of the real state machine running concurrently in virtual time.

useLocalDynamo();
const config = parseConfigText(`services:\n${WEB_SERVICE_YAML}`, 'test config');
let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

async function given(options: Parameters<typeof concurrentWorld>[1] = {}) {
  const records = await freshRecordsTable();
  const w = concurrentWorld(config, options);
  restore = () => w.restore();
  return { ...w, records };
}

/** What the records table says of each push: its tag, its outcome, and whether it is done. */
const recorded = async (w: Awaited<ReturnType<typeof given>>) => (await history(w.records, 'web')).map((r) => [r.tag, r.outcome, r.phase]).sort();

/** Start and end (simulated ms) of each deployment that changed the service, from the UpdateService calls and outcomes. */
const updates = (w: Awaited<ReturnType<typeof given>>) =>
  w.world.callsTo('UpdateService').map((c) => ({ at: c.at, taskDefinition: (c.input as { taskDefinition: string }).taskDefinition }));

describe('one deployment per service at a time, newest wins', () => {
  it('two pushes racing for one service in the same second: exactly one deploys, the other is superseded', async () => {
    // Prepare
    const w = await given();

    // Act: both pushes arrive at the same moment.
    await Promise.all([w.push('v2'), w.push('v3')]);
    await w.settle();

    // Assess
    expect(
      w
        .outcomes()
        .map((o) => o.outcome)
        .sort(),
    ).toEqual(['deployed', 'superseded']);
    expect(updates(w)).toHaveLength(1);
    const rows = await history(w.records, 'web');
    expect(rows.map((r) => [r.outcome, r.phase]).sort()).toEqual([
      ['deployed', 'done'],
      ['superseded', 'done'],
    ]);
    expect((await getState(w.records, 'web'))?.lease).toBeUndefined();
  });

  it('a newer push delivered before an older one still wins: the older is superseded on arrival', async () => {
    const w = await given();
    const older = w.pushEvent('v2');
    w.clock.advance(1_000);
    const newer = w.pushEvent('v3');

    await w.deliver(newer);
    await w.deliver(older);
    await w.settle();

    const byTag = Object.fromEntries(w.outcomes().map((o) => [o.tag, o]));
    expect(byTag.v3!.outcome).toBe('deployed');
    expect(byTag.v2!.outcome).toBe('superseded');
    expect(byTag.v2!.reason).toMatch(/a newer image \(.*\) was pushed before this one/);
    expect(updates(w)).toHaveLength(1);
    // The older push keeps its outcome in the records, not `admitted` forever.
    expect(await recorded(w)).toEqual([
      ['v2', 'superseded', 'done'],
      ['v3', 'deployed', 'done'],
    ]);
  });

  it('a newer push supersedes an older one that is still scanning', async () => {
    const w = await given();
    await w.push('v2', { scanSeconds: 180 });
    let pushed = false;
    w.on((e) => {
      if (!pushed && e.state === 'AwaitScan' && e.type === 'entered') {
        pushed = true;
        void w.push('v3');
      }
    });

    await w.settle();

    expect(w.outcomes().map((o) => [o.tag, o.outcome])).toEqual([
      ['v2', 'superseded'],
      ['v3', 'deployed'],
    ]);
    expect(w.outcomes()[0]!.reason).toMatch(/superseded by a newer image/);
    expect(await recorded(w)).toEqual([
      ['v2', 'superseded', 'done'],
      ['v3', 'deployed', 'done'],
    ]);
  });

  it('a push arriving while another deploys waits its turn, then deploys; the two never overlap', async () => {
    const w = await given();
    await w.push('v2');
    let pushed = false;
    w.on((e) => {
      if (!pushed && e.state === 'AwaitBake' && e.type === 'entered') {
        pushed = true;
        void w.push('v3');
      }
    });

    await w.settle();

    expect(w.outcomes().map((o) => [o.tag, o.outcome])).toEqual([
      ['v2', 'deployed'],
      ['v3', 'deployed'],
    ]);
    expect(await recorded(w)).toEqual([
      ['v2', 'deployed', 'done'],
      ['v3', 'deployed', 'done'],
    ]);
    const [first, second] = updates(w);
    const v2 = [...w.sfn.executions.values()][0]!.run!.result;
    expect(second!.at).toBeGreaterThanOrEqual(Date.parse(v2.finishedAt));
    expect(first!.taskDefinition).not.toBe(second!.taskDefinition);
    expect(w.events.some((e) => e.state === 'AcquireLease' && e.detail?.includes('waiting for'))).toBe(true);
  });

  it('of several pushes queued behind a deployment, only the newest survives', async () => {
    const w = await given();
    await w.push('v2');
    let pushed = false;
    w.on((e) => {
      // Three pushes a minute apart while v2 bakes: each waits for the lease.
      if (e.state === 'AwaitBake' && e.type === 'entered' && !pushed) {
        pushed = true;
        void (async () => {
          for (const tag of ['v3', 'v4', 'v5']) {
            await w.push(tag);
            await w.time.sleep(60_000);
          }
        })();
      }
    });

    await w.settle();

    expect(w.outcomes().map((o) => [o.tag, o.outcome])).toEqual([
      ['v2', 'deployed'],
      ['v3', 'superseded'],
      ['v4', 'superseded'],
      ['v5', 'deployed'],
    ]);
    expect(updates(w)).toHaveLength(2);
    expect(await recorded(w)).toEqual([
      ['v2', 'deployed', 'done'],
      ['v3', 'superseded', 'done'],
      ['v4', 'superseded', 'done'],
      ['v5', 'deployed', 'done'],
    ]);
  });

  it('the same push delivered three times at once makes exactly one deployment', async () => {
    const w = await given();
    const event = w.pushEvent('v2');

    const results = await Promise.all([w.deliver(event), w.deliver(event), w.deliver(event)]);
    await w.settle();

    expect(w.sfn.executions.size).toBe(1);
    expect(new Set(results.flatMap((r) => [...r.started.map((s) => s.executionArn), ...r.duplicates.map((d) => d.execution)])).size).toBeLessThanOrEqual(2);
    expect(w.outcomes().map((o) => o.outcome)).toEqual(['deployed']);
    expect(updates(w)).toHaveLength(1);
    expect(await history(w.records, 'web')).toHaveLength(1);
  });

  it('a lease left by a crashed holder blocks the service only until it expires', async () => {
    const w = await given();
    const expiresAt = new Date(w.clock.now() + 5 * 60_000).toISOString();
    await w.records.db.send(
      new PutCommand({
        TableName: w.records.table,
        Item: {
          pk: servicePk('web'),
          sk: STATE_SK,
          service: 'web',
          lease: { holder: 'crashed-holder', phase: 'deploying', acquiredAt: new Date(w.clock.now()).toISOString(), expiresAt },
        },
      }),
    );

    await w.push('v2');
    await w.settle();

    expect(w.outcomes().map((o) => o.outcome)).toEqual(['deployed']);
    const waited = w.events.filter((e) => e.state === 'AcquireLease' && e.detail?.includes('crashed-holder'));
    expect(waited.length).toBeGreaterThan(0);
    expect(updates(w)[0]!.at).toBeGreaterThanOrEqual(Date.parse(expiresAt));
  });

  it('exactly one of two concurrent lease requests wins', async () => {
    const records = await freshRecordsTable();
    const { clock } = webWorld();
    restore = () => clock.uninstall();
    const request = (recordId: string) =>
      acquire(records, { service: 'web', recordId, phase: 'rolling_back', durationMs: 60_000, mustBeNewest: false }, new Date(clock.now()));

    const settled = await Promise.allSettled([request('a'), request('b')]);

    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    expect(settled.filter((s) => s.status === 'rejected').map((s) => (s as PromiseRejectedResult).reason.name)).toEqual(['Superseded']);
  });
});

// Issue #11, item 8: executions were named after service and digest, and Step
// Functions refuses a name for 90 days, so a new tag of an image that had been
// rejected, blocked or rolled back started nothing, ever again.
describe('deploying an image again', () => {
  const digestOf = (event: { detail: Record<string, unknown> }) => String(event.detail['image-digest']);

  it('a duplicate delivery of a push starts nothing, while its execution runs and after it ended', async () => {
    const w = await given();
    const event = w.pushEvent('v2');

    const first = await w.deliver(event);
    const during = await w.deliver(event);
    await w.settle();
    const after = await w.deliver(event);
    await w.settle();

    expect(w.sfn.executions.size).toBe(1);
    expect(first.started).toHaveLength(1);
    // While it runs, Step Functions answers the same name and input with the running execution.
    expect(during.started.map((s) => s.executionArn)).toEqual(first.started.map((s) => s.executionArn));
    expect(after.started).toEqual([]);
    expect(after.duplicates).toEqual([{ service: 'web', execution: first.started[0]!.executionArn.split(':').pop() }]);
    expect(updates(w)).toHaveLength(1);
    expect(await recorded(w)).toEqual([['v2', 'deployed', 'done']]);
  });

  it('two tags of one image pushed in the same second (v2 and v2.0): two records, one deployment', async () => {
    const w = await given();
    const v2 = w.pushEvent('v2');
    const v20 = w.retagEvent(digestOf(v2), 'v2.0');
    expect(v20.time).toBe(v2.time);

    await Promise.all([w.deliver(v2), w.deliver(v20)]);
    await w.settle();

    expect(w.sfn.executions.size).toBe(2);
    expect(updates(w)).toHaveLength(1);
    const rows = await history(w.records, 'web');
    expect(new Set(rows.map((r) => r.recordId)).size).toBe(2);
    expect(rows.map((r) => r.digest)).toEqual([digestOf(v2), digestOf(v2)]);
    expect(rows.map((r) => r.outcome).sort()).toEqual(['deployed', 'superseded']);
    const deployed = rows.find((r) => r.outcome === 'deployed')!;
    expect(rows.find((r) => r.outcome === 'superseded')!.reason).toContain(deployed.recordId);
    expect((await getState(w.records, 'web'))?.lastGood?.recordId).toBe(deployed.recordId);
  });

  it('a new tag of an image that was rolled back deploys it again', async () => {
    const w = await given();
    const bad = w.pushEvent('v2', { healthy: false });
    await w.deliver(bad);
    await w.settle();
    const before = updates(w).length;

    await w.deliver(w.retagEvent(digestOf(bad), 'v2.1'));
    await w.settle();

    expect(await recorded(w)).toEqual([
      ['v2', 'rolled_back', 'done'],
      ['v2.1', 'rolled_back', 'done'],
    ]);
    // Deployed again (and, being the same bad image, rolled back again).
    const again = updates(w).slice(before);
    expect(again.length).toBeGreaterThanOrEqual(1);
    expect(w.world.callsTo('RegisterTaskDefinition').filter((c) => JSON.stringify(c.input).includes(digestOf(bad)))).toHaveLength(2);
  });

  it('a new tag of the image the service already runs deploys nothing, and its record says so', async () => {
    const w = await given();
    const v2 = w.pushEvent('v2');
    await w.deliver(v2);
    await w.settle();
    const state = await getState(w.records, 'web');
    const calls = w.world.calls.length;

    await w.deliver(w.retagEvent(digestOf(v2), 'v2.0.0'));
    await w.settle();

    expect(await recorded(w)).toEqual([
      ['v2', 'deployed', 'done'],
      ['v2.0.0', 'deployed', 'done'],
    ]);
    const [retag] = await history(w.records, 'web');
    expect(retag!.reason).toBe(`already runs this image (last good release ${state!.lastGood!.recordId}); a new tag deploys nothing`);
    expect(retag!.revision).toBeUndefined();
    // Nothing was scanned, registered or updated, and the service's state is as it was.
    expect(w.world.calls.slice(calls).map((c) => c.operation)).toEqual([]);
    expect(await getState(w.records, 'web')).toEqual(state);
  });
});

describe('what runs, as admission judges a push of the same image', () => {
  const DIGEST = `sha256:${'d'.repeat(64)}`;
  const TD = (n: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${n}`;
  const good = {
    recordId: '20261101T100000Z-dddddddddddd-00000001',
    revision: TD(4),
    imageUri: `r/web@${DIGEST}`,
    digest: DIGEST,
    deployedAt: '2026-11-01T10:20:00Z',
  };
  const last = (outcome: string, revision: string, previousRevision: string) => ({
    recordId: 'x',
    outcome,
    revision,
    previousRevision,
    finishedAt: '2026-11-01T11:00:00Z',
  });
  const cases: [string, Record<string, unknown>, boolean][] = [
    ['nothing deployed yet', {}, false],
    ['its last good release, deployed last', { lastGood: good, lastDeployment: last('deployed', TD(4), TD(3)) }, true],
    ['its last good release, rolled back to since', { lastGood: good, lastDeployment: last('rolled_back', TD(5), TD(4)) }, true],
    [
      'another image is the last good release',
      { lastGood: { ...good, digest: `sha256:${'e'.repeat(64)}` }, lastDeployment: last('deployed', TD(4), TD(3)) },
      false,
    ],
    ['a rollback failed since: what runs is unknown', { lastGood: good, lastDeployment: last('rollback_failed', TD(5), TD(4)) }, false],
    [
      'a later push was rolled back to another revision (after a failed rollback)',
      { lastGood: good, lastDeployment: last('rolled_back', TD(6), TD(5)) },
      false,
    ],
    ['the last good release without a last deployment', { lastGood: good }, false],
  ];

  it.each(cases)('%s: the pure rule and the conditional write agree', async (_name, state, runs) => {
    const records = await freshRecordsTable();
    const { clock } = webWorld();
    restore = () => clock.uninstall();
    await records.db.send(new PutCommand({ TableName: records.table, Item: { pk: servicePk('web'), sk: STATE_SK, service: 'web', ...state } }));
    const release = {
      repository: 'web',
      registry: 'r',
      digest: DIGEST,
      tag: 'v4.0',
      imageUri: `r/web@${DIGEST}`,
      pushedAt: '2026-11-02T10:00:00Z',
      eventId: 'e-1',
      region: 'us-east-1',
    };

    const admitted = await admit(records, release, 'web', 'web-exec', new Date(clock.now())).then(
      () => 'admitted',
      (error: Error) => error.name,
    );

    expect(runningRelease({ service: 'web', ...state } as ServiceState, DIGEST) !== undefined).toBe(runs);
    expect(admitted).toBe(runs ? 'AlreadyRunning' : 'admitted');
    expect((await getState(records, 'web'))?.newest?.recordId !== undefined).toBe(!runs);
  });
});

describe('every push ends in exactly one outcome', () => {
  it('closes the record of an execution that was stopped mid-way, and frees the service', async () => {
    // Prepare: an execution admitted its push and took the lease, then was aborted.
    const records = await freshRecordsTable();
    const { world, clock } = webWorld();
    restore = () => clock.uninstall();
    const input = pushRelease(world, 'v2', {}, webService());
    const admission = (await admitRelease({ executionName: 'web-abc', state: input }, lambdaContext('admitRelease') as Context)) as { recordId: string };
    await acquireLease({ phase: 'deploying', state: { ...input, admission } }, lambdaContext('acquireLease') as Context);
    expect((await getState(records, 'web'))?.lease?.holder).toBe(admission.recordId);
    const aborted = eventSample('eventbridge-stepfunctions-execution-status-change-aborted');
    aborted.detail.input = JSON.stringify({ ...input, admission });
    aborted.detail.stateMachineArn = process.env.STATE_MACHINE_ARN;

    // Act
    const out = await closeRecord(aborted, lambdaContext('closeRecord') as Context);
    const again = await closeRecord(aborted, lambdaContext('closeRecord') as Context);

    // Assess
    expect(out).toMatchObject({ recordId: admission.recordId, closed: true });
    expect(again).toMatchObject({ closed: false });
    const [record] = await history(records, 'web');
    expect(record).toMatchObject({ outcome: 'failed', reason: 'the execution ended ABORTED before it recorded an outcome', phase: 'done' });
    expect((await getState(records, 'web'))?.lease).toBeUndefined();
  });

  it('leaves a record that already has its outcome untouched', async () => {
    const w = await given();
    await w.push('v2');
    await w.settle();
    const execution = [...w.sfn.executions.values()][0]!;
    const failed = eventSample('eventbridge-stepfunctions-execution-status-change-failed');
    failed.detail.input = execution.input;
    failed.detail.stateMachineArn = process.env.STATE_MACHINE_ARN;

    const out = await closeRecord(failed, lambdaContext('closeRecord') as Context);

    expect(out).toMatchObject({ closed: false });
    expect((await history(w.records, 'web'))[0]).toMatchObject({ outcome: 'deployed' });
  });

  it('ignores an execution status change that is not a Shipwatch deployment, and refuses a malformed event', async () => {
    await freshRecordsTable();
    const foreign = eventSample('eventbridge-stepfunctions-execution-status-change-aborted');
    await expect(closeRecord(foreign, lambdaContext('closeRecord') as Context)).resolves.toMatchObject({ closed: false, why: 'not a Shipwatch deployment' });
    await expect(closeRecord({ source: 'aws.states', detail: {} }, lambdaContext('closeRecord') as Context)).rejects.toThrow(
      /not a Step Functions Execution Status Change event: detail-type/,
    );
  });
});

describe('pre-deploy alarm gate', () => {
  const fixForward = `
  - name: web
    image: { repository: web, tags: ["v*", "hotfix-*"] }
    target: { ecs: { cluster: prod, service: web, container: app } }
    health:
      alarms: [web-5xx-alarm]
      fixForwardTags: ["hotfix-*"]
      bakeMinutes: 10
      pollSeconds: 30
`;
  const broken = async () => {
    const records = await freshRecordsTable();
    const env = concurrentWorld(parseConfigText(`services:\n${fixForward}`, 'test config'));
    restore = () => env.restore();
    // The running release starts failing: the alarm is in ALARM before anyone deploys.
    const running = env.world.ecs.imageOf(env.world.ecs.services.get('prod/web')!.taskDefinition)!;
    env.world.ecr.profileOf(running)!.errorRate = 15;
    env.clock.advance(10 * 60_000);
    return { ...env, records };
  };

  it('blocks a deploy while the service alarms already fire, and changes nothing', async () => {
    const w = await broken();

    await w.push('v2');
    await w.settle();

    expect(w.outcomes()[0]).toMatchObject({ tag: 'v2', outcome: 'blocked' });
    expect(w.outcomes()[0]!.reason).toContain('web-5xx-alarm already in ALARM before the deploy');
    expect(w.mocks.ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  });

  it('lets a fix-forward release through, and deploys it when it clears the alarm during the bake', async () => {
    const w = await broken();

    await w.push('hotfix-1', { errorRate: 0.2 });
    await w.settle();

    expect(w.outcomes()[0]).toMatchObject({ tag: 'hotfix-1', outcome: 'deployed' });
    expect(w.events.some((e) => e.detail?.includes('fix-forward: must clear by the end of the bake'))).toBe(true);
  });

  it('rolls a fix-forward back when the alarm still fires at the end of the bake', async () => {
    const w = await broken();

    await w.push('hotfix-2', { errorRate: 15 });
    await w.settle();

    expect(w.outcomes()[0]).toMatchObject({ tag: 'hotfix-2', outcome: 'rolled_back' });
    expect(w.outcomes()[0]!.reason).toContain('alarm web-5xx-alarm is ALARM');
  });
});
