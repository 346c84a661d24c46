import { CloudWatchClient, DescribeAlarmHistoryCommand } from '@aws-sdk/client-cloudwatch';
import { afterEach, describe, expect, it } from 'vitest';
import { awsClients } from '../../cli/aws-clients.js';
import { callerIdentity } from '../../cli/operator.js';
import { historyEvents } from '../../local/sfn-history.js';
import type { SimExecution } from '../../local/sfn.js';
import { cloudEndpoint } from '../support/cloud-endpoint.js';

// What the dashboard reads beyond the workflow's own calls, as the sandbox
// answers it: who the caller is, an alarm's state changes, and each state's
// output in an execution's history.

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});
const endpoint = () => cloudEndpoint(closers);

describe('the simulated cloud, for the dashboard', () => {
  it('STS GetCallerIdentity names the operator the dashboard acts as, over the awsQuery protocol', async () => {
    const { config } = await endpoint();

    const me = await callerIdentity(awsClients(config).sts());

    expect(me).toEqual({ account: '123456789012', arn: 'arn:aws:sts::123456789012:assumed-role/sandbox-operator/you' });
  });

  it('CloudWatch DescribeAlarmHistory lists the state updates in the window, old and new state in HistoryData', async () => {
    const { world, config, advance, at } = await endpoint();
    const cloudwatch = new CloudWatchClient(config);
    const start = at();
    // A dependency fails 15% of checkout's requests for ten minutes (the alarm: more than 60 5xx a minute, 2 of 3).
    world.cloudwatch.outages.push({ loadBalancer: 'app/checkout/7c1a', from: start + 5 * 60_000, to: start + 15 * 60_000, errorRate: 15 });
    advance(30 * 60_000);

    const out = await cloudwatch.send(
      new DescribeAlarmHistoryCommand({ AlarmName: 'checkout-5xx', HistoryItemType: 'StateUpdate', StartDate: new Date(start), ScanBy: 'TimestampAscending' }),
    );
    const none = await cloudwatch.send(
      new DescribeAlarmHistoryCommand({ AlarmName: 'checkout-5xx', HistoryItemType: 'ConfigurationUpdate', StartDate: new Date(start) }),
    );

    const items = out.AlarmHistoryItems ?? [];
    expect(items.map((i) => i.HistorySummary)).toEqual(['Alarm updated from OK to ALARM', 'Alarm updated from ALARM to OK']);
    expect(items[0]).toMatchObject({ AlarmName: 'checkout-5xx', AlarmType: 'MetricAlarm', HistoryItemType: 'StateUpdate' });
    expect(JSON.parse(items[0]!.HistoryData!)).toMatchObject({
      oldState: { stateValue: 'OK' },
      newState: { stateValue: 'ALARM', stateReason: expect.stringMatching(/^Threshold Crossed/) },
    });
    // Two breaching minutes after the outage begins (each judged once its datapoint is in), and back once it ends.
    expect(items[0]!.Timestamp!.toISOString()).toBe('2026-11-02T10:07:30.000Z');
    expect(items[1]!.Timestamp!.getTime()).toBeGreaterThan(start + 15 * 60_000);
    expect(none.AlarmHistoryItems).toEqual([]);
  });

  it("GetExecutionHistory carries each state's output when it exits, as includeExecutionData gives it", () => {
    const execution: SimExecution = {
      arn: 'arn:aws:states:us-east-1:123456789012:execution:shipwatch-sandbox-deploy:web-1',
      name: 'web-1',
      input: '{}',
      startedAt: 0,
      status: 'RUNNING',
    };
    const events = historyEvents(execution, [
      { execution: 'web-1', state: 'Bake', type: 'entered', at: 1000 },
      { execution: 'web-1', state: 'Bake', type: 'exited', at: 1200, output: { bake: { done: false, detail: 'baking, 0.0 of 10 minutes' } } },
      { execution: 'web-1', state: 'BakeLooked', type: 'entered', at: 1200 },
      { execution: 'web-1', state: 'BakeLooked', type: 'exited', at: 1200, output: {} },
      { execution: 'web-1', state: 'RolledBack', type: 'entered', at: 1300 },
      { execution: 'web-1', state: 'RolledBack', type: 'exited', at: 1300, output: {} },
    ]);

    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'FailStateEntered',
    ]);
    expect(events[2]).toMatchObject({
      stateExitedEventDetails: { name: 'Bake', output: JSON.stringify({ bake: { done: false, detail: 'baking, 0.0 of 10 minutes' } }) },
    });
  });

  it("a Task's exit comes after its function's result, as AWS reports it: LambdaFunctionSucceeded, or TaskSucceeded for a .waitForTaskToken state", () => {
    const execution: SimExecution = {
      arn: 'arn:aws:states:us-east-1:123456789012:execution:shipwatch-sandbox-deploy:web-2',
      name: 'web-2',
      input: '{}',
      startedAt: 0,
      status: 'RUNNING',
    };
    const approval = { decision: 'approved', by: 'U0ALICE', at: '2026-11-02T10:00:02.000Z' };
    const events = historyEvents(execution, [
      { execution: 'web-2', state: 'Bake', type: 'entered', at: 1000 },
      { execution: 'web-2', state: 'Bake', type: 'exited', at: 1200, output: { bake: { done: true } }, result: { done: true } },
      { execution: 'web-2', state: 'RequestApproval', type: 'entered', at: 1300 },
      { execution: 'web-2', state: 'RequestApproval', type: 'exited', at: 2000, output: { approval }, result: approval },
      { execution: 'web-2', state: 'Finish', type: 'entered', at: 2100 },
      { execution: 'web-2', state: 'Finish', type: 'exited', at: 2200, output: {}, result: null },
    ]);

    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'TaskSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
    ]);
    expect(events[2]).toMatchObject({ lambdaFunctionSucceededEventDetails: { output: '{"done":true}' } });
    expect(events[3]).toMatchObject({ stateExitedEventDetails: { name: 'Bake', output: '{"bake":{"done":true}}' } });
    expect(events[5]).toMatchObject({
      taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', output: JSON.stringify(approval) },
    });
    expect(events[8]).toMatchObject({ lambdaFunctionSucceededEventDetails: { output: 'null' } });
  });
});
