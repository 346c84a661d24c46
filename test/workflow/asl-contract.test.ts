import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../local/definition.js';
import { POLL_SECONDS, notYetName } from '../../shared/errors.js';

// The error names in shared/errors.ts are a contract with the state machine:
// Retry and Catch in statemachines/deploy.asl.yml match them by name.
const { definition, taskFunctions } = loadDefinition();
const states = definition.States;
const retried = (state: string) => (states[state]!.Retry ?? []).flatMap((r) => r.ErrorEquals);
const caught = (state: string) => ((states[state]!.Catch as { ErrorEquals: string[] }[] | undefined) ?? []).flatMap((c) => c.ErrorEquals);

describe('the state machine and the handlers agree on error names', () => {
  const polling = ['ScanImage', 'AcquireLease', 'WatchRollout', 'Bake', 'WatchRollback'];

  it.each(polling)('%s retries NotYet<N>s for every allowed pollSeconds, long enough for a 4-hour wait', (state) => {
    for (const seconds of POLL_SECONDS) {
      const retrier = states[state]!.Retry!.find((r) => r.ErrorEquals.includes(notYetName(seconds)))!;
      expect(retrier, `${state} has no retrier for ${notYetName(seconds)}`).toBeDefined();
      expect(retrier).toMatchObject({ IntervalSeconds: seconds, BackoffRate: 1 });
      expect(retrier.MaxAttempts! * seconds).toBeGreaterThanOrEqual(240 * 60);
    }
  });

  it.each(Object.keys(taskFunctions))('%s retries Transient and Lambda service errors with backoff and jitter', (state) => {
    const retrier = states[state]!.Retry!.find((r) => r.ErrorEquals.includes('Transient'))!;
    expect(retrier.ErrorEquals).toEqual(expect.arrayContaining(['Lambda.ServiceException', 'Lambda.TooManyRequestsException', 'Lambda.Unknown']));
    expect(retrier).toMatchObject({ BackoffRate: 2, JitterStrategy: 'FULL' });
    expect(retrier.MaxAttempts).toBeLessThanOrEqual(6);
  });

  it('routes the named outcomes: Superseded, Rejected, States.Timeout, and everything else', () => {
    for (const state of ['Admit', 'ScanImage', 'AcquireLease', 'WatchRollout', 'Bake', 'RequestApproval', 'AcquireRollbackLease', 'WatchRollback']) {
      expect(caught(state), state).toContain('Superseded');
      expect(caught(state).at(-1), state).toBe('States.ALL');
    }
    expect(caught('RequestApproval')).toEqual(['Rejected', 'Superseded', 'States.Timeout', 'States.ALL']);
  });

  it('never retries a terminal error: no retrier names States.ALL or a Shipwatch failure', () => {
    for (const state of Object.keys(taskFunctions)) {
      for (const name of ['States.ALL', 'Superseded', 'Unhealthy', 'RolloutFailed', 'RollbackFailed', 'TargetMisconfigured', 'InvalidInput', 'Rejected']) {
        expect(retried(state), `${state} retries ${name}`).not.toContain(name);
      }
    }
  });

  it('ends a failed rollback in its own state, impossible to mistake for an ordinary failure', () => {
    expect(states.RollbackFailed).toMatchObject({ Type: 'Fail', Error: 'Shipwatch.RollbackFailed' });
    expect(caught('RollBack')).toEqual(['States.ALL']);
    expect(states.RollBack!.Catch).toEqual([expect.objectContaining({ Next: 'FinishRollbackFailed' })]);
  });
});
