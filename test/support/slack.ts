import { SlackStandIn } from '../../local/slack/slack-server.js';
import type { DeploymentView } from '../../shared/slack/messages.js';
import { fixture } from './fixtures.js';

// The Slack stand-in (local/slack/slack-server.ts, the sandbox's) as the unit
// and workflow tests start it: chat.postMessage and chat.update answer with
// Slack's published responses, so a client is held to Slack's own bytes.

/** Slack's published answers (test/fixtures/slack-chat-*.json, sources in SOURCES.md). */
export const SLACK_FIXTURES = {
  postMessageOk: fixture<{ ok: true; channel: string; ts: string }>('slack-chat-postmessage-response-ok'),
  postMessageError: fixture<{ ok: false; error: string }>('slack-chat-postmessage-response-error'),
  updateOk: fixture<{ ok: true; channel: string; ts: string }>('slack-chat-update-response-ok'),
  updateError: fixture<{ ok: false; error: string }>('slack-chat-update-response-error'),
};

/** The token the test stand-in accepts. */
export const TEST_SLACK_TOKEN = 'xoxb-test-token-not-a-secret';

export function startTestSlack(): Promise<SlackStandIn> {
  return SlackStandIn.start({
    token: TEST_SLACK_TOKEN,
    replies: { 'chat.postMessage': { json: SLACK_FIXTURES.postMessageOk }, 'chat.update': { json: SLACK_FIXTURES.updateOk } },
  });
}

/**
 * Points SLACK_API_URL (which the Notifier reads) at `slack`. The returned
 * teardown (for `beforeAll` to return) closes the stand-in and puts back
 * whatever the variable was.
 */
export function serveSlackApiUrl(slack: SlackStandIn): () => Promise<void> {
  const saved = process.env.SLACK_API_URL;
  process.env.SLACK_API_URL = slack.url;
  return async () => {
    if (saved === undefined) delete process.env.SLACK_API_URL;
    else process.env.SLACK_API_URL = saved;
    await slack.close();
  };
}

/** The release the Slack message tests show: checkout v1.4.0, pinned by digest, waiting for approval. */
export const CHECKOUT_AWAITING_APPROVAL = {
  service: 'checkout',
  repository: 'checkout',
  tag: 'v1.4.0',
  digest: 'sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234abcd',
  imageUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout@sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234abcd',
  phase: 'awaiting_approval',
} as const satisfies Partial<DeploymentView>;
