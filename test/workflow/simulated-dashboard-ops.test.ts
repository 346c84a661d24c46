import { CloudWatchClient, DescribeAlarmHistoryCommand } from '@aws-sdk/client-cloudwatch';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { startCloudServer } from '../../local/cloud/http.js';
import { CloudFormationModel, queryByVersion } from '../../local/cloud/query-protocol.js';
import { StsModel } from '../../local/cloud/sts.js';
import type { CloudService } from '../../local/cloud/world.js';
import { historyEvents } from '../../local/sfn-history.js';
import type { SimExecution } from '../../local/sfn.js';
import { sandboxWorld } from '../../sandbox/world.js';

// What the dashboard reads beyond the workflow's own calls, as the sandbox
// answers it: who the caller is, an alarm's state changes, and each state's
// output in an execution's history.

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});
const credentials = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' };

async function endpoint() {
  let now = Date.parse('2026-11-02T10:00:00Z');
  const world = sandboxWorld(() => now, 1);
  const stacks = new CloudFormationModel(world.account, world.region);
  const server = await startCloudServer((service, operation, input) => world.handle(service as CloudService, operation, input), 0, {
    query: queryByVersion({ cloudformation: stacks.dispatch, sts: new StsModel(world.account).dispatch }),
  });
  closers.push(server.close);
  return { world, config: { endpoint: server.url, region: 'us-east-1', credentials }, advance: (ms: number) => (now += ms), at: () => now };
}

describe('the simulated cloud, for the dashboard', () => {
  it('STS GetCallerIdentity names the operator, over the awsQuery protocol', async () => {
    const { config } = await endpoint();

    const me = await new STSClient(config).send(new GetCallerIdentityCommand({}));

    expect(me).toMatchObject({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/sandbox-operator', UserId: 'AIDASANDBOXOPERATOR0001' });
  });

  it('CloudWatch DescribeAlarmHistory lists the state updates in the window, old and new state in HistoryData', async () => {
    const { world, config, advance, at } = await endpoint();
    const cloudwatch = new CloudWatchClient(config);
    const start = at();
    // A dependency fails 15% of checkout's requests for ten minutes (the alarm: more than 60 5xx a minute, 2 of 3).
    world.cloudwatch.outages.push({ loadBalancer: 'app/checkout/7c1a', from: start + 5 * 60_000, to: start + 15 * 60_000, errorRate: 15 });
    advance(30 * 60_000);

    const out = await cloudwatch.send(new DescribeAlarmHistoryCommand({ AlarmName: 'checkout-5xx', HistoryItemType: 'StateUpdate', StartDate: new Date(start), ScanBy: 'TimestampAscending' }));
    const none = await cloudwatch.send(new DescribeAlarmHistoryCommand({ AlarmName: 'checkout-5xx', HistoryItemType: 'ConfigurationUpdate', StartDate: new Date(start) }));

    const items = out.AlarmHistoryItems ?? [];
    expect(items.map((i) => i.HistorySummary)).toEqual(['Alarm updated from OK to ALARM', 'Alarm updated from ALARM to OK']);
    expect(items[0]).toMatchObject({ AlarmName: 'checkout-5xx', AlarmType: 'MetricAlarm', HistoryItemType: 'StateUpdate' });
    expect(JSON.parse(items[0]!.HistoryData!)).toMatchObject({ oldState: { stateValue: 'OK' }, newState: { stateValue: 'ALARM', stateReason: expect.stringMatching(/^Threshold Crossed/) } });
    // Two breaching minutes after the outage begins (each judged once its datapoint is in), and back once it ends.
    expect(items[0]!.Timestamp!.toISOString()).toBe('2026-11-02T10:07:30.000Z');
    expect(items[1]!.Timestamp!.getTime()).toBeGreaterThan(start + 15 * 60_000);
    expect(none.AlarmHistoryItems).toEqual([]);
  });

  it("GetExecutionHistory carries each state's output when it exits, as includeExecutionData gives it", () => {
    const execution: SimExecution = { arn: 'arn:aws:states:us-east-1:123456789012:execution:shipwatch-sandbox-deploy:web-1', name: 'web-1', input: '{}', startedAt: 0, status: 'RUNNING' };
    const events = historyEvents(execution, [
      { execution: 'web-1', state: 'Bake', type: 'entered', at: 1000 },
      { execution: 'web-1', state: 'Bake', type: 'exited', at: 1200, output: { bake: { done: false, detail: 'baking, 0.0 of 10 minutes' } } },
      { execution: 'web-1', state: 'BakeLooked', type: 'entered', at: 1200 },
      { execution: 'web-1', state: 'BakeLooked', type: 'exited', at: 1200, output: {} },
      { execution: 'web-1', state: 'RolledBack', type: 'entered', at: 1300 },
      { execution: 'web-1', state: 'RolledBack', type: 'exited', at: 1300, output: {} },
    ]);

    expect(events.map((e) => e.type)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskStateExited', 'ChoiceStateEntered', 'ChoiceStateExited', 'FailStateEntered']);
    expect(events[2]).toMatchObject({ stateExitedEventDetails: { name: 'Bake', output: JSON.stringify({ bake: { done: false, detail: 'baking, 0.0 of 10 minutes' } }) } });
  });
});
