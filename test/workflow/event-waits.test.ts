import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { handler as awaitEvent } from '../../functions/await-event.js';
import { handler as resumeWaiters } from '../../functions/resume-waiters.js';
import type { LambdaHandler } from '../../local/task-handlers.js';
import { lambdaContext } from '../../local/task-handlers.js';
import { runWorkflow } from '../../local/run-workflow.js';
import { history } from '../../shared/records/queries.js';
import { aloneEvents } from '../support/alone-events.js';
import { mockCloud } from '../support/mock-cloud.js';
import { freshRecordsTable, useLocalDynamo } from '../support/records.js';
import { pushRelease, webService, webWorld } from '../support/world-fixture.js';

// Event-driven waits over the real ASL and handlers: an event that lands in
// the gap between a look and the storing of its task token, and the bill of
// a healthy deploy, which no longer grows with the bake.

useLocalDynamo();
let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((f) => f());
  cleanup = [];
});

async function given() {
  const records = await freshRecordsTable();
  const env = webWorld();
  const mocks = mockCloud(env.world);
  const events = aloneEvents(env.world);
  cleanup.push(
    () => mocks.restore(),
    () => events.restore(),
    () => env.clock.uninstall(),
  );
  return { ...env, records, events };
}

describe('event-driven waits', () => {
  it('an event that arrives after the look but before the token is stored still ends the wait at once', async () => {
    // Prepare: the scan finishes while the workflow goes from its look to its wait; its event
    // is delivered right then, when no token is stored yet (the awaitEvent call is held back).
    const { world, clock, records, events } = await given();
    const input = pushRelease(world, 'v2', { scanSeconds: 60 }, webService());
    let raced = false;
    const lateAwait: LambdaHandler = async (payload, context) => {
      if (!raced && (payload as { wait: { wake: string[] } }).wait.wake[0]?.startsWith('scan:')) {
        raced = true;
        clock.advance(60_000);
        for (const event of world.drainEvents()) await resumeWaiters(event, lambdaContext('resumeWaiters') as Context);
      }
      return awaitEvent(payload, context);
    };

    // Act
    const run = await runWorkflow(input, { clock, ...events.options, handlers: { awaitEvent: lateAwait } });

    // Assess: the scan wait ended as soon as awaitEvent ran (no 300-second fallback), and the push deployed.
    expect(raced).toBe(true);
    const scan = run.result.steps.find((s) => s.step === 'scan')!;
    expect(Date.parse(scan.endedAt!) - Date.parse(scan.startedAt)).toBeLessThan(70_000);
    expect(run.result.outcome).toBe('deployed');
    expect((await history(records, 'web'))[0]).toMatchObject({ outcome: 'deployed', phase: 'done' });
  });

  it('a healthy deploy makes no function error, and its transitions do not grow with the bake (10 vs 60 minutes)', async () => {
    const transitions: number[] = [];
    for (const bakeMinutes of [10, 60]) {
      const { world, clock, records, events } = await given();
      const service = webService();
      const input = pushRelease(world, `v${bakeMinutes}`, {}, { ...service, health: { ...service.health, bakeMinutes } });

      const run = await runWorkflow(input, { clock, ...events.options });

      expect(run.result.outcome).toBe('deployed');
      expect(run.lambdaErrors).toEqual({});
      expect((await history(records, 'web'))[0]).toMatchObject({ outcome: 'deployed' });
      transitions.push(run.transitions);
      cleanup.forEach((f) => f());
      cleanup = [];
    }
    expect(transitions[0]).toBeLessThanOrEqual(30);
    expect(transitions[1]).toBeLessThanOrEqual(32);
  });
});
