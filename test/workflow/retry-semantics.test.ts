import { describe, expect, it } from 'vitest';
import { localFunctionArn, type LoadedDefinition } from '../../local/definition.js';
import { StateVisit } from '../../local/retriers.js';
import { runWorkflow } from '../../local/run-workflow.js';
import { installSimClock } from '../../local/sim-clock.js';

// Step Functions' retry rules, checked in the local runner (local/retriers.ts)
// and in aws-local-stepfunctions underneath it. The first case is the
// developer guide's own example ("Complex retry scenarios",
// https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html):
// errors ErrorA, ErrorB, ErrorC, ErrorB → waits of 1 s, 2 s and 5 s, then
// the fourth error goes to Catch because the first retrier has used its two
// attempts, although ErrorC came in between.

const GUIDE_RETRY = [
  { ErrorEquals: ['ErrorA', 'ErrorB'], IntervalSeconds: 1, BackoffRate: 2.0, MaxAttempts: 2 },
  { ErrorEquals: ['ErrorC'], IntervalSeconds: 5 },
];

const named = (name: string) => Object.assign(new Error(name), { name });

/** A one-task machine whose task throws `errors` in order, then succeeds; Catch leads to a Succeed state that says so. */
function oneTask(retry: typeof GUIDE_RETRY): LoadedDefinition {
  return {
    definition: {
      StartAt: 'Work',
      States: {
        Work: {
          Type: 'Task',
          Resource: localFunctionArn('work'),
          Retry: retry,
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: 'Caught' }],
          Next: 'Done',
        },
        Caught: { Type: 'Pass', Result: { ended: 'caught' }, Next: 'End' },
        Done: { Type: 'Pass', Result: { ended: 'succeeded' }, Next: 'End' },
        End: { Type: 'Succeed' },
      },
    },
    taskFunctions: { Work: 'work' },
    waitsForToken: new Set(),
  };
}

async function play(retry: typeof GUIDE_RETRY, errors: string[]) {
  const clock = installSimClock(Date.parse('2026-11-02T10:00:00Z'));
  const start = clock.now();
  let calls = 0;
  try {
    const run = await runWorkflow(
      {},
      {
        clock,
        invocationMs: 0,
        definition: oneTask(retry),
        handlers: {
          work: async () => {
            const error = errors[calls++];
            if (error) throw named(error);
            return {};
          },
        },
      },
    );
    return { ended: (run.result as unknown as { ended: string }).ended, calls, waitedMs: clock.now() - start };
  } finally {
    clock.uninstall();
  }
}

describe('Step Functions retry semantics in local runs', () => {
  it("follows the developer guide's example: the first retrier's two attempts are spent by ErrorA and ErrorB, so the second ErrorB is caught", () => {
    const visit = new StateVisit(GUIDE_RETRY);
    expect(['ErrorA', 'ErrorB', 'ErrorC', 'ErrorB'].map((e) => visit.retryAfterMs(e))).toEqual([1000, 2000, 5000, undefined]);
  });

  it('runs the same example through the state machine runner: caught after four calls and 8 s of retry waits', async () => {
    expect(await play(GUIDE_RETRY, ['ErrorA', 'ErrorB', 'ErrorC', 'ErrorB'])).toEqual({ ended: 'caught', calls: 4, waitedMs: 8000 });
  });

  it('gives a new state execution a new budget: three errors then success is not caught', async () => {
    expect(await play(GUIDE_RETRY, ['ErrorA', 'ErrorC', 'ErrorB'])).toEqual({ ended: 'succeeded', calls: 4, waitedMs: 8000 });
  });

  it('gives every look a retry budget of its own: a long wait never spends the Transient attempts of the next look', async () => {
    // Looks that fail twice with Transient, each followed by a pending answer, six times over: twelve
    // Transient errors in all, more than one retrier's six, yet none is caught, because each look
    // is a new state execution (the wait loops through a Choice and a Wait state back to it).
    const clock = installSimClock(Date.parse('2026-11-02T10:00:00Z'));
    try {
      let calls = 0;
      const run = await runWorkflow(
        {},
        {
          clock,
          invocationMs: 0,
          definition: {
            definition: {
              StartAt: 'Look',
              States: {
                Look: {
                  Type: 'Task',
                  Resource: localFunctionArn('look'),
                  ResultPath: '$.look',
                  Retry: GUIDE_RETRY.slice(0, 1).map((r) => ({ ...r, ErrorEquals: ['Transient'], MaxAttempts: 6 })),
                  Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: 'Caught' }],
                  Next: 'Looked',
                },
                Looked: { Type: 'Choice', Choices: [{ Variable: '$.look.done', BooleanEquals: false, Next: 'WaitLook' }], Default: 'Done' },
                WaitLook: { Type: 'Wait', SecondsPath: '$.look.lookAgainSeconds', Next: 'Look' },
                Caught: { Type: 'Pass', Result: { ended: 'caught' }, Next: 'End' },
                Done: { Type: 'Pass', Result: { ended: 'succeeded' }, Next: 'End' },
                End: { Type: 'Succeed' },
              },
            },
            taskFunctions: { Look: 'look' },
            waitsForToken: new Set(),
          },
          handlers: {
            look: async () => {
              calls += 1;
              if (calls > 18) return { done: true };
              if (calls % 3 !== 0) throw named('Transient');
              return { done: false, lookAgainSeconds: 30 };
            },
          },
        },
      );
      expect((run.result as unknown as { ended: string }).ended).toBe('succeeded');
      expect(calls).toBe(19);
    } finally {
      clock.uninstall();
    }
  });
});
