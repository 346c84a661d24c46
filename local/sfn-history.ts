import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { loadDefinition } from './definition.js';
import type { StateEvent } from './run-workflow.js';
import type { SimExecution } from './sfn.js';

let stateTypes: Map<string, string> | undefined;
/** Each state's Type (Task, Choice, Succeed, Fail): history events are named after it. */
const typeOf = (state: string) =>
  (stateTypes ??= new Map(Object.entries(loadDefinition().definition.States).map(([name, s]) => [name, s.Type]))).get(state) ?? 'Task';
let tokenStates: Set<string> | undefined;
/** `.waitForTaskToken` states report their result as TaskSucceeded; Tasks that invoke a function by its ARN, as LambdaFunctionSucceeded. */
const waitsForToken = (state: string) => (tokenStates ??= loadDefinition().waitsForToken).has(state);

/**
 * GetExecutionHistory's events for a sandbox execution, from what the runner
 * reported: ExecutionStarted, each state entered and exited (with its output,
 * as `includeExecutionData` gives it; a Task's exit after its function's
 * result: what it returned, or the task token's answer), each failed Lambda
 * call (a NotYet poll included, as in AWS), and how it ended.
 */
export function historyEvents(execution: SimExecution, states: readonly StateEvent[]): HistoryEvent[] {
  const events: HistoryEvent[] = [
    {
      id: 1,
      previousEventId: 0,
      timestamp: new Date(execution.startedAt),
      type: 'ExecutionStarted',
      executionStartedEventDetails: { input: execution.input, roleArn: 'arn:aws:iam::123456789012:role/shipwatch-sandbox-states' },
    },
  ];
  const add = (event: Omit<HistoryEvent, 'id' | 'previousEventId'>) => events.push({ ...event, id: events.length + 1, previousEventId: events.length });
  for (const s of states) {
    if (s.type === 'entered')
      add({ timestamp: new Date(s.at), type: `${typeOf(s.state)}StateEntered` as HistoryEvent['type'], stateEnteredEventDetails: { name: s.state } });
    if (s.type === 'exited' && s.result !== undefined) {
      const output = JSON.stringify(s.result);
      if (waitsForToken(s.state))
        add({
          timestamp: new Date(s.at),
          type: 'TaskSucceeded',
          taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', output },
        });
      else add({ timestamp: new Date(s.at), type: 'LambdaFunctionSucceeded', lambdaFunctionSucceededEventDetails: { output } });
    }
    // A Fail state has no exit: the execution fails there.
    if (s.type === 'exited' && typeOf(s.state) !== 'Fail')
      add({
        timestamp: new Date(s.at),
        type: `${typeOf(s.state)}StateExited` as HistoryEvent['type'],
        stateExitedEventDetails: { name: s.state, output: JSON.stringify(s.output ?? null) },
      });
    if (s.type === 'failed') {
      const [error, ...cause] = (s.detail ?? '').split(': ');
      add({ timestamp: new Date(s.at), type: 'LambdaFunctionFailed', lambdaFunctionFailedEventDetails: { error: error ?? 'Error', cause: cause.join(': ') } });
    }
  }
  if (execution.status === 'SUCCEEDED')
    add({
      timestamp: new Date(execution.stoppedAt ?? execution.startedAt),
      type: 'ExecutionSucceeded',
      executionSucceededEventDetails: { output: JSON.stringify(execution.run?.result ?? {}) },
    });
  if (execution.status === 'FAILED')
    add({
      timestamp: new Date(execution.stoppedAt ?? execution.startedAt),
      type: 'ExecutionFailed',
      executionFailedEventDetails: {
        error: execution.run?.error ?? 'States.Runtime',
        cause: execution.run ? JSON.stringify(execution.run.result) : (execution.error ?? ''),
      },
    });
  return events;
}
