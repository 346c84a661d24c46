import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../shared/lambda/logger.js';
import { SlackApiError } from '../../shared/slack/errors.js';
import type { DeploymentView } from '../../shared/slack/messages.js';
import { deploymentMessage } from '../../shared/slack/messages.js';
import { INTERACTIVE_NOTIFIER_OPTIONS, Notifier } from '../../shared/slack/slack-notifier.js';
import { REPLIES, type SlackStandIn } from '../../local/slack/slack-server.js';
import { CHECKOUT_AWAITING_APPROVAL, serveSlackApiUrl, SLACK_FIXTURES, startTestSlack } from '../support/slack.js';

/** Backoff in milliseconds instead of seconds; the retry count is the production one. */
const FAST_RETRIES = { retries: 2, minTimeout: 5, maxTimeout: 20 };

const view: DeploymentView = {
  ...CHECKOUT_AWAITING_APPROVAL,
  scanSummary: 'no findings at or above CRITICAL',
  approval: { approvalId: 'apr-1', approvers: ['U024BE7LH'], expiresAt: '2026-05-10T12:30:00.000Z' },
};

let slack: SlackStandIn;

beforeAll(async () => {
  slack = await startTestSlack();
  return serveSlackApiUrl(slack);
});

beforeEach(() => slack.reset());
afterEach(() => vi.restoreAllMocks());

describe('Notifier over HTTP (Slack stand-in on 127.0.0.1)', () => {
  it('posts the deployment message with chat.postMessage and returns its ts', async () => {
    // Prepare
    const notifier = new Notifier(slack.token, { retryConfig: FAST_RETRIES });

    // Act
    const ts = await notifier.post('C0123DEPLOY', view);

    // Assess
    expect(ts).toBe(SLACK_FIXTURES.postMessageOk.ts);
    const [call, ...others] = slack.callsTo('chat.postMessage');
    expect(others).toEqual([]);
    const { text, blocks } = deploymentMessage(view);
    expect(call!.body).toEqual({ channel: 'C0123DEPLOY', text, blocks, unfurl_links: 'false', unfurl_media: 'false' });
    expect(call!.headers.authorization).toBe(`Bearer ${slack.token}`);
    expect(call!.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('updates the message in place with chat.update', async () => {
    // Prepare
    const notifier = new Notifier(slack.token, { retryConfig: FAST_RETRIES });
    const decided: DeploymentView = { ...view, phase: 'deploying', decision: { decision: 'approved', by: 'U024BE7LH', at: '2026-05-10T12:05:00.000Z' } };

    // Act
    const ok = await notifier.update('C0123DEPLOY', '1503435956.000247', decided);

    // Assess
    expect(ok).toBe(true);
    const { text, blocks } = deploymentMessage(decided);
    expect(slack.callsTo('chat.update').map((c) => c.body)).toEqual([{ channel: 'C0123DEPLOY', ts: '1503435956.000247', text, blocks }]);
    expect(JSON.stringify(blocks)).not.toContain('shipwatch_approve');
  });

  it('sends an ephemeral message with chat.postEphemeral', async () => {
    const ok = await new Notifier(slack.token, { retryConfig: FAST_RETRIES }).ephemeral('C0123DEPLOY', 'U0NOTLISTED', 'not an approver');
    expect(ok).toBe(true);
    expect(slack.callsTo('chat.postEphemeral').map((c) => c.body)).toEqual([{ channel: 'C0123DEPLOY', user: 'U0NOTLISTED', text: 'not an approver' }]);
  });

  it('reads a user group with usergroups.users.list', async () => {
    // Prepare
    slack.userGroups.set('S0614TZR7', ['U060R4BJ4', 'W123456']);

    // Act
    const members = await new Notifier(slack.token, { retryConfig: FAST_RETRIES }).groupMembers('S0614TZR7');

    // Assess
    expect(members).toEqual(['U060R4BJ4', 'W123456']);
    expect(slack.callsTo('usergroups.users.list').map((c) => c.body)).toEqual([{ usergroup: 'S0614TZR7' }]);
  });

  it('throws a named SlackApiError when a user group cannot be read', async () => {
    // Act
    const error = await new Notifier(slack.token, { retryConfig: FAST_RETRIES }).groupMembers('S0NOSUCH').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SlackApiError);
    expect(error).toMatchObject({ name: 'SlackApiError', method: 'usergroups.users.list', code: 'no_such_subteam' });
    expect((error as Error).message).toBe('usergroups.users.list for S0NOSUCH failed: Slack answered no_such_subteam');
  });

  it("does not throw on Slack's published error answer; logs it and returns undefined / false", async () => {
    // Prepare
    const warn = vi.spyOn(logger, 'warn');
    slack.replyNext('chat.postMessage', { json: SLACK_FIXTURES.postMessageError });
    slack.replyNext('chat.update', { json: SLACK_FIXTURES.updateError });
    const notifier = new Notifier(slack.token, { retryConfig: FAST_RETRIES });

    // Act
    const ts = await notifier.post('C0123DEPLOY', view);
    const updated = await notifier.update('C0123DEPLOY', '1503435956.000247', view);

    // Assess: a platform error is an answer, not an outage: no retry
    expect(ts).toBeUndefined();
    expect(updated).toBe(false);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(slack.callsTo('chat.update')).toHaveLength(1);
    expect(warn).toHaveBeenCalledWith(
      'slack chat.postMessage failed; the deployment goes on',
      expect.objectContaining({ code: 'too_many_attachments', channel: 'C0123DEPLOY' }),
    );
    expect(warn).toHaveBeenCalledWith('slack chat.update failed; the deployment goes on', expect.objectContaining({ code: 'cant_update_message' }));
  });

  it('survives an outage (HTTP 500 every time) with the default retry policy: three attempts, no throw', async () => {
    // Prepare: production retry settings (2 retries, p-retry's default backoff: ~1 s then ~2 s)
    slack.replyNext('chat.postMessage', REPLIES.serverError, REPLIES.serverError, REPLIES.serverError, REPLIES.serverError, REPLIES.serverError);
    const notifier = new Notifier(slack.token);

    // Act
    const started = Date.now();
    const ts = await notifier.post('C0123DEPLOY', view);

    // Assess
    expect(ts).toBeUndefined();
    expect(slack.callsTo('chat.postMessage')).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('retries a transient 500 and then succeeds', async () => {
    slack.replyNext('chat.update', REPLIES.serverError);
    const ok = await new Notifier(slack.token, { retryConfig: FAST_RETRIES }).update('C0123DEPLOY', '1.2', view);
    expect(ok).toBe(true);
    expect(slack.callsTo('chat.update')).toHaveLength(2);
  });

  it('waits out a 429 Retry-After and retries, a bounded number of times', async () => {
    // Prepare
    slack.replyNext('chat.postMessage', REPLIES.rateLimited(0), REPLIES.rateLimited(0), REPLIES.rateLimited(0), REPLIES.rateLimited(0));
    const notifier = new Notifier(slack.token, { retryConfig: FAST_RETRIES });

    // Act
    const ts = await notifier.post('C0123DEPLOY', view);

    // Assess
    expect(ts).toBeUndefined();
    expect(slack.callsTo('chat.postMessage')).toHaveLength(3);
  });

  it('recovers after a 429 when Slack lets it through', async () => {
    slack.replyNext('chat.postMessage', REPLIES.rateLimited(0));
    const ts = await new Notifier(slack.token, { retryConfig: FAST_RETRIES }).post('C0123DEPLOY', view);
    expect(ts).toBe(SLACK_FIXTURES.postMessageOk.ts);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('with the interactive options, fails at once on a 429 instead of sleeping', async () => {
    // Prepare: a minute-long Retry-After would blow Slack's 3-second interaction deadline
    slack.replyNext('chat.update', REPLIES.rateLimited(60));
    const notifier = new Notifier(slack.token, INTERACTIVE_NOTIFIER_OPTIONS);

    // Act
    const started = Date.now();
    const ok = await notifier.update('C0123DEPLOY', '1.2', view);

    // Assess
    expect(ok).toBe(false);
    expect(slack.callsTo('chat.update')).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('gives up on a Slack that never answers after its timeout, per attempt', async () => {
    // Prepare
    slack.replyNext('chat.postMessage', 'hang', 'hang', 'hang');
    const notifier = new Notifier(slack.token, { retryConfig: FAST_RETRIES, timeoutMs: 100 });

    // Act
    const ts = await notifier.post('C0123DEPLOY', view);

    // Assess
    expect(ts).toBeUndefined();
    expect(slack.callsTo('chat.postMessage')).toHaveLength(3);
  });

  it('never logs the token, whatever fails', async () => {
    // Prepare: a wrong token, an outage, a platform error and a failed group lookup
    const token = 'xoxb-0000-1111-supersecretvalue';
    const calls: unknown[] = [];
    for (const level of ['debug', 'info', 'warn', 'error'] as const) {
      vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => void calls.push(args));
    }
    const notifier = new Notifier(token, { retryConfig: FAST_RETRIES });
    slack.replyNext('chat.update', REPLIES.serverError, REPLIES.serverError, REPLIES.serverError);

    // Act
    await notifier.post('C0123DEPLOY', view);
    await notifier.update('C0123DEPLOY', '1.2', view);
    await notifier.ephemeral('C0123DEPLOY', 'U1', 'hi');
    await notifier.groupMembers('S0614TZR7').catch(() => undefined);

    // Assess
    expect(calls.length).toBeGreaterThan(0);
    expect(JSON.stringify(calls)).not.toContain('supersecretvalue');
    expect(JSON.stringify(notifier)).not.toContain('supersecretvalue');
  });

  it('sleeps for the Retry-After Slack asks for before the next attempt', async () => {
    // Prepare
    slack.replyNext('chat.update', REPLIES.rateLimited(1));
    const notifier = new Notifier(slack.token, { retryConfig: FAST_RETRIES });

    // Act
    const started = Date.now();
    const ok = await notifier.update('C0123DEPLOY', '1.2', view);

    // Assess: FAST_RETRIES backs off 5 ms; the second attempt waited Slack's second instead
    expect(ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(slack.callsTo('chat.update')).toHaveLength(2);
  });

  it('does not retry a 4xx other than 429: the same request would be refused again', async () => {
    // Prepare
    slack.replyNext('usergroups.users.list', { status: 404, json: { ok: false, error: 'unknown_method' } });

    // Act
    const error = await new Notifier(slack.token, { retryConfig: FAST_RETRIES }).groupMembers('S0614TZR7').catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'SlackApiError', code: 'http_404', message: 'usergroups.users.list for S0614TZR7 failed: HTTP 404' });
    expect(slack.callsTo('usergroups.users.list')).toHaveLength(1);
  });

  it('retries an answer that is not a JSON object (a proxy in the way), then gives up naming it', async () => {
    // Prepare
    slack.replyNext('usergroups.users.list', { status: 200, json: '<html>' }, { status: 200, json: '<html>' }, { status: 200, json: '<html>' });

    // Act
    const error = await new Notifier(slack.token, { retryConfig: FAST_RETRIES }).groupMembers('S0614TZR7').catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ code: 'invalid_response' });
    expect(slack.callsTo('usergroups.users.list')).toHaveLength(3);
  });

  it('reads SLACK_API_URL when it is built, with or without a trailing slash', async () => {
    // Prepare
    process.env.SLACK_API_URL = `${slack.url.replace(/\/api\/$/, '')}/api`; // no trailing slash: the client adds one

    // Act
    const ts = await new Notifier(slack.token, { retryConfig: FAST_RETRIES }).post('C1', view);

    // Assess
    expect(ts).toBe(SLACK_FIXTURES.postMessageOk.ts);
    process.env.SLACK_API_URL = slack.url;
  });
});
