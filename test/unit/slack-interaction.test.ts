import {
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  SFNServiceException,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Transient } from '../../shared/errors.js';
import { handleInteraction, type Approval, type InteractionResponse } from '../../shared/slack/interaction.js';
import { deploymentMessage } from '../../shared/slack/messages.js';
import { INTERACTIVE_NOTIFIER_OPTIONS, Notifier } from '../../shared/slack/slack-notifier.js';
import { slackSignature } from '../../shared/slack/verify-signature.js';
import { REPLIES, type SlackStandIn } from '../../local/slack/slack-server.js';
import { InMemoryApprovalStore } from '../support/slack-approval-store.js';
import { CHECKOUT_AWAITING_APPROVAL, serveSlackApiUrl, startTestSlack } from '../support/slack.js';
import { fixture } from '../support/fixtures.js';

interface BlockActionsPayload {
  type: string;
  user: { id: string };
  channel: { id: string };
  container: { channel_id: string; message_ts: string };
  actions: { action_id: string; value: string; [k: string]: unknown }[];
  [k: string]: unknown;
}
interface DerivedRequest {
  signing_secret: string;
  timestamp: string;
  body: string;
  headers: Record<string, string>;
}

/** A real captured button click (user UQEUMSA0K in channel CQEUMSV7D); tests change only its action and user. */
const CAPTURED = fixture<BlockActionsPayload>('slack-block-actions-button-click-with-message');
const DERIVED = fixture<DerivedRequest>('slack-block-actions-form-encoded-request-DERIVED');

const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
/** The captured click's action_ts. */
const NOW = new Date('2024-05-10T12:05:39.000Z');
const NOW_S = String(Math.floor(NOW.getTime() / 1000));
const APPROVER = CAPTURED.user.id;
const CHANNEL = CAPTURED.channel.id;
const MESSAGE_TS = CAPTURED.container.message_ts;
const TASK_TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAfakeTaskTokenForShipwatchTests==';
const GROUP = 'S0614TZR7';

const approval = (overrides: Partial<Approval> = {}): Approval => ({
  approvalId: 'apr-0001',
  taskToken: TASK_TOKEN,
  service: 'checkout',
  recordId: 'checkout#2024-05-10T12:00:00Z',
  channel: CHANNEL,
  messageTs: MESSAGE_TS,
  approvers: [APPROVER, GROUP],
  allowSelfApproval: false,
  triggeredBy: 'U0PUSHER1',
  expiresAt: '2024-05-10T13:00:00.000Z',
  view: {
    ...CHECKOUT_AWAITING_APPROVAL,
    scanSummary: 'no findings at or above CRITICAL',
    change: { from: 'checkout:41', to: 'checkout:42' },
    approval: { approvalId: 'apr-0001', approvers: [APPROVER, GROUP], expiresAt: '2024-05-10T13:00:00.000Z' },
  },
  ...overrides,
});

/** The captured payload, as a click on one of our buttons. */
function click({
  actionId = 'shipwatch_approve',
  value = 'apr-0001',
  user = APPROVER,
}: {
  actionId?: string;
  value?: string;
  user?: string;
} = {}): BlockActionsPayload {
  const payload = structuredClone(CAPTURED);
  payload.user = { ...payload.user, id: user };
  payload.actions = [{ ...CAPTURED.actions[0]!, action_id: actionId, value, block_id: 'shipwatch' }];
  return payload;
}

/** What Slack sends: `payload=<JSON>` form-encoded, signed over the exact body with the app's signing secret. */
function signed(payload: unknown, { timestamp = NOW_S, secret = SIGNING_SECRET } = {}): { rawBody: string; headers: Record<string, string | undefined> } {
  const rawBody = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return {
    rawBody,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': slackSignature(secret, timestamp, rawBody),
    },
  };
}

const signedRaw = (rawBody: string) => ({
  rawBody,
  headers: {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': NOW_S,
    'x-slack-signature': slackSignature(SIGNING_SECRET, NOW_S, rawBody),
  },
});

const ephemeralText = (response: InteractionResponse): string => {
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toBe('application/json');
  const body = JSON.parse(response.body) as { response_type: string; replace_original: boolean; text: string };
  expect(body.response_type).toBe('ephemeral');
  expect(body.replace_original).toBe(false);
  return body.text;
};

const sfnMock = mockClient(SFNClient);
let slack: SlackStandIn;
let store: InMemoryApprovalStore;

beforeAll(async () => {
  slack = await startTestSlack();
  return serveSlackApiUrl(slack);
});

afterAll(() => {
  sfnMock.restore();
});

beforeEach(() => {
  sfnMock.reset();
  sfnMock.on(SendTaskSuccessCommand).resolves({});
  sfnMock.on(SendTaskFailureCommand).resolves({});
  slack.reset();
  store = new InMemoryApprovalStore([approval()]);
});

const deps = (overrides: { now?: Date; signingSecret?: string } = {}) => ({
  signingSecret: SIGNING_SECRET,
  now: NOW,
  approvals: store,
  sfn: new SFNClient({}),
  slack: new Notifier(slack.token, INTERACTIVE_NOTIFIER_OPTIONS),
  ...overrides,
});

/** Nothing was decided, signalled or shown. */
function expectNothingChanged(): void {
  expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  expect(sfnMock.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
  expect(slack.callsTo('chat.update')).toHaveLength(0);
}

describe('handleInteraction: a decision', () => {
  it('approve: records it, sends exactly one SendTaskSuccess with the stored token, and updates the message', async () => {
    // Act
    const response = await handleInteraction(signed(click()), deps());

    // Assess
    expect(response).toEqual({ statusCode: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '' });
    const decision = { decision: 'approved', by: APPROVER, at: NOW.toISOString() };
    expect(sfnMock.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input)).toEqual([{ taskToken: TASK_TOKEN, output: JSON.stringify(decision) }]);
    expect(sfnMock.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
    expect((await store.get('apr-0001'))?.decision).toEqual(decision);

    const [update, ...more] = slack.callsTo('chat.update');
    expect(more).toEqual([]);
    const expected = deploymentMessage({ ...approval().view, phase: 'deploying', decision: { decision: 'approved', by: APPROVER, at: NOW.toISOString() } });
    expect(update!.body).toEqual({ channel: CHANNEL, ts: MESSAGE_TS, text: expected.text, blocks: expected.blocks });
    expect(JSON.stringify(update!.body.blocks)).toContain(`Approved by <@${APPROVER}>`);
    expect(JSON.stringify(update!.body.blocks)).not.toContain('shipwatch_approve');
  });

  it.each([
    ['shipwatch_approve', 'Promoted', 'SendTaskSuccess'],
    ['shipwatch_reject', 'Aborted', 'SendTaskFailure'],
  ] as const)('%s at a pause: the same signed path, and the message stays in flight saying %s', async (actionId, said, command) => {
    // Prepare
    const paused = approval({ view: { ...approval().view, phase: 'awaiting_promotion', promotion: true, health: 'paused at step 1 of 2 (10% of traffic)' } });
    store = new InMemoryApprovalStore([paused]);

    // Act
    const response = await handleInteraction(signed(click({ actionId })), deps());

    // Assess
    expect(response.statusCode).toBe(200);
    expect(sfnMock.calls().map((c) => (c.args[0] as object).constructor.name)).toEqual([`${command}Command`]);
    const blocks = JSON.stringify(slack.callsTo('chat.update')[0]!.body.blocks);
    expect(blocks).toContain(`${said} by <@${APPROVER}>`);
    expect(blocks).toContain('progressing');
    expect(blocks).not.toContain('shipwatch_approve');
  });

  it('reject: sends SendTaskFailure with error Rejected and the decision as cause', async () => {
    // Act
    const response = await handleInteraction(signed(click({ actionId: 'shipwatch_reject' })), deps());

    // Assess
    expect(response.statusCode).toBe(200);
    const decision = { decision: 'rejected', by: APPROVER, at: NOW.toISOString() };
    expect(sfnMock.commandCalls(SendTaskFailureCommand).map((c) => c.args[0].input)).toEqual([
      { taskToken: TASK_TOKEN, error: 'Rejected', cause: JSON.stringify(decision) },
    ]);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    const blocks = JSON.stringify(slack.callsTo('chat.update')[0]!.body.blocks);
    expect(blocks).toContain(`Rejected by <@${APPROVER}>`);
    expect(blocks).not.toContain('shipwatch_reject');
  });

  it('accepts a member of an approver user group, resolved with usergroups.users.list', async () => {
    // Prepare
    slack.userGroups.set(GROUP, ['U060R4BJ4', 'U0G9QF9C6']);

    // Act
    const response = await handleInteraction(signed(click({ user: 'U0G9QF9C6' })), deps());

    // Assess
    expect(response.statusCode).toBe(200);
    expect(slack.callsTo('usergroups.users.list').map((c) => c.body)).toEqual([{ usergroup: GROUP }]);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    expect(JSON.parse(sfnMock.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input.output!)).toMatchObject({ by: 'U0G9QF9C6' });
  });

  it('does not look groups up for a directly listed approver', async () => {
    await handleInteraction(signed(click()), deps());
    expect(slack.callsTo('usergroups.users.list')).toHaveLength(0);
  });

  it('still answers 200 and keeps the decision when Slack is down for the message update', async () => {
    // Prepare
    slack.replyNext('chat.update', REPLIES.serverError);

    // Act
    const response = await handleInteraction(signed(click()), deps());

    // Assess
    expect(response.statusCode).toBe(200);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    expect(slack.callsTo('chat.update')).toHaveLength(1);
  });
});

describe('handleInteraction: refused before parsing (401, nothing called)', () => {
  const expectUntouched = () => {
    expectNothingChanged();
    expect(store.decideCalls).toEqual([]);
    expect(slack.calls).toEqual([]);
    expect(sfnMock.calls()).toHaveLength(0);
  };

  it('a forged signature', async () => {
    const response = await handleInteraction(signed(click(), { secret: 'attacker-secret' }), deps());
    expect(response).toMatchObject({ statusCode: 401, body: expect.stringMatching(/^signature mismatch/) });
    expectUntouched();
  });

  it('a missing signature header', async () => {
    const request = signed(click());
    delete request.headers['x-slack-signature'];
    const response = await handleInteraction(request, deps());
    expect(response).toMatchObject({ statusCode: 401, body: 'missing header x-slack-signature' });
    expectUntouched();
  });

  it('a missing timestamp header', async () => {
    const request = signed(click());
    delete request.headers['x-slack-request-timestamp'];
    expect(await handleInteraction(request, deps())).toMatchObject({ statusCode: 401, body: 'missing header x-slack-request-timestamp' });
    expectUntouched();
  });

  it('a stale timestamp (a replayed click)', async () => {
    const response = await handleInteraction(signed(click()), deps({ now: new Date(NOW.getTime() + 10 * 60_000) }));
    expect(response).toMatchObject({ statusCode: 401, body: expect.stringMatching(/^stale timestamp/) });
    expectUntouched();
  });

  it('a body changed after signing (another approval id swapped in)', async () => {
    // Prepare
    store.put(approval({ approvalId: 'apr-0002' }));
    const request = signed(click());
    const tampered = { ...request, rawBody: request.rawBody.replace('apr-0001', 'apr-0002') };
    expect(tampered.rawBody).not.toBe(request.rawBody);

    // Act
    const response = await handleInteraction(tampered, deps());

    // Assess
    expect(response).toMatchObject({ statusCode: 401, body: expect.stringMatching(/^signature mismatch/) });
    expectUntouched();
  });
});

describe('handleInteraction: malformed or not ours', () => {
  it.each([
    ['not JSON', 'payload=%7Bnot-json'],
    ['no payload field', 'token=abc&user_id=U1'],
    ['an empty body', ''],
    ['JSON of the wrong shape', `payload=${encodeURIComponent(JSON.stringify({ type: 42 }))}`],
  ])('400 for a signed body with %s', async (_what, rawBody) => {
    const response = await handleInteraction(signedRaw(rawBody), deps());
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatch(/^malformed payload/);
    expectNothingChanged();
    expect(store.decideCalls).toEqual([]);
  });

  it('400 for a Shipwatch click without an approval id', async () => {
    const payload = click();
    delete (payload.actions[0] as { value?: string }).value;
    expect((await handleInteraction(signed(payload), deps())).statusCode).toBe(400);
    expectNothingChanged();
  });

  it("acknowledges and ignores another button (the DERIVED request exactly as signed, Slack's doc secret)", async () => {
    // Act: interactions_deny is not ours
    const response = await handleInteraction(
      { rawBody: DERIVED.body, headers: DERIVED.headers },
      deps({ signingSecret: DERIVED.signing_secret, now: new Date(Number(DERIVED.timestamp) * 1000 + 2_000) }),
    );

    // Assess
    expect(response).toEqual({ statusCode: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '' });
    expectNothingChanged();
    expect(store.decideCalls).toEqual([]);
    expect(slack.calls).toEqual([]);
  });

  it('acknowledges and ignores interactions that are not block_actions', async () => {
    const response = await handleInteraction(signed({ ...click(), type: 'view_submission' }), deps());
    expect(response).toMatchObject({ statusCode: 200, body: '' });
    expectNothingChanged();
  });
});

describe('handleInteraction: refused with an explanation (200 ephemeral, nothing changed)', () => {
  it('an unknown approval id', async () => {
    // Act
    const response = await handleInteraction(signed(click({ value: 'apr-unknown' })), deps());

    // Assess
    expect(ephemeralText(response)).toBe('This approval is unknown to Shipwatch: nothing was changed.');
    expectNothingChanged();
    expect(store.decideCalls).toEqual([]);
  });

  it('a click by someone who is not an approver (also sent with chat.postEphemeral)', async () => {
    // Prepare
    slack.userGroups.set(GROUP, ['U060R4BJ4']);

    // Act
    const response = await handleInteraction(signed(click({ user: 'U0NOTLISTED' })), deps());

    // Assess
    const text = ephemeralText(response);
    expect(text).toBe(`<@U0NOTLISTED> is not an approver for this service. Approvers: <@${APPROVER}>, <!subteam^${GROUP}>. Nothing was changed.`);
    expect(slack.callsTo('chat.postEphemeral').map((c) => c.body)).toEqual([{ channel: CHANNEL, user: 'U0NOTLISTED', text }]);
    expectNothingChanged();
    expect(store.decideCalls).toEqual([]);
    expect((await store.get('apr-0001'))?.decision).toBeUndefined();
  });

  it('the person who triggered the deployment, when self-approval is not allowed', async () => {
    store.put(approval({ triggeredBy: APPROVER }));
    const text = ephemeralText(await handleInteraction(signed(click()), deps()));
    expect(text).toContain('self-approval is not allowed');
    expectNothingChanged();
  });

  it('a click while CloudTrail cannot say who pushed (throttled beyond the budget): try again, nothing decided', async () => {
    // Prepare
    store.put(approval({ triggeredBy: undefined }));
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    const whoPushed = () =>
      Promise.reject(new Transient('CloudTrail LookupEvents: ThrottlingException: Rate exceeded (3 requests in 1500 ms)', { cause: throttled }));

    // Act
    const response = await handleInteraction(signed(click()), { ...deps(), whoPushed });

    // Assess
    const text = ephemeralText(response);
    expect(text).toBe(
      'Shipwatch cannot tell yet who pushed this image (CloudTrail did not answer: ThrottlingException), and this service does not allow approving your own push. Nothing was changed; try again in a minute.',
    );
    expect(slack.callsTo('chat.postEphemeral').map((c) => c.body)).toEqual([{ channel: CHANNEL, user: APPROVER, text }]);
    expectNothingChanged();
    expect(store.decideCalls).toEqual([]);
  });

  it('a click when the user groups cannot be read', async () => {
    // Prepare: the group lookup fails (no_such_subteam) for a user not listed directly
    const text = ephemeralText(await handleInteraction(signed(click({ user: 'U0G9QF9C6' })), deps()));

    // Assess
    expect(text).toContain("could not read the approvers' user groups");
    expect(slack.callsTo('usergroups.users.list')).toHaveLength(1);
    expectNothingChanged();
    expect(store.decideCalls).toEqual([]);
  });

  it('a duplicate click: already approved, by whom and when; one SendTaskSuccess in all', async () => {
    // Prepare: the first click approves
    await handleInteraction(signed(click()), deps());

    // Act: the same user (or anyone) clicks again, a second later
    const later = new Date(NOW.getTime() + 1_000);
    const response = await handleInteraction(signed(click({ actionId: 'shipwatch_reject' }), { timestamp: String(Number(NOW_S) + 1) }), deps({ now: later }));

    // Assess
    expect(ephemeralText(response)).toBe(
      `This deployment was already approved by <@${APPROVER}> <!date^${NOW_S}^{date_short_pretty} at {time}|${NOW.toISOString()}>: nothing was changed.`,
    );
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    expect(sfnMock.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
    expect(slack.callsTo('chat.update')).toHaveLength(1);
  });

  it('a second click at a pause says it was already promoted, and an expired pause that it aborts', async () => {
    // Prepare
    const view = { ...approval().view, phase: 'awaiting_promotion' as const, promotion: true };
    store = new InMemoryApprovalStore([approval({ view })]);
    await handleInteraction(signed(click()), deps());
    const expired = approval({ approvalId: 'apr-0002', view, expiresAt: new Date(NOW.getTime() - 1_000).toISOString() });

    // Act
    const again = await handleInteraction(signed(click({ actionId: 'shipwatch_reject' })), deps());
    store = new InMemoryApprovalStore([expired]);
    const late = await handleInteraction(signed(click({ value: 'apr-0002' })), deps());

    // Assess
    expect(ephemeralText(again)).toMatch(new RegExp(`^This deployment was already promoted by <@${APPROVER}> `));
    expect(ephemeralText(late)).toMatch(/^This pause expired <!date\^\d+\^.*>; nobody decided in time, so it aborts: nothing was changed\.$/);
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    expect(sfnMock.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
  });

  it('a lost race: another click decided between our read and our conditional write', async () => {
    // Prepare
    store.beforeDecide = (id) => {
      store.beforeDecide = undefined;
      void store.decide(id, { decision: 'rejected', by: 'U060R4BJ4', at: '2024-05-10T12:05:38.500Z' });
    };

    // Act
    const response = await handleInteraction(signed(click()), deps());

    // Assess
    expect(ephemeralText(response)).toContain('already rejected by <@U060R4BJ4>');
    expectNothingChanged();
  });

  it('an expired approval', async () => {
    // Prepare
    store.put(approval({ expiresAt: '2024-05-10T12:05:00.000Z' }));

    // Act
    const text = ephemeralText(await handleInteraction(signed(click()), deps()));

    // Assess
    expect(text).toMatch(/^This approval expired <!date\^\d+\^.*\|2024-05-10T12:05:00.000Z>: nothing was changed\.$/);
    expectNothingChanged();
    expect(store.decideCalls).toEqual([]);
  });

  it.each([
    ['TaskTimedOut', new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} })],
    ['TaskDoesNotExist', new TaskDoesNotExist({ message: 'Task does not exist', $metadata: {} })],
    ['InvalidToken', new InvalidToken({ message: 'Invalid token', $metadata: {} })],
  ])('Step Functions says %s: the deployment is no longer waiting', async (_name, error) => {
    // Prepare
    sfnMock.on(SendTaskSuccessCommand).rejects(error);

    // Act
    const text = ephemeralText(await handleInteraction(signed(click()), deps()));

    // Assess
    expect(text).toBe('The deployment is no longer waiting for a decision (expired or finished): your click changed nothing.');
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    expect(slack.callsTo('chat.update')).toHaveLength(0);
  });

  it('Step Functions unreachable: says the decision is recorded but not delivered', async () => {
    // Prepare
    sfnMock
      .on(SendTaskSuccessCommand)
      .rejects(new SFNServiceException({ name: 'ServiceUnavailable', $fault: 'server', message: 'unavailable', $metadata: { httpStatusCode: 503 } }));

    // Act
    const text = ephemeralText(await handleInteraction(signed(click()), deps()));

    // Assess
    expect(text).toContain('recorded but Step Functions could not be reached (ServiceUnavailable)');
    expect(slack.callsTo('chat.update')).toHaveLength(0);
  });
});
