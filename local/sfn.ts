import type { DescribeExecutionCommandOutput, StartExecutionCommandInput, StartExecutionCommandOutput } from '@aws-sdk/client-sfn';
import type { DeploymentResult } from '../shared/workflow/result.js';
import { CloudError, NotImplementedInSandbox } from './cloud/errors.js';
import { runWorkflow, type RunOptions, type StateEvent, type WorkflowRun } from './run-workflow.js';
import { historyEvents } from './sfn-history.js';
import { TaskTokens } from './task-tokens.js';
import type { VirtualTime } from './virtual-time.js';

type Out<T> = Omit<T, '$metadata'>;

export interface SimExecution {
  arn: string;
  name: string;
  input: string;
  startedAt: number;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  run?: WorkflowRun;
  stoppedAt?: number;
  error?: string;
}

/**
 * Step Functions for the sandbox: StartExecution runs the real deploy state
 * machine (aws-local-stepfunctions over the real handlers) in virtual time.
 * Names are unique as in AWS: the same name with the same input returns the
 * running execution, with another input fails ExecutionAlreadyExists.
 */
export class StepFunctionsModel {
  readonly executions = new Map<string, SimExecution>();
  /** Tokens of executions waiting in a `.waitForTaskToken` state. */
  readonly tokens = new TaskTokens();
  private readonly pending = new Set<Promise<unknown>>();
  /** What each execution's states did, for GetExecutionHistory. */
  private readonly history = new Map<string, StateEvent[]>();
  private readonly createdAt: number;

  constructor(
    private readonly time: VirtualTime,
    private readonly stateMachineArn: string,
    private readonly runOptions: Omit<RunOptions, 'clock' | 'pause' | 'executionName'> = {},
    private readonly onFinished?: (execution: SimExecution) => void,
  ) {
    this.createdAt = time.clock.now();
  }

  get idle(): boolean {
    return this.pending.size === 0;
  }

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    if (operation === 'StartExecution') return this.StartExecution(input as unknown as StartExecutionCommandInput);
    if (operation === 'DescribeExecution') return this.DescribeExecution(String(input.executionArn));
    if (operation === 'ListExecutions') return { executions: [...this.executions.values()].map((e) => this.summary(e)) };
    if (operation === 'ListStateMachines') {
      return {
        stateMachines: [
          { stateMachineArn: this.stateMachineArn, name: this.stateMachineArn.split(':').pop(), type: 'STANDARD', creationDate: new Date(this.createdAt) },
        ],
      };
    }
    if (operation === 'GetExecutionHistory') {
      const e = this.executions.get(String(input.executionArn));
      if (!e) throw new CloudError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(input.executionArn)}'`);
      const events = historyEvents(e, this.history.get(e.arn) ?? []);
      return { events: input.reverseOrder ? events.reverse() : events };
    }
    if (operation === 'SendTaskSuccess') {
      this.tokens.succeed(String(input.taskToken), String(input.output ?? '{}'));
      return {};
    }
    if (operation === 'SendTaskFailure') {
      this.tokens.fail(String(input.taskToken), input.error as string | undefined, input.cause as string | undefined);
      return {};
    }
    throw new NotImplementedInSandbox('sfn', operation);
  }

  private summary(e: SimExecution) {
    return {
      executionArn: e.arn,
      stateMachineArn: this.stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: new Date(e.startedAt),
      ...(e.stoppedAt ? { stopDate: new Date(e.stoppedAt) } : {}),
    };
  }

  StartExecution(input: StartExecutionCommandInput): Out<StartExecutionCommandOutput> {
    if (input.stateMachineArn !== this.stateMachineArn)
      throw new CloudError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${input.stateMachineArn}'`);
    const name = input.name ?? `exec-${this.executions.size + 1}`;
    const arn = `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.executions.get(arn);
    if (existing) {
      if (existing.input === input.input && existing.status === 'RUNNING') return { executionArn: arn, startDate: new Date(existing.startedAt) };
      throw new CloudError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const execution: SimExecution = { arn, name, input: input.input ?? '{}', startedAt: this.time.clock.now(), status: 'RUNNING' };
    this.executions.set(arn, execution);
    const states: StateEvent[] = [];
    this.history.set(arn, states);
    const work = runWorkflow(JSON.parse(execution.input), {
      ...this.runOptions,
      onState: (event) => {
        states.push(event);
        this.runOptions.onState?.(event);
      },
      clock: this.time.clock,
      executionName: name,
      pause: (ms, signal) => this.time.sleep(ms, signal),
      tokens: this.tokens,
      invoke: (call) => this.time.track(call()),
    })
      .then((run) => {
        Object.assign(execution, { run, status: run.status, stoppedAt: this.time.clock.now() });
      })
      .catch((error: Error) => {
        Object.assign(execution, { status: 'FAILED', error: `${error.name}: ${error.message}`, stoppedAt: this.time.clock.now() });
      })
      .finally(() => {
        this.pending.delete(work);
        this.onFinished?.(execution);
      });
    this.pending.add(work);
    return { executionArn: arn, startDate: new Date(execution.startedAt) };
  }

  DescribeExecution(arn: string): Out<DescribeExecutionCommandOutput> {
    const e = this.executions.get(arn);
    if (!e) throw new CloudError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    const result: DeploymentResult | undefined = e.run?.result;
    return {
      ...this.summary(e),
      startDate: new Date(e.startedAt),
      input: e.input,
      ...(e.status === 'SUCCEEDED' && result ? { output: JSON.stringify(result) } : {}),
      ...(e.status === 'FAILED' ? { error: e.run?.error ?? 'States.Runtime', cause: e.run?.cause ?? (result ? JSON.stringify(result) : e.error) } : {}),
    } as Out<DescribeExecutionCommandOutput>;
  }
}
