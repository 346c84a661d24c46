import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { approvalIdIn, signedClick } from '../../local/slack/click.js';
import { lambdaContext } from '../../local/task-handlers.js';
import { CloudError } from '../../local/cloud/errors.js';
import { recordsDb } from '../../shared/aws/dynamodb.js';
import { parseConfigText } from '../../shared/config/load.js';
import { dynamoApprovals } from '../../shared/records/approvals.js';
import { history } from '../../shared/records/queries.js';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { sfnClient } from '../../shared/aws/sfn.js';
import { parseEcrPushEvent } from '../../shared/events/ecr-push.js';
import { deployExecutionName } from '../../shared/match/match-push.js';
import { releaseFromPush } from '../../shared/release/release.js';
import { deploymentInput } from '../../shared/trigger/start-deployments.js';
import { STATE_MACHINE_ARN, concurrentWorld } from '../support/concurrent.js';
import { freshRecordsTable, useLocalDynamo } from '../support/records.js';
import { SIGNING_SECRET, useSlackApprovals } from '../support/slack-approvals.js';

// Approvals over the real state machine: the approval state waits on its task
// token until a signed click reaches the real interaction handler (Lambda
// function URL event), which calls SendTaskSuccess/SendTaskFailure.

useLocalDynamo();
const s = useSlackApprovals();

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

const serviceYaml = (approval: string) => `services:
  - name: web
    image: { repository: web, tags: ["v*"] }
    target: { ecs: { cluster: prod, service: web, container: app } }
    health:
      alarms: [web-5xx-alarm]
      bakeMinutes: 5
    approval:
${approval}
`;
const APPROVAL = `      channel: C0DEPLOYS
      approvers: [U0ALICE, S0RELEASE]
      timeoutMinutes: 30`;

async function given(approval = APPROVAL) {
  await freshRecordsTable();
  const w = concurrentWorld(parseConfigText(serviceYaml(approval), 'test config'));
  s.world = w.world;
  restore = () => w.restore();
  return w;
}

/** The approval request as the Slack stand-in received it: channel, ts and the id behind the buttons. */
function approvalRequest() {
  const update = [...s.slack.callsTo('chat.update'), ...s.slack.callsTo('chat.postMessage')].find((c) => approvalIdIn(c.body.blocks));
  if (!update) throw new Error('no approval request reached Slack');
  return { approvalId: approvalIdIn(update.body.blocks)!, channel: String(update.body.channel), ts: String(update.body.ts ?? '') };
}

/** A person clicks `minutes` after the request appears. */
function clickWhenAsked(
  w: Awaited<ReturnType<typeof given>>,
  minutes: number,
  decision: 'approve' | 'reject',
  user: string,
  answers: APIGatewayProxyStructuredResultV2[] = [],
) {
  let asked = false;
  w.on((e) => {
    if (asked || e.state !== 'RequestApproval' || e.type !== 'entered') return;
    asked = true;
    void (async () => {
      await w.time.sleep(minutes * 60_000);
      const { approvalId, channel, ts } = approvalRequest();
      const event = signedClick({ approvalId, decision, user, channel, messageTs: ts }, SIGNING_SECRET, new Date(w.clock.now()));
      answers.push(await w.time.track(s.interaction(event, lambdaContext('slackInteraction'))));
    })();
  });
  return answers;
}

describe('approval in Slack', () => {
  it('waits for a signed Approve click, then deploys; who approved goes into the result', async () => {
    const w = await given();
    const answers = clickWhenAsked(w, 7, 'approve', 'U0ALICE');

    await w.push('v2');
    await w.settle();

    expect(answers.map((a) => a.statusCode)).toEqual([200]);
    const [execution] = w.sfn.executions.values();
    expect(execution!.run!.result).toMatchObject({ outcome: 'deployed', approval: { decision: 'approved', by: 'U0ALICE' } });
    // The deploy started only after the click, seven simulated minutes in.
    const update = w.world.callsTo('UpdateService')[0]!;
    expect(update.at - execution!.startedAt).toBeGreaterThanOrEqual(7 * 60_000);
    const posted = s.slack.callsTo('chat.postMessage');
    expect(posted).toHaveLength(1);
    expect(posted[0]!.body.channel).toBe('C0DEPLOYS');
    expect(s.slack.callsTo('chat.update').length).toBeGreaterThan(3);
  });

  it('a member of an approver user group may approve (resolved through usergroups.users.list)', async () => {
    const w = await given();
    clickWhenAsked(w, 2, 'approve', 'U0GROUPIE');

    await w.push('v2');
    await w.settle();

    expect([...w.sfn.executions.values()][0]!.run!.result.outcome).toBe('deployed');
    expect(s.slack.callsTo('usergroups.users.list').map((c) => c.body.usergroup)).toContain('S0RELEASE');
  });

  it('ends `rejected` on a Reject click and never deploys', async () => {
    const w = await given();
    clickWhenAsked(w, 3, 'reject', 'U0ALICE');

    await w.push('v2');
    await w.settle();

    const result = [...w.sfn.executions.values()][0]!.run!.result;
    expect(result).toMatchObject({ outcome: 'rejected', approval: { decision: 'rejected', by: 'U0ALICE' } });
    expect(result.reason).toMatch(/^rejected by <@U0ALICE> at 2026-/);
    expect(w.world.callsTo('UpdateService')).toHaveLength(0);
    expect((await history({ db: (await import('../../shared/aws/dynamodb.js')).dynamoClient(), table: process.env.SHIPWATCH_TABLE! }, 'web'))[0]).toMatchObject(
      { outcome: 'rejected' },
    );
  });

  // Issue #11, item 8: after a rejection, a new tag of the image started nothing.
  it('a new tag of a rejected image asks again, and deploys it when approved', async () => {
    const w = await given();
    clickWhenAsked(w, 3, 'reject', 'U0ALICE');
    const v2 = w.pushEvent('v2');
    await w.deliver(v2);
    await w.settle();
    s.slack.calls.length = 0;

    clickWhenAsked(w, 2, 'approve', 'U0ALICE');
    await w.deliver(w.retagEvent(String(v2.detail['image-digest']), 'v2-retry'));
    await w.settle();

    const outcomes = [...w.sfn.executions.values()].map((e) => [e.run!.result.tag, e.run!.result.outcome]);
    expect(outcomes).toEqual([
      ['v2', 'rejected'],
      ['v2-retry', 'deployed'],
    ]);
    expect(w.world.callsTo('UpdateService')).toHaveLength(1);
    const rows = await history(recordsDb(), 'web');
    expect(rows.map((r) => [r.tag, r.outcome, r.digest])).toEqual([
      ['v2-retry', 'deployed', v2.detail['image-digest']],
      ['v2', 'rejected', v2.detail['image-digest']],
    ]);
  });

  it('refuses a click from someone who is not an approver, and keeps waiting', async () => {
    const w = await given();
    const refused = clickWhenAsked(w, 1, 'approve', 'U0MALLORY');
    clickWhenAsked(w, 4, 'approve', 'U0ALICE');

    await w.push('v2');
    await w.settle();

    expect(refused[0]!.statusCode).toBe(200);
    expect(s.slack.callsTo('chat.postEphemeral').map((c) => c.body.user)).toContain('U0MALLORY');
    expect([...w.sfn.executions.values()][0]!.run!.result).toMatchObject({ outcome: 'deployed', approval: { by: 'U0ALICE' } });
  });

  it('ends `expired` when nobody decides within timeoutMinutes (onTimeout: reject)', async () => {
    const w = await given();

    await w.push('v2');
    await w.settle();

    const [execution] = w.sfn.executions.values();
    expect(execution!.run!.result.outcome).toBe('expired');
    expect(execution!.run!.result.reason).toBe('nobody decided within 30 minutes; approval.onTimeout is reject');
    expect(w.world.callsTo('UpdateService')).toHaveLength(0);
    expect(Date.parse(execution!.run!.result.finishedAt) - execution!.startedAt).toBeGreaterThanOrEqual(30 * 60_000);
  });

  it('proceeds when nobody decides and onTimeout is approve', async () => {
    const w = await given(`${APPROVAL}\n      onTimeout: approve`);

    await w.push('v2');
    await w.settle();

    expect([...w.sfn.executions.values()][0]!.run!.result).toMatchObject({ outcome: 'deployed', approval: { decision: 'approved', by: 'timeout' } });
  });

  it('a click after the decision says who already decided, and a click on an expired request says so', async () => {
    const w = await given();
    const answers = clickWhenAsked(w, 2, 'approve', 'U0ALICE');
    clickWhenAsked(w, 3, 'reject', 'U0GROUPIE', answers);

    await w.push('v2');
    await w.settle();

    expect([...w.sfn.executions.values()][0]!.run!.result.outcome).toBe('deployed');
    const whispers = s.slack.callsTo('chat.postEphemeral').map((c) => String(c.body.text));
    expect(whispers.some((t) => /already approved by <@U0ALICE>/.test(t))).toBe(true);
  });

  it('refuses the person who pushed the image (found through CloudTrail and their email), and takes another approver', async () => {
    const w = await given();
    // Alice pushed from her SSO session; Slack knows her by that email.
    w.world.pusher = 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Developer_0a1b2c/alice@example.com';
    s.slack.usersByEmail.set('alice@example.com', 'U0ALICE');
    const own = clickWhenAsked(w, 1, 'approve', 'U0ALICE');
    clickWhenAsked(w, 3, 'approve', 'U0GROUPIE');

    await w.push('v2');
    await w.settle();

    expect(own[0]!.statusCode).toBe(200);
    const whispers = s.slack
      .callsTo('chat.postEphemeral')
      .filter((c) => c.body.user === 'U0ALICE')
      .map((c) => String(c.body.text));
    expect(whispers.join(' ')).toMatch(/<@U0ALICE> triggered this deployment/);
    expect(w.world.callsTo('LookupEvents').length).toBeGreaterThan(0);
    expect([...w.sfn.executions.values()][0]!.run!.result).toMatchObject({ outcome: 'deployed', approval: { by: 'U0GROUPIE' } });
    s.slack.usersByEmail.clear();
  });

  it('a `shipwatch deploy` was triggered by who asked: they may not approve it, another approver may, and CloudTrail is not asked', async () => {
    const w = await given();
    // The CI role pushed the image yesterday; today Alice asks to deploy it again.
    const pushed = w.pushEvent('v2');
    w.clock.advance(24 * 3600_000);
    s.slack.usersByEmail.set('alice@example.com', 'U0ALICE');
    const own = clickWhenAsked(w, 1, 'approve', 'U0ALICE');
    clickWhenAsked(w, 3, 'approve', 'U0GROUPIE');
    const requestedBy = 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Developer_0a1b2c/alice@example.com';
    const name = deployExecutionName('web', String(pushed.detail['image-digest']), new Date(w.clock.now()));
    const release = {
      ...releaseFromPush(parseEcrPushEvent(pushed)),
      pushedAt: new Date(w.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      eventId: name,
      requestedBy,
    };
    const config = parseConfigText(serviceYaml(APPROVAL), 'test config');

    await w.time.track(
      sfnClient().send(
        new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name, input: JSON.stringify(deploymentInput(release, config.services[0]!)) }),
      ),
    );
    await w.settle();

    expect(own[0]!.statusCode).toBe(200);
    const whispers = s.slack
      .callsTo('chat.postEphemeral')
      .filter((c) => c.body.user === 'U0ALICE')
      .map((c) => String(c.body.text));
    expect(whispers.join(' ')).toMatch(/<@U0ALICE> triggered this deployment/);
    expect(w.world.callsTo('LookupEvents')).toHaveLength(0);
    expect([...w.sfn.executions.values()][0]!.run!.result).toMatchObject({ outcome: 'deployed', approval: { by: 'U0GROUPIE' } });
    expect((await history(recordsDb(), 'web'))[0]).toMatchObject({ tag: 'v2', outcome: 'deployed', requestedBy });
    s.slack.usersByEmail.clear();
  });

  it('while CloudTrail throttles, a click is answered "cannot tell yet who pushed" within Slack\'s 3 seconds and decides nothing; the next click decides', async () => {
    // Prepare: Alice pushed; CloudTrail's LookupEvents (2 requests per second per account) throttles at first.
    const w = await given();
    w.world.pusher = 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Developer_0a1b2c/alice@example.com';
    s.slack.usersByEmail.set('alice@example.com', 'U0ALICE');
    let throttling = true;
    w.world.faults = ({ operation }) => (throttling && operation === 'LookupEvents' ? new CloudError('ThrottlingException', 'Rate exceeded') : undefined);
    const clicks: { answer: APIGatewayProxyStructuredResultV2 | Error; ms: number; undecided?: boolean }[] = [];
    const approvals = dynamoApprovals(recordsDb());
    const click = async (user: string) => {
      const { approvalId, channel, ts } = approvalRequest();
      const started = performance.now();
      const event = signedClick({ approvalId, decision: 'approve', user, channel, messageTs: ts }, SIGNING_SECRET, new Date(w.clock.now()));
      const answer = await w.time.track(s.interaction(event, lambdaContext('slackInteraction'))).catch((error: Error) => error);
      clicks.push({ answer, ms: performance.now() - started, undecided: (await approvals.get(approvalId))?.decision === undefined });
    };
    w.on((e) => {
      if (e.state !== 'RequestApproval' || e.type !== 'entered') return;
      void (async () => {
        await w.time.sleep(60_000);
        await click('U0GROUPIE');
        throttling = false;
        await w.time.sleep(2 * 60_000);
        await click('U0GROUPIE');
      })();
    });

    // Act
    await w.push('v2');
    await w.settle();

    // Assess: the first click got its answer in time and changed nothing.
    expect(clicks[0]!.answer).toMatchObject({ statusCode: 200 });
    expect(clicks[0]!.ms).toBeLessThan(3_000);
    expect(clicks[0]!.undecided).toBe(true);
    const whisper = s.slack.callsTo('chat.postEphemeral').find((c) => c.body.user === 'U0GROUPIE')!;
    expect(String(whisper.body.text)).toMatch(
      /^Shipwatch cannot tell yet who pushed this image \(CloudTrail did not answer: ThrottlingException\).*Nothing was changed; try again in a minute\.$/,
    );
    // Retries were bounded and paced at the API's rate: at most three lookups, half a second apart.
    const throttled = w.world.calls.filter((c) => c.operation === 'LookupEvents' && c.error === 'ThrottlingException');
    expect(throttled.length).toBeGreaterThanOrEqual(2);
    expect(throttled.length).toBeLessThanOrEqual(3);
    // The second click found the pusher and decided; the records say so.
    expect(clicks[1]).toMatchObject({ answer: { statusCode: 200 }, undecided: false });
    expect([...w.sfn.executions.values()][0]!.run!.result).toMatchObject({ outcome: 'deployed', approval: { decision: 'approved', by: 'U0GROUPIE' } });
    const [record] = await history(recordsDb(), 'web');
    expect(record).toMatchObject({ tag: 'v2', outcome: 'deployed' });
    const { approvalId } = approvalRequest();
    expect((await approvals.get(approvalId))!.decision).toMatchObject({ decision: 'approved', by: 'U0GROUPIE' });
    s.slack.usersByEmail.clear();
  });

  it('when CloudTrail fails outright, the click is answered the same way and nothing is decided', async () => {
    const w = await given();
    w.world.faults = ({ operation }) =>
      operation === 'LookupEvents' ? new CloudError('AccessDeniedException', 'not authorized to perform: cloudtrail:LookupEvents') : undefined;
    const answers = clickWhenAsked(w, 1, 'reject', 'U0ALICE');

    await w.push('v2');
    await w.settle();

    expect(answers).toEqual([expect.objectContaining({ statusCode: 200 })]);
    expect(String(s.slack.callsTo('chat.postEphemeral').at(-1)!.body.text)).toMatch(
      /^Shipwatch cannot tell yet who pushed this image \(CloudTrail did not answer: AccessDeniedException\)/,
    );
    // One look only: an error that is not throttling or a server fault is not retried.
    expect(w.world.calls.filter((c) => c.operation === 'LookupEvents')).toHaveLength(1);
    const [record] = await history(recordsDb(), 'web');
    expect(record).toMatchObject({ tag: 'v2', outcome: 'expired' });
  });

  it('a newer push ends an older one waiting for approval at once, as superseded', async () => {
    const w = await given();
    let pushed = false;
    w.on((e) => {
      if (!pushed && e.state === 'RequestApproval' && e.type === 'entered') {
        pushed = true;
        void (async () => {
          await w.time.sleep(60_000);
          await w.push('v3');
        })();
      }
    });

    await w.push('v2');
    await w.settle();

    const outcomes = [...w.sfn.executions.values()].map((e) => [e.run!.result.tag, e.run!.result.outcome]);
    expect(outcomes).toEqual([
      ['v2', 'superseded'],
      ['v3', 'expired'],
    ]);
    const v2 = [...w.sfn.executions.values()][0]!;
    expect(Date.parse(v2.run!.result.finishedAt) - v2.startedAt).toBeLessThan(10 * 60_000);
  });
});
