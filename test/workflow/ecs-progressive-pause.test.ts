import { ContinueServiceDeploymentCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { approvalIdIn, signedClick } from '../../local/slack/click.js';
import { lambdaContext } from '../../local/task-handlers.js';
import { handleAlarm } from '../../shared/alarms/after-deploy.js';
import { cloudwatchClient } from '../../shared/aws/cloudwatch.js';
import { recordsDb } from '../../shared/aws/dynamodb.js';
import { sfnClient } from '../../shared/aws/sfn.js';
import { parseAlarmEvent } from '../../shared/events/alarm-state.js';
import { history } from '../../shared/records/queries.js';
import { STATE_MACHINE_ARN } from '../support/concurrent.js';
import { fixture } from '../support/ecs-progressive.js';
import { healthYaml, progressiveWorld, writeConfig } from '../support/progressive-world.js';
import { freshRecordsTable, useLocalDynamo } from '../support/records.js';
import type { SlackStandIn } from '../../local/slack/slack-server.js';
import { serveSlackApiUrl, startTestSlack } from '../support/slack.js';
import { startSsmStandIn } from '../support/ssm-stand-in.js';

// A paused ECS canary over the real state machine: ECS's PAUSE hook holds the
// traffic after a judged step; a person promotes or aborts in Slack, and
// Shipwatch continues or rolls back the pause (ContinueServiceDeployment).
// Then the deployment being replaced mid-canary, and an alarm after a canary.

useLocalDynamo();
const SIGNING_SECRET = 'test-signing-secret-not-a-secret';
let slack: SlackStandIn;
let ssm: Awaited<ReturnType<typeof startSsmStandIn>>;
let interaction: (event: unknown, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
let file = '';

beforeAll(async () => {
  slack = await startTestSlack();
  return serveSlackApiUrl(slack);
});
beforeAll(async () => {
  file = writeConfig(`services:
  - name: orders
    image: { repository: orders, tags: ["v*"] }
    target: { ecs: { cluster: prod, service: orders, container: app } }
    strategy: { type: canary, percent: 20, bakeMinutes: 4, pause: true }
    approval: { required: false, channel: C0DEPLOYS, approvers: [U0ALICE], timeoutMinutes: 30, allowSelfApproval: true }
${healthYaml('orders', '      guardMinutes: 30')}
`);
  ssm = await startSsmStandIn();
  process.env.AWS_ENDPOINT_URL_SSM = ssm.url;
  ssm.store.put('/shipwatch/slack-bot-token', slack.token);
  ssm.store.put('/shipwatch/slack-signing-secret', SIGNING_SECRET);
  ({ handler: interaction } = (await import('../../functions/slack-interaction.js')) as never);
});
afterAll(async () => {
  await ssm.close();
  delete process.env.AWS_ENDPOINT_URL_SSM;
});

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
  slack.calls.length = 0;
});

async function given() {
  await freshRecordsTable();
  const w = await progressiveWorld(file);
  restore = () => w.restore();
  return w;
}

/** A person clicks Promote (approve) or Abort (reject) `minutes` after the pause is put to them. */
function decideAtPause(w: Awaited<ReturnType<typeof given>>, minutes: number, decision: 'approve' | 'reject') {
  const answers: number[] = [];
  let asked = false;
  w.on((e) => {
    if (asked || e.state !== 'RequestPromotion' || e.type !== 'entered') return;
    asked = true;
    void (async () => {
      await w.time.sleep(minutes * 60_000);
      const request = [...slack.callsTo('chat.update'), ...slack.callsTo('chat.postMessage')].reverse().find((c) => approvalIdIn(c.body.blocks));
      if (!request) throw new Error('no promotion request reached Slack');
      const click = signedClick(
        {
          approvalId: approvalIdIn(request.body.blocks)!,
          decision,
          user: 'U0ALICE',
          channel: String(request.body.channel),
          messageTs: String(request.body.ts ?? ''),
        },
        SIGNING_SECRET,
        new Date(w.clock.now()),
      );
      answers.push((await w.time.track(interaction(click, lambdaContext('slackInteraction')))).statusCode ?? 0);
    })();
  });
  return answers;
}

const continues = (w: Awaited<ReturnType<typeof given>>) => w.mocks.ecs.commandCalls(ContinueServiceDeploymentCommand).map((c) => c.args[0].input.action);

describe('a paused ECS canary', () => {
  it('holds 20% until a person promotes it; the hook let the pause before the first step go', async () => {
    const w = await given();
    const answers = decideAtPause(w, 4, 'approve');

    await w.push('orders', 'v2');
    await w.settle();

    expect(answers).toEqual([200]);
    expect(w.results()[0]).toMatchObject({ outcome: 'deployed' });
    // The hook continued the first pause, the person's promotion the second.
    expect(continues(w)).toEqual(['CONTINUE', 'CONTINUE']);
    const [record] = await history(recordsDb(), 'orders');
    expect(record!.events!.map((e) => e.what)).toEqual(expect.arrayContaining([expect.stringContaining('pause before step 1 continued')]));
  });

  it('rolls back to the previous revision when the person aborts at the pause', async () => {
    const w = await given();
    decideAtPause(w, 2, 'reject');
    const before = w.world.ecs.DescribeServices({ cluster: 'prod', services: ['orders'] }).services![0]!.taskDefinition;

    await w.push('orders', 'v2');
    await w.settle();

    expect(w.results()[0]).toMatchObject({ outcome: 'rolled_back' });
    expect(continues(w)).toEqual(['CONTINUE', 'ROLLBACK']);
    expect(w.world.ecs.DescribeServices({ cluster: 'prod', services: ['orders'] }).services![0]!.taskDefinition).toBe(before);
    expect(w.mocks.ecs.commandCalls(UpdateServiceCommand)).toHaveLength(1);
  });
});

describe('mid-canary', () => {
  it("someone else's deployment replaces ours: ours ends superseded, theirs stands", async () => {
    const w = await given();
    let theirs: string | undefined;
    w.on((e) => {
      if (theirs || e.state !== 'Progress' || e.type !== 'looked' || !e.detail?.includes('PRODUCTION_TRAFFIC_SHIFT')) return;
      const current = w.world.ecs.DescribeServices({ cluster: 'prod', services: ['orders'] }).services![0]!.deployments!.find((d) => d.status === 'ACTIVE')!
        .taskDefinition!;
      const { taskDefinition } = w.world.ecs.DescribeTaskDefinition({ taskDefinition: current });
      theirs = w.world.ecs.RegisterTaskDefinition({ family: taskDefinition!.family, containerDefinitions: taskDefinition!.containerDefinitions })
        .taskDefinition!.taskDefinitionArn!;
      w.world.ecs.UpdateService({
        cluster: 'prod',
        service: 'orders',
        taskDefinition: theirs,
        deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0, lifecycleHooks: [] },
      });
    });

    await w.push('orders', 'v2');
    await w.settle();

    expect(w.results()[0]).toMatchObject({ outcome: 'superseded' });
    expect(w.world.ecs.DescribeServices({ cluster: 'prod', services: ['orders'] }).services![0]!.taskDefinition).toBe(theirs);
  });
});

describe('an alarm after a canary deploy', () => {
  it("rolls the completed canary back all at once, without Shipwatch's steps or pause", async () => {
    const w = await given();
    decideAtPause(w, 1, 'approve');
    const before = w.world.ecs.DescribeServices({ cluster: 'prod', services: ['orders'] }).services![0]!.taskDefinition;
    await w.push('orders', 'v2', { latent: { afterMinutes: 12, errorRate: 15 } });
    await w.settle();
    expect(w.results()[0]).toMatchObject({ outcome: 'deployed' });

    w.clock.advance(10 * 60_000);
    const event = fixture('eventbridge-cloudwatch-alarm-state-change-single-metric-ok-to-alarm');
    event.detail.alarmName = 'orders-5xx';
    event.detail.state.timestamp = new Date(w.clock.now()).toISOString().replace('Z', '+0000');
    w.world.cloudwatch.SetAlarmState({ AlarmName: 'orders-5xx', StateValue: 'ALARM', StateReason: 'test' });
    const outcomes = await handleAlarm(
      { records: recordsDb(), sfn: sfnClient(), cloudwatch: cloudwatchClient(), stateMachineArn: STATE_MACHINE_ARN },
      w.config,
      parseAlarmEvent(event),
      new Date(w.clock.now()),
    );
    await w.settle();

    expect(outcomes[0]!.decision).toMatchObject({ action: 'rollback' });
    const rollback = w.mocks.ecs.commandCalls(UpdateServiceCommand)[1]!.args[0].input;
    expect(rollback).toMatchObject({ taskDefinition: before, deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0, lifecycleHooks: [] } });
    expect(w.world.ecs.DescribeServices({ cluster: 'prod', services: ['orders'] }).services![0]!.taskDefinition).toBe(before);
    const [record] = await history(recordsDb(), 'orders');
    expect(record).toMatchObject({ outcome: 'rolled_back' });
  });
});
