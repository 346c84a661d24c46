// Long on purpose: where aws-local-stepfunctions is held to Step Functions' own semantics (retriers,
// task tokens, Wait states in simulated time, timeouts), so each rule is next to the others.
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import { buildResult, type DeploymentResult, type Outcome } from '../shared/workflow/result.js';
import type { WorkflowState } from '../shared/workflow/state.js';
import { loadDefinition, localFunctionArn, type LoadedDefinition } from './definition.js';
import { StateVisit } from './retriers.js';
import type { SimClock } from './sim-clock.js';
import { TaskTokens } from './task-tokens.js';
import { lambdaContext, taskHandlers, type LambdaHandler } from './task-handlers.js';

export interface WorkflowRun {
  status: 'SUCCEEDED' | 'FAILED';
  /** The Succeed state's output, or the Fail state's cause parsed: the same DeploymentResult either way. */
  result: DeploymentResult;
  error?: string;
  /** The Fail state's cause as Step Functions keeps it (DescribeExecution's `cause`). */
  cause?: string;
  /** Every state entered, in order, retries included (what Step Functions bills as transitions). */
  path: string[];
  transitions: number;
  invocations: Record<string, number>;
  /** Real time spent inside the handlers (what Lambda would bill as duration), in ms. */
  handlerMs: number;
  /** Invocations that ended in a function error (what Lambda's Errors metric counts), by function. */
  lambdaErrors: Record<string, number>;
}

export interface StateEvent {
  execution: string;
  state: string;
  /**
   * `looked`: a look answered "not yet" (waits/look.ts); its detail says where things stand.
   * `exited`: the state is done, with its `output`; for a Task that called a function, also its
   * `result` (what the function returned, or the task token's answer). GetExecutionHistory
   * reports both, as AWS does: LambdaFunctionSucceeded (TaskSucceeded for a `.waitForTaskToken`
   * state) with the result, then TaskStateExited with the output.
   */
  type: 'entered' | 'retried' | 'failed' | 'looked' | 'exited';
  at: number;
  detail?: string;
  output?: unknown;
  /** `exited` Tasks that called a function only; null when it returned nothing. */
  result?: unknown;
}

export interface RunOptions {
  clock: SimClock;
  /** The state machine to run; by default statemachines/deploy.asl.yml (the package-level suite passes the packaged one). */
  definition?: LoadedDefinition;
  executionName?: string;
  /** Simulated duration of one Lambda invocation. */
  invocationMs?: number;
  /** How a retry pause passes; by default the clock simply jumps (one execution alone). */
  pause?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Wraps each handler call (the sandbox's virtual time holds the clock still during it). */
  invoke?: <T>(call: () => Promise<T>) => Promise<T>;
  /** Where `.waitForTaskToken` states wait for SendTaskSuccess / SendTaskFailure. */
  tokens?: TaskTokens;
  /** Fault injection: crash this invocation of `fn` before it runs, or after it did its work (its answer lost). */
  crash?: (fn: string) => 'before' | 'after' | undefined;
  /**
   * Alone (no `pause`): the simulated cloud's events and who receives them
   * (resumeWaiters), so that an event-driven wait ends as it would in AWS.
   * The clock then moves in steps of EVENT_STEP_MS while a wait lasts.
   */
  events?: { drain: () => unknown[]; deliver: (event: unknown) => Promise<unknown> };
  /** Replace a function's handler (fault injection); the default is the real one. */
  handlers?: Partial<Record<string, LambdaHandler>>;
  onState?: (event: StateEvent) => void;
}

/** The key under which a `.waitForTaskToken` Payload carries its state's timeout to this runner (see prepare). */
const TIMEOUT_KEY = '__shipwatchLocalTimeoutSeconds';
/** The local stand-in for Wait states (see prepare). */
const LOCAL_WAIT = '__wait';
/** How far the clock moves at a time while an execution alone waits for an event. */
const EVENT_STEP_MS = 5_000;

interface Prepared extends LoadedDefinition {
  machine: StateMachine;
  tokenTimeouts: Map<string, number | undefined>;
}

/**
 * Building a StateMachine validates the whole definition (asl-validator
 * compiles about fifteen JSON schemas): done once per definition per process,
 * not once per execution. Executions of one StateMachine are independent.
 */
const prepared = new WeakMap<LoadedDefinition, Prepared>();
let sourceDefinition: LoadedDefinition | undefined;

function prepare(loaded: LoadedDefinition): Prepared {
  const cached = prepared.get(loaded);
  if (cached) return cached;
  const definition = structuredClone(loaded.definition);
  const { taskFunctions, waitsForToken } = loaded;
  // The runner times `.waitForTaskToken` states itself, in simulated time and
  // against the state input as Step Functions does (aws-local-stepfunctions
  // would read the path from the effective input, after Parameters, in real time).
  // aws-local-stepfunctions gives a Task 60 s of *real* time by default; here a
  // Lambda's time is simulated, so a busy machine must not fail a Task.
  for (const name of Object.keys(taskFunctions)) {
    const state = definition.States[name]!;
    if (!waitsForToken.has(name) && state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) state.TimeoutSeconds = 24 * 3600;
  }
  // A TimeoutSecondsPath is read from the state's input, as Step Functions reads it: the
  // library evaluates it for us as one more Payload field, which the runner takes out.
  const tokenTimeouts = new Map<string, number | undefined>();
  for (const name of waitsForToken) {
    const state = definition.States[name]!;
    const payload = (state.Parameters as { Payload: Record<string, unknown> }).Payload;
    if (state.TimeoutSecondsPath) payload[`${TIMEOUT_KEY}.$`] = state.TimeoutSecondsPath;
    tokenTimeouts.set(name, state.TimeoutSeconds === undefined ? undefined : Number(state.TimeoutSeconds));
    delete state.TimeoutSecondsPath;
    delete state.TimeoutSeconds;
  }
  // aws-local-stepfunctions sleeps through a Wait state in real time; here it is a Task that
  // passes simulated time and hands its input on unchanged (still one transition).
  for (const state of Object.values(definition.States)) {
    if (state.Type !== 'Wait') continue;
    const seconds = state.SecondsPath ? { 'seconds.$': state.SecondsPath } : { seconds: state.Seconds };
    delete state.SecondsPath;
    delete state.Seconds;
    Object.assign(state, {
      Type: 'Task',
      Resource: localFunctionArn(LOCAL_WAIT),
      Parameters: { ...seconds, 'input.$': '$' },
      OutputPath: '$.input',
      TimeoutSeconds: 24 * 3600,
    });
  }
  const machine = new StateMachine(definition as never, { validationOptions: { checkArn: true, checkPaths: true } });
  const ready: Prepared = { definition, taskFunctions, waitsForToken, machine, tokenTimeouts };
  prepared.set(loaded, ready);
  return ready;
}

/**
 * Runs statemachines/deploy.asl.yml with aws-local-stepfunctions, every Task
 * calling the real handler in-process, in simulated time: a retry interval
 * moves the clock instead of sleeping.
 */
export async function runWorkflow(input: unknown, options: RunOptions): Promise<WorkflowRun> {
  const { definition, taskFunctions, waitsForToken, machine, tokenTimeouts } = prepare(options.definition ?? (sourceDefinition ??= loadDefinition()));
  const tokens = options.tokens ?? new TaskTokens();
  const executionName = options.executionName ?? 'local';
  // Step Functions gives each entry into a `.waitForTaskToken` state a token of its own.
  let tokensIssued = 0;
  const lambdaErrors: Record<string, number> = {};
  /** A thrown error is a function error in Lambda's Errors metric; a timeout or SendTaskFailure is not. */
  const countError = (fn: string, error: Error) => {
    lambdaErrors[fn] = (lambdaErrors[fn] ?? 0) + 1;
    return error;
  };
  const invocations: Record<string, number> = {};
  const pause = options.pause ?? (async (ms: number) => options.clock.advance(ms));
  let handlerMs = 0;
  const outer = options.invoke ?? (<T>(call: () => Promise<T>) => call());
  const invoke = <T>(call: () => Promise<T>): Promise<T> =>
    outer(async () => {
      const t0 = performance.now();
      try {
        return await call();
      } finally {
        handlerMs += performance.now() - t0;
      }
    });
  // Each state's current execution, for its retriers' budgets (see retriers.ts).
  const visits = new Map<string, StateVisit>();
  // What a Task's function returned, kept until the state exits (the library tells
  // the exit, with the state's output after ResultPath): reported together.
  const results = new Map<string, unknown>();

  const overrides: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const [stateName, state] of Object.entries(definition.States)) {
    if (state.Resource !== localFunctionArn(LOCAL_WAIT)) continue;
    overrides[stateName] = async (waitInput) => {
      await pause(Number((waitInput as { seconds: number }).seconds) * 1000);
      return waitInput;
    };
  }
  for (const [stateName, fn] of Object.entries(taskFunctions)) {
    const state = definition.States[stateName]!;
    const handler = options.handlers?.[fn] ?? taskHandlers[fn];
    if (!handler) throw new Error(`no local handler for function ${fn} (state ${stateName})`);
    overrides[stateName] = async (taskInput) => {
      invocations[fn] = (invocations[fn] ?? 0) + 1;
      const cost = options.invocationMs ?? 200;
      if (cost > 0) await pause(cost);
      try {
        if (waitsForToken.has(stateName)) {
          const answer = await waitForToken(stateName, fn, handler, taskInput as { Payload: Record<string, unknown> });
          results.set(stateName, answer ?? null);
          return answer;
        }
        const crashed = options.crash?.(fn);
        const lost = () => Object.assign(new Error(`${fn}: the Lambda invocation crashed (injected)`), { name: 'Lambda.Unknown' });
        if (crashed === 'before') throw countError(fn, lost());
        const out = await invoke(() => handler(taskInput, lambdaContext(fn))).catch((error: Error) => {
          throw countError(fn, error);
        });
        if (crashed === 'after') throw countError(fn, lost());
        visits.delete(stateName);
        const look = out as { done?: unknown; detail?: unknown } | null;
        if (look?.done === false)
          options.onState?.({ execution: executionName, state: stateName, type: 'looked', at: options.clock.now(), detail: String(look.detail) });
        results.set(stateName, out ?? null);
        return out;
      } catch (error) {
        const name = (error as Error).name;
        options.onState?.({
          execution: executionName,
          state: stateName,
          type: 'failed',
          at: options.clock.now(),
          detail: `${name}: ${(error as Error).message}`,
        });
        const visit = visits.get(stateName) ?? new StateVisit(state.Retry);
        visits.set(stateName, visit);
        // aws-local-stepfunctions decides the same way (its retry interval is
        // overridden to 0 below); this runner passes the pause in simulated time.
        const pauseMs = visit.retryAfterMs(name);
        if (pauseMs === undefined) visits.delete(stateName);
        else await pause(pauseMs);
        throw error;
      }
    };
  }

  /**
   * `.waitForTaskToken`: invoke the function with its Payload, then wait for
   * the token, in simulated time, up to the state's TimeoutSecondsPath
   * (States.Timeout after that, as Step Functions does).
   */
  async function waitForToken(stateName: string, fn: string, handler: LambdaHandler, input: { Payload: Record<string, unknown> }): Promise<unknown> {
    tokensIssued += 1;
    const taskToken = `${executionName}:${stateName}:${tokensIssued}`;
    const { [TIMEOUT_KEY]: fromPath, ...payload } = input.Payload;
    payload.taskToken = taskToken;
    const answer = tokens.wait(taskToken);
    answer.catch(() => undefined);
    try {
      await invoke(() => handler(payload, lambdaContext(fn)));
    } catch (error) {
      tokens.expire(taskToken);
      throw countError(fn, error as Error);
    }
    const seconds = fromPath === undefined ? (tokenTimeouts.get(stateName) ?? 31_536_000) : Number(fromPath);
    if (!Number.isInteger(seconds) || seconds < 1)
      throw Object.assign(new Error(`${stateName}: TimeoutSecondsPath gave ${String(fromPath)}, not a positive integer`), { name: 'States.Runtime' });
    let waiting = true;
    const stop = new AbortController();
    // Alone (no virtual time) nothing sends this execution events: a wait for
    // one ends at its timeout, the clock jumping there once whatever is already
    // under way has run. A person's approval is still waited for, since a
    // test's click may take any time; approval timeouts need the virtual time
    // of the sandbox or of test/support/concurrent.ts.
    let answered = false;
    answer.then(
      () => (answered = true),
      () => (answered = true),
    );
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const alone =
      fn === 'awaitEvent'
        ? async (ms: number) => {
            await turn();
            if (!options.events) return options.clock.advance(ms);
            for (let waited = 0; waited < ms && !answered; waited += EVENT_STEP_MS) {
              options.clock.advance(Math.min(EVENT_STEP_MS, ms - waited));
              for (const event of options.events.drain()) await options.events.deliver(event);
              await turn();
            }
          }
        : () => new Promise<void>(() => undefined);
    const wait = options.pause ?? alone;
    const timeout = wait(seconds * 1000, stop.signal).then(() => {
      if (!waiting) return undefined;
      tokens.expire(taskToken);
      throw Object.assign(new Error(`${stateName}: no SendTaskSuccess or SendTaskFailure within ${seconds} s`), { name: 'States.Timeout' });
    });
    try {
      return await Promise.race([answer, timeout]);
    } finally {
      waiting = false;
      stop.abort();
    }
  }

  const startedAt = options.clock.now();
  const retryIntervalOverrides = Object.fromEntries(Object.keys(taskFunctions).map((s) => [s, 0]));
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers: overrides as never, retryIntervalOverrides },
    context: {
      // Each waitForTaskToken entry gets its own token (waitForToken); this one is never used.
      Task: { Token: `${executionName}:no-token` },
      Execution: {
        Id: `arn:aws:states:us-east-1:123456789012:execution:shipwatch-local-deploy:${options.executionName ?? 'local'}`,
        Name: options.executionName ?? 'local',
        Input: input,
        StartTime: new Date(options.clock.now()).toISOString(),
      },
    } as never,
  });

  const path: string[] = [];
  const collect = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered' || event.type === 'StateRetried') {
        path.push(event.state.name);
        options.onState?.({
          execution: options.executionName ?? 'local',
          state: event.state.name,
          type: event.type === 'StateEntered' ? 'entered' : 'retried',
          at: options.clock.now(),
        });
      }
      if (event.type === 'StateExited') {
        const result = results.get(event.state.name);
        results.delete(event.state.name);
        options.onState?.({
          execution: executionName,
          state: event.state.name,
          type: 'exited',
          at: options.clock.now(),
          output: event.state.output,
          ...(result === undefined ? {} : { result }),
        });
      }
    }
  })();

  let run: Omit<WorkflowRun, 'path' | 'transitions' | 'invocations' | 'handlerMs' | 'lambdaErrors'>;
  try {
    const output = (await execution.result) as unknown as DeploymentResult;
    run = { status: 'SUCCEEDED', result: output };
  } catch (error) {
    if (!(error instanceof ExecutionError)) throw error;
    const failure = error.cause as Error;
    let result: DeploymentResult;
    try {
      const cause = JSON.parse(failure.message) as DeploymentResult | (WorkflowState & { outcome: Outcome });
      // OutcomeNotRecorded carries the whole state: what Finish would have said, for the report (the record is the closer's to write).
      result =
        failure.name === 'Shipwatch.OutcomeNotRecorded'
          ? buildResult((cause as { outcome: Outcome }).outcome, cause as WorkflowState, new Date(startedAt).toISOString(), new Date(options.clock.now()))
          : (cause as DeploymentResult);
    } catch {
      throw new Error(`execution failed without a Shipwatch result: ${failure.name}: ${failure.message}`, { cause: error });
    }
    run = { status: 'FAILED', error: failure.name, cause: failure.message, result };
  }
  await collect;
  return { ...run, path, transitions: path.length, invocations, handlerMs, lambdaErrors };
}
