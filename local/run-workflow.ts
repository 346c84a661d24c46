import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import type { DeploymentResult } from '../shared/workflow/result.js';
import { loadDefinition, type StateDefinition } from './definition.js';
import type { SimClock } from './sim-clock.js';
import { lambdaContext, taskHandlers, type LambdaHandler } from './task-handlers.js';

export interface WorkflowRun {
  status: 'SUCCEEDED' | 'FAILED';
  /** The Succeed state's output, or the Fail state's cause parsed: the same DeploymentResult either way. */
  result: DeploymentResult;
  error?: string;
  /** Every state entered, in order, retries included (what Step Functions bills as transitions). */
  path: string[];
  transitions: number;
  invocations: Record<string, number>;
}

export interface StateEvent {
  execution: string;
  state: string;
  type: 'entered' | 'retried' | 'failed';
  at: number;
  detail?: string;
}

export interface RunOptions {
  clock: SimClock;
  executionName?: string;
  /** Simulated duration of one Lambda invocation. */
  invocationMs?: number;
  /** How a retry pause passes; by default the clock simply jumps (one execution alone). */
  pause?: (ms: number) => Promise<void>;
  /** Wraps each handler call (the sandbox's virtual time holds the clock still during it). */
  invoke?: <T>(call: () => Promise<T>) => Promise<T>;
  /** Replace a function's handler (fault injection); the default is the real one. */
  handlers?: Partial<Record<string, LambdaHandler>>;
  onState?: (event: StateEvent) => void;
}

/** The retry pause Step Functions would apply to `error` in `state` (no jitter: runs are deterministic). */
function retryPauseMs(state: StateDefinition, errorName: string, attempt: number): number {
  const retrier = state.Retry?.find((r) => r.ErrorEquals.includes(errorName) || r.ErrorEquals.includes('States.ALL'));
  if (!retrier) return 0;
  const seconds = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** attempt;
  return Math.min(seconds, retrier.MaxDelaySeconds ?? Infinity) * 1000;
}

/**
 * Runs statemachines/deploy.asl.yml with aws-local-stepfunctions, every Task
 * calling the real handler in-process, in simulated time: a retry interval
 * moves the clock instead of sleeping.
 */
export async function runWorkflow(input: unknown, options: RunOptions): Promise<WorkflowRun> {
  const { definition, taskFunctions } = loadDefinition();
  const machine = new StateMachine(definition as never, { validationOptions: { checkArn: true, checkPaths: true } });
  const invocations: Record<string, number> = {};
  const pause = options.pause ?? (async (ms: number) => options.clock.advance(ms));
  const invoke = options.invoke ?? (<T>(call: () => Promise<T>) => call());
  const attempts = new Map<string, number>();

  const overrides: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const [stateName, fn] of Object.entries(taskFunctions)) {
    const state = definition.States[stateName]!;
    const handler = options.handlers?.[fn] ?? taskHandlers[fn];
    if (!handler) throw new Error(`no local handler for function ${fn} (state ${stateName})`);
    overrides[stateName] = async (taskInput) => {
      invocations[fn] = (invocations[fn] ?? 0) + 1;
      await pause(options.invocationMs ?? 200);
      try {
        const out = await invoke(() => handler(taskInput, lambdaContext(fn)));
        attempts.delete(stateName);
        return out;
      } catch (error) {
        const name = (error as Error).name;
        const key = `${stateName}:${name}`;
        const attempt = attempts.get(key) ?? 0;
        attempts.set(key, attempt + 1);
        options.onState?.({ execution: options.executionName ?? 'local', state: stateName, type: 'failed', at: options.clock.now(), detail: `${name}: ${(error as Error).message}` });
        await pause(retryPauseMs(state, name, attempt));
        throw error;
      }
    };
  }

  const retryIntervalOverrides = Object.fromEntries(Object.keys(taskFunctions).map((s) => [s, 0]));
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers: overrides as never, retryIntervalOverrides },
    context: {
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
        options.onState?.({ execution: options.executionName ?? 'local', state: event.state.name, type: event.type === 'StateEntered' ? 'entered' : 'retried', at: options.clock.now() });
      }
    }
  })();

  let run: Omit<WorkflowRun, 'path' | 'transitions' | 'invocations'>;
  try {
    const output = (await execution.result) as unknown as DeploymentResult;
    run = { status: 'SUCCEEDED', result: output };
  } catch (error) {
    if (!(error instanceof ExecutionError)) throw error;
    const failure = error.cause as Error;
    let result: DeploymentResult;
    try {
      result = JSON.parse(failure.message) as DeploymentResult;
    } catch {
      throw new Error(`execution failed without a Shipwatch result: ${failure.name}: ${failure.message}`, { cause: error });
    }
    run = { status: 'FAILED', error: failure.name, result };
  }
  await collect;
  return { ...run, path, transitions: path.length, invocations };
}
