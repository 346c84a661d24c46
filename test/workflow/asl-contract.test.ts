import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../local/definition.js';
import * as errors from '../../shared/errors.js';
import { ERROR_NAMES } from '../../shared/errors.js';
import * as slackErrors from '../../shared/slack/errors.js';
import * as kubeErrors from '../../shared/targets/eks/errors.js';

// The error names in shared/errors.ts are a contract with the state machine:
// Retry and Catch in statemachines/deploy.asl.yml match them by name.
const { definition, taskFunctions } = loadDefinition();
const states = definition.States;
const retried = (state: string) => (states[state]!.Retry ?? []).flatMap((r) => r.ErrorEquals);
const caught = (state: string) => ((states[state]!.Catch as { ErrorEquals: string[] }[] | undefined) ?? []).flatMap((c) => c.ErrorEquals);

describe('the state machine and the handlers agree on error names', () => {
  // Each look, its Choice, and how it waits: an event (a task token, with the look's
  // lookAgainSeconds as the fallback) or, where AWS sends none, a Wait state.
  const looks = {
    ScanImage: { path: '$.scan', choice: 'ScanLooked', await: 'AwaitScan' },
    AcquireLease: { path: '$.lease', choice: 'LeaseLooked', wait: 'WaitLease' },
    AcquireRollbackLease: { path: '$.lease', choice: 'RollbackLeaseLooked', wait: 'WaitRollbackLease' },
    WatchRollout: { path: '$.rollout', choice: 'RolloutLooked', await: 'AwaitRollout', wait: 'WaitRollout' },
    Bake: { path: '$.bake', choice: 'BakeLooked', await: 'AwaitBake', wait: 'WaitBake' },
    WatchRollback: { path: '$.rollbackDone', choice: 'RollbackLooked', await: 'AwaitRollback', wait: 'WaitRollback' },
  } as const;

  it.each(Object.entries(looks))('%s waits by looking again, never by retrying: its retriers retry failures only', (state, look) => {
    expect(retried(state).filter((e) => !/^(Transient|Lambda\.|Sandbox\.)/.test(e))).toEqual([]);
    expect(states[state]).toMatchObject({ ResultPath: look.path, Next: look.choice });
    const next = JSON.stringify(states[look.choice]);
    if ('await' in look) {
      expect(next).toContain(look.await);
      expect(states[look.await]).toMatchObject({ TimeoutSecondsPath: `${look.path}.lookAgainSeconds`, Next: state, ResultPath: null });
      expect(states[look.await]!.Catch).toContainEqual({ ErrorEquals: ['States.Timeout'], ResultPath: null, Next: state });
      expect((states[look.await]!.Parameters as { Payload: Record<string, string> }).Payload['wait.$']).toBe(look.path);
    }
    if ('wait' in look) {
      expect(next).toContain(look.wait);
      expect(states[look.wait]).toEqual({ Type: 'Wait', SecondsPath: `${look.path}.lookAgainSeconds`, Next: state });
    }
  });

  it.each(Object.keys(taskFunctions))('%s retries Transient and Lambda service errors with backoff and jitter', (state) => {
    const retrier = states[state]!.Retry!.find((r) => r.ErrorEquals.includes('Transient'))!;
    expect(retrier.ErrorEquals).toEqual(expect.arrayContaining(['Lambda.ServiceException', 'Lambda.TooManyRequestsException', 'Lambda.Unknown']));
    expect(retrier).toMatchObject({ BackoffRate: 2, JitterStrategy: 'FULL' });
    // Finish outlasts a longer bad patch (about half an hour): the outcome is what must not be lost.
    expect(retrier.MaxAttempts).toBeLessThanOrEqual(state === 'Finish' ? 12 : 6);
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
    expect(states.RollBack!.Catch).toEqual([expect.objectContaining({ Next: 'EndRollbackFailed' })]);
  });

  it('records every outcome in one Finish step, and hands a Finish that fails to the closer with the whole state', () => {
    const ends = Object.entries(states).filter(([name, s]) => name.startsWith('End') && s.Type === 'Pass');
    expect(ends.map(([, s]) => s.Result).sort()).toEqual([
      'blocked',
      'deployed',
      'expired',
      'failed',
      'rejected',
      'rollback_failed',
      'rolled_back',
      'superseded',
    ]);
    for (const [, s] of ends) expect(s).toMatchObject({ Type: 'Pass', ResultPath: '$.outcome', Next: 'Finish' });
    expect(states.Finish!.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.finishFailure', Next: 'OutcomeNotRecorded' }]);
    expect(states.OutcomeNotRecorded).toMatchObject({ Type: 'Pass', Parameters: { 'cause.$': 'States.JsonToString($)' }, Next: 'NotRecorded' });
    expect(states.NotRecorded).toMatchObject({ Type: 'Fail', Error: 'Shipwatch.OutcomeNotRecorded', CausePath: '$.cause' });
  });
});

describe('error names survive bundling', () => {
  const sourceFiles = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    );

  it('every error the ASL names that Shipwatch throws is in ERROR_NAMES (one list, string literals)', () => {
    const named = Object.values(states).flatMap((s) =>
      [...(s.Retry ?? []), ...((s.Catch as { ErrorEquals: string[] }[] | undefined) ?? [])].flatMap((r) => r.ErrorEquals),
    );
    const ours = named.filter((n) => !/^(States|Lambda|Sandbox)\./.test(n));
    for (const name of ours) expect(ERROR_NAMES, `${name} is matched by the ASL but not listed`).toContain(name);
  });

  it('each error class names itself with its literal, whatever the class is called once minified', () => {
    type ErrorClass = new (...args: unknown[]) => Error;
    const classes = ([...Object.values(errors), ...Object.values(slackErrors), ...Object.values(kubeErrors)] as unknown[]).filter(
      (v): v is ErrorClass => typeof v === 'function' && v.prototype instanceof Error && v !== errors.ShipwatchError,
    );
    expect(classes.length).toBeGreaterThanOrEqual(ERROR_NAMES.length - 1);
    for (const Class of classes) {
      // A renamed copy of the class, as a minifier leaves it.
      const Renamed = class extends Class {};
      expect([...ERROR_NAMES]).toContain(new Renamed('m', 'method', 'code').name);
    }
  });

  it('no production code derives an error name from its class', () => {
    const offenders = ['shared', 'functions'].flatMap(sourceFiles).filter((f) => /new\.target\.name|this\.constructor\.name/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
