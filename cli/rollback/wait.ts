import { DescribeExecutionCommand, type DescribeExecutionCommandOutput, type SFNClient } from '@aws-sdk/client-sfn';
import type { DeploymentResult } from '../../shared/workflow/result.js';

/** How often a waiting `shipwatch rollback` asks how the execution stands (one DescribeExecution each time). */
export const WAIT_POLL_MS = 5_000;

export interface Ended {
  status: string;
  /** The execution's DeploymentResult: the Succeed state's output, or the Fail state's cause. */
  result?: DeploymentResult;
  /** Error and cause when the execution failed without a Shipwatch result. */
  error?: string;
}

const parse = (text: string | undefined): DeploymentResult | undefined => {
  try {
    const value = text ? (JSON.parse(text) as DeploymentResult) : undefined;
    return value && typeof value.outcome === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
};

/** Still going: RUNNING, or failed and waiting to be redriven. */
export const isRunning = (status: string | undefined) => status === 'RUNNING' || status === 'PENDING_REDRIVE';

/** How an ended execution (DescribeExecution's answer) ended. */
export function endedOf(out: Pick<DescribeExecutionCommandOutput, 'status' | 'output' | 'cause' | 'error'>): Ended {
  const result = parse(out.output) ?? parse(out.cause);
  return { status: out.status ?? 'UNKNOWN', ...(result ? { result } : { error: [out.error, out.cause].filter(Boolean).join(': ') }) };
}

/** Polls DescribeExecution until the execution is no longer RUNNING. */
export async function waitForExecution(sfn: SFNClient, executionArn: string, sleep: (ms: number) => Promise<void>): Promise<Ended> {
  for (;;) {
    const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (!isRunning(out.status)) return endedOf(out);
    await sleep(WAIT_POLL_MS);
  }
}
