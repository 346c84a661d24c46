import type { SimExecution } from '../local/sfn.js';

/**
 * The EventBridge `Step Functions Execution Status Change` event for an
 * execution that ended, in the published shape (test/fixtures has AWS's
 * samples): no error or cause, which only DescribeExecution gives.
 */
export function statusEvent(execution: SimExecution, stateMachineArn: string, account: string, region: string) {
  const stoppedAt = execution.stoppedAt ?? execution.startedAt;
  return {
    version: '0',
    id: `sandbox-${execution.name}-${execution.status}`,
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account,
    time: new Date(stoppedAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [execution.arn],
    detail: {
      executionArn: execution.arn,
      stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startedAt,
      stopDate: stoppedAt,
      input: execution.input,
      inputDetails: { included: true },
      output: null,
      outputDetails: null,
    },
  };
}
