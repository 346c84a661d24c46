import { SlackStandIn } from '../../local/slack/slack-server.js';
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
