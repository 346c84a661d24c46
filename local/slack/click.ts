import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from '../../shared/slack/constants.js';
import { slackSignature } from '../../shared/slack/verify-signature.js';

export interface Click {
  approvalId: string;
  decision: 'approve' | 'reject';
  user: string;
  channel: string;
  messageTs?: string;
}

/**
 * The request Slack sends when someone clicks Approve or Reject: a
 * `block_actions` payload, form-encoded, signed with the app's signing secret
 * over `v0:{timestamp}:{body}`, delivered to the function URL.
 */
export function signedClick(click: Click, signingSecret: string, at: Date): APIGatewayProxyEventV2 {
  const payload = {
    type: 'block_actions',
    user: { id: click.user, username: click.user.toLowerCase(), team_id: 'T0SANDBOX' },
    api_app_id: 'A0SHIPWATCH',
    container: { type: 'message', message_ts: click.messageTs ?? '', channel_id: click.channel, is_ephemeral: false },
    trigger_id: `${at.getTime()}.trigger`,
    team: { id: 'T0SANDBOX', domain: 'sandbox' },
    channel: { id: click.channel, name: 'deploys' },
    response_url: 'https://hooks.slack.com/actions/T0SANDBOX/1/sandbox',
    actions: [
      {
        action_id: click.decision === 'approve' ? APPROVE_ACTION_ID : REJECT_ACTION_ID,
        block_id: 'shipwatch',
        value: click.approvalId,
        type: 'button',
        action_ts: (at.getTime() / 1000).toFixed(6),
      },
    ],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = String(Math.floor(at.getTime() / 1000));
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': slackSignature(signingSecret, timestamp, body),
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'sandbox',
      domainName: 'sandbox.lambda-url.us-east-1.on.aws',
      domainPrefix: 'sandbox',
      http: { method: 'POST', path: '/', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'Slackbot 1.0' },
      requestId: `click-${at.getTime()}`,
      routeKey: '$default',
      stage: '$default',
      time: at.toISOString(),
      timeEpoch: at.getTime(),
    },
    // Function URLs hand a form body over base64-encoded.
    body: Buffer.from(body, 'utf8').toString('base64'),
    isBase64Encoded: true,
  };
}

/** The approval id in a message's blocks (the value of its Approve button), if it asks for approval. */
export function approvalIdIn(blocks: unknown): string | undefined {
  const list = typeof blocks === 'string' ? (JSON.parse(blocks) as unknown[]) : (blocks as unknown[] | undefined);
  for (const block of list ?? []) {
    const elements = (block as { type?: string; elements?: { action_id?: string; value?: string }[] }).elements ?? [];
    const approve = elements.find((e) => e.action_id === APPROVE_ACTION_ID);
    if (approve?.value) return approve.value;
  }
  return undefined;
}

/**
 * Whether a message's buttons ask to promote or abort a paused deployment:
 * the same action ids as Approve and Reject (shared/slack/messages.ts), the
 * Approve one labelled Promote.
 */
export function asksForPromotion(blocks: unknown): boolean {
  const list = typeof blocks === 'string' ? (JSON.parse(blocks) as unknown[]) : (blocks as unknown[] | undefined);
  return (list ?? []).some((block) =>
    ((block as { elements?: { action_id?: string; text?: { text?: string } }[] }).elements ?? []).some(
      (e) => e.action_id === APPROVE_ACTION_ID && e.text?.text === 'Promote',
    ),
  );
}
