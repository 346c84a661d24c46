import { afterEach, describe, expect, it, vi } from 'vitest';
import { REPLIES, SlackStandIn, type ApprovalAsked } from '../../local/slack/slack-server.js';
import { APPROVE_ACTION_ID } from '../../shared/slack/constants.js';

// The one Slack stand-in (local/slack/slack-server.ts): the sandbox relies on
// it behaving as Slack does, the tests on it recording and answering what they
// ask. Called over HTTP with form bodies, as shared/slack/web-api.ts calls Slack.

const TOKEN = 'xoxb-stand-in-test';
let slack: SlackStandIn | undefined;
afterEach(async () => {
  await slack?.close();
  slack = undefined;
});

/** A Web API call; `token: null` sends no authorization header. */
async function call(method: string, fields: Record<string, unknown>, token: string | null = TOKEN) {
  const form = new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${slack!.url}${method}`, { method: 'POST', headers, body: form });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const approvalBlocks = (approvalId: string) => [{ type: 'actions', elements: [{ type: 'button', action_id: APPROVE_ACTION_ID, value: approvalId }] }];

describe('the Slack stand-in', () => {
  it('checks the bot token as Slack does: none is not_authed, another is invalid_auth', async () => {
    slack = await SlackStandIn.start({ token: TOKEN });
    expect((await call('auth.test', {}, null)).json).toEqual({ ok: false, error: 'not_authed' });
    expect((await call('auth.test', {}, 'xoxb-other')).json).toEqual({ ok: false, error: 'invalid_auth' });
    expect((await call('auth.test', {})).json).toMatchObject({ ok: true, bot_id: 'B0SHIPWATCH' });
  });

  it('keeps the latest version of each message, and refuses to update one never posted', async () => {
    slack = await SlackStandIn.start({ token: TOKEN });
    const posted = await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'deploying', blocks: [] });
    const ts = String(posted.json.ts);
    expect(posted.json).toEqual({ ok: true, channel: 'C0DEPLOYS', ts });
    expect((await call('chat.update', { channel: 'C0DEPLOYS', ts, text: 'deployed', blocks: [] })).json).toEqual({ ok: true, channel: 'C0DEPLOYS', ts });
    expect((await call('chat.update', { channel: 'C0DEPLOYS', ts: '1.000001', text: 'x' })).json).toEqual({ ok: false, error: 'message_not_found' });
    expect([...slack.messages.values()]).toEqual([{ channel: 'C0DEPLOYS', ts, text: 'deployed', blocks: [] }]);
  });

  it("announces an approval once, the first time its buttons are posted, and a pause's Promote as a promotion", async () => {
    const asked: ApprovalAsked[] = [];
    slack = await SlackStandIn.start({ token: TOKEN, onApproval: (a) => asked.push(a) });
    const posted = await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'approve?', blocks: approvalBlocks('apr-1') });
    await call('chat.update', { channel: 'C0DEPLOYS', ts: String(posted.json.ts), text: 'still?', blocks: approvalBlocks('apr-1') });
    const promote = [
      { type: 'actions', elements: [{ type: 'button', action_id: APPROVE_ACTION_ID, text: { type: 'plain_text', text: 'Promote' }, value: 'apr-2' }] },
    ];
    await call('chat.update', { channel: 'C0DEPLOYS', ts: String(posted.json.ts), text: 'search: paused (search:v2)', blocks: promote });
    expect(asked).toEqual([
      { approvalId: 'apr-1', channel: 'C0DEPLOYS', ts: posted.json.ts, text: 'approve?', promotion: false },
      { approvalId: 'apr-2', channel: 'C0DEPLOYS', ts: posted.json.ts, text: 'search: paused (search:v2)', promotion: true },
    ]);
  });

  it('records every call with its form fields decoded, JSON-valued ones parsed', async () => {
    slack = await SlackStandIn.start({ token: TOKEN });
    await call('chat.postMessage', { channel: 'C0DEPLOYS', text: 'hi', blocks: approvalBlocks('apr-2') });
    expect(slack.callsTo('chat.postMessage').map((c) => c.body)).toEqual([{ channel: 'C0DEPLOYS', text: 'hi', blocks: approvalBlocks('apr-2') }]);
    expect(slack.calls[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('answers user groups, users by email, channels and ephemeral messages from what it was given', async () => {
    const whispers: string[] = [];
    slack = await SlackStandIn.start({
      token: TOKEN,
      userGroups: { S0SRE: ['U1'] },
      channels: { C0DEPLOYS: 'deploys' },
      onEphemeral: (user, text) => whispers.push(`${user}: ${text}`),
    });
    slack.usersByEmail.set('alice@example.com', 'U0ALICE');
    expect((await call('usergroups.users.list', { usergroup: 'S0SRE' })).json).toEqual({ ok: true, users: ['U1'] });
    expect((await call('usergroups.users.list', { usergroup: 'S0NONE' })).json).toEqual({ ok: false, error: 'no_such_subteam' });
    expect((await call('users.lookupByEmail', { email: 'alice@example.com' })).json).toMatchObject({ ok: true, user: { id: 'U0ALICE' } });
    expect((await call('users.lookupByEmail', { email: 'bob@example.com' })).json).toEqual({ ok: false, error: 'users_not_found' });
    expect((await call('conversations.info', { channel: 'C0DEPLOYS' })).json).toMatchObject({
      ok: true,
      channel: { id: 'C0DEPLOYS', name: 'deploys', is_member: true },
    });
    expect((await call('conversations.info', { channel: 'C0OTHER' })).json).toEqual({ ok: false, error: 'channel_not_found' });
    expect((await call('chat.postEphemeral', { channel: 'C0DEPLOYS', user: 'U1', text: 'no' })).json).toMatchObject({ ok: true });
    expect(whispers).toEqual(['U1: no']);
    expect(await call('no.such.method', {})).toEqual({ status: 404, json: { ok: false, error: 'unknown_method' } });
  });

  it('answers a fixed reply in place of its own once the token is checked, and a queued one before anything', async () => {
    slack = await SlackStandIn.start({ token: TOKEN, replies: { 'chat.update': { json: { ok: true, ts: 'fixed' } } } });
    expect((await call('chat.update', { channel: 'C0DEPLOYS', ts: 'never-posted' })).json).toEqual({ ok: true, ts: 'fixed' });
    expect((await call('chat.update', {}, 'xoxb-other')).json).toEqual({ ok: false, error: 'invalid_auth' });
    slack.replyNext('chat.update', REPLIES.rateLimited(3));
    const limited = await call('chat.update', {}, 'xoxb-other');
    expect(limited).toEqual({ status: 429, json: { ok: false, error: 'ratelimited' } });
  });

  it('holds a hanging request until it closes, and forgets everything on reset', async () => {
    slack = await SlackStandIn.start({ token: TOKEN, userGroups: { S0SRE: ['U1'] } });
    slack.replyNext('auth.test', 'hang');
    const settled = vi.fn();
    const hanging = fetch(`${slack.url}auth.test`, { method: 'POST' }).then(settled, settled);
    await vi.waitFor(() => expect(slack!.callsTo('auth.test')).toHaveLength(1));
    expect(settled).not.toHaveBeenCalled();
    slack.reset();
    expect([slack.calls.length, slack.userGroups.size, slack.messages.size]).toEqual([0, 0, 0]);
    await slack.close();
    slack = undefined;
    await hanging;
    expect(settled).toHaveBeenCalledTimes(1);
  });
});
