import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  type ExecutionListItem,
  type HistoryEvent,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { RecordsDb } from '../../shared/records/db.js';
import { history } from '../../shared/records/queries.js';
import type { DeploymentRecord } from '../../shared/records/types.js';
import { endedOf, isRunning, type Ended } from '../rollback/wait.js';
import { ProgressReader, stepTimes, type FollowedInput } from './progress.js';

/** How often `--follow` asks how the execution stands: one DescribeExecution and one GetExecutionHistory (usually one page) each time. */
export const FOLLOW_POLL_MS = 5_000;

/** An execution's ARN from its state machine's and its name. */
export const executionArnOf = (stateMachineArn: string, name: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

export interface Followed extends Ended {
  input: FollowedInput;
}

/** Does this execution's outcome mean it did what it was for? A push or `deploy`: deployed; a rollback: rolled_back. */
export const succeeded = (followed: Pick<Followed, 'input' | 'result'>) =>
  followed.result?.outcome === (followed.input.mode === 'rollback' ? 'rolled_back' : 'deployed');

/** The events after `afterId`, oldest first: read newest first, a page at a time, down to one already seen. */
export async function eventsAfter(sfn: SFNClient, executionArn: string, afterId: number): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 100, ...(nextToken ? { nextToken } : {}) }));
    for (const event of page.events ?? []) {
      if ((event.id ?? 0) <= afterId) return events.reverse();
      events.push(event);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return events.reverse();
}

/**
 * Prints an execution's progress as it happens (ProgressReader), from its
 * start, until it ends; then its outcome and each step's time. Against an
 * execution that already ended, replays it. Waiting is Ctrl-C-able: it
 * follows the execution, it does not own it.
 */
export async function followExecution(
  deps: { sfn: SFNClient; sleep(ms: number): Promise<void>; out(text: string): void },
  executionArn: string,
  options: { quiet?: boolean } = {},
): Promise<Followed> {
  let reader: ProgressReader | undefined;
  let input: FollowedInput | undefined;
  let seen = 0;
  for (;;) {
    // Status first, then the history: when it says ended, the history read after it has the end.
    const described = await deps.sfn.send(new DescribeExecutionCommand({ executionArn }));
    input ??= JSON.parse(described.input ?? '{}') as FollowedInput;
    reader ??= new ProgressReader(input, described.startDate ?? new Date());
    const events = await eventsAfter(deps.sfn, executionArn, seen);
    seen = Math.max(seen, ...events.map((e) => e.id ?? 0));
    if (!options.quiet) for (const line of reader.read(events)) deps.out(reader.format(line));
    if (!isRunning(described.status)) {
      const ended = { ...endedOf(described), input };
      if (!options.quiet) deps.out(ending(ended));
      return ended;
    }
    await deps.sleep(FOLLOW_POLL_MS);
  }
}

/** `deployed: <reason>` and, on the next line, each step's time. */
export function ending(followed: Followed): string {
  if (!followed.result) return `execution ${followed.status}: ${followed.error ?? 'no Shipwatch result'}`;
  const steps = stepTimes(followed.result);
  return `${followed.result.outcome}: ${followed.result.reason}${steps ? `\nsteps: ${steps}` : ''}`;
}

export interface ServiceExecution {
  executionArn: string;
  running: boolean;
  /** The record it works on, when the records know it. */
  record?: DeploymentRecord;
  /** Other executions of the service still running (a push waiting its turn behind this one). */
  others: string[];
}

/**
 * What `shipwatch follow <service>` follows: the service's most recently
 * started execution that is still running (a push, a `deploy`, a rollback),
 * else the execution of its newest record. Running executions are listed
 * (ListExecutions, RUNNING) and told apart by their input's service, since a
 * name prefix alone could belong to another service (`web` and `web-api`).
 */
export async function serviceExecution(sfn: SFNClient, records: RecordsDb, stateMachineArn: string, service: string): Promise<ServiceExecution | undefined> {
  const listed: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 100, ...(nextToken ? { nextToken } : {}) }));
    listed.push(...(page.executions ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const candidates = listed.filter((e) => e.status === 'RUNNING' && e.executionArn && e.name?.startsWith(`${service}-`));
  const ours: { arn: string; started: number; recordId?: string }[] = [];
  for (const e of candidates) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn! }));
    const input = JSON.parse(described.input ?? '{}') as { service?: { name?: string }; admission?: { recordId?: string } };
    if (input.service?.name === service)
      ours.push({
        arn: e.executionArn!,
        started: (e.startDate ?? new Date(0)).getTime(),
        ...(input.admission?.recordId ? { recordId: input.admission.recordId } : {}),
      });
  }
  const recent = await history(records, service, 25);
  ours.sort((a, b) => b.started - a.started);
  const [newest, ...others] = ours;
  if (newest) {
    // A push's record names its execution; a rollback's input names the record it amends.
    const record = recent.find((r) => (r.executionName && newest.arn.endsWith(`:${r.executionName}`)) || r.recordId === newest.recordId);
    return { executionArn: newest.arn, running: true, ...(record ? { record } : {}), others: others.map((o) => o.arn.split(':').pop()!) };
  }
  const latest = recent.find((r) => r.executionName);
  if (!latest?.executionName) return undefined;
  return { executionArn: executionArnOf(stateMachineArn, latest.executionName), running: false, record: latest, others: [] };
}
