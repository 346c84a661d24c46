import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { signedClick, type Click } from '../../../local/slack/click.js';
import { slackSignature } from '../../../shared/slack/verify-signature.js';
import { APPROVER, CHANNEL, MESSAGE_TS, NOW, NOW_S, SIGNING_SECRET } from './world.js';

// Slack's POST to the interaction endpoint as a Lambda function URL delivers
// it: a signed click by the approver on the waiting approval, which each
// option turns into a forged, stale, truncated or malformed request.

type Json = Record<string, unknown>;

const FORM = 'application/x-www-form-urlencoded';

/** The form body Slack sends for a click on one of our buttons. */
export function clickBody(click: Partial<Click> & { at?: Date } = {}): string {
  const { at = NOW, ...rest } = click;
  const event = signedClick(
    { approvalId: 'apr-open', decision: 'approve', user: APPROVER, channel: CHANNEL, messageTs: MESSAGE_TS, ...rest },
    SIGNING_SECRET,
    at,
  );
  return Buffer.from(event.body!, 'base64').toString('utf8');
}
/** The click body with its payload JSON changed. */
export function clickBodyWith(change: (payload: Json & { actions: Json[] }) => void): string {
  const payload = JSON.parse(new URLSearchParams(clickBody()).get('payload')!) as Json & { actions: Json[] };
  change(payload);
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface SlackRequestOptions {
  /** Default: a click by the approver on apr-open. */
  body?: string;
  /** The body the signature was made over (default: `body`). */
  signedBody?: string;
  timestamp?: string;
  /** The timestamp the signature was made with (default: `timestamp`). */
  signedTimestamp?: string;
  secret?: string;
  /** Replaces the computed signature. */
  signature?: string;
  /** Header names to leave out. */
  omit?: string[];
  /** Function URLs hand a form body over base64-encoded (default true). */
  base64?: boolean;
  /** Replaces the base64 (or plain) body as delivered. */
  deliveredBody?: string;
  headers?: Record<string, string>;
}

export function slackRequest(options: SlackRequestOptions = {}): APIGatewayProxyEventV2 {
  const body = options.body ?? clickBody();
  const timestamp = options.timestamp ?? NOW_S;
  const signature = options.signature ?? slackSignature(options.secret ?? SIGNING_SECRET, options.signedTimestamp ?? timestamp, options.signedBody ?? body);
  const template = signedClick({ approvalId: 'apr-open', decision: 'approve', user: APPROVER, channel: CHANNEL }, SIGNING_SECRET, NOW);
  const headers: Record<string, string> = {
    'content-type': FORM,
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': signature,
    ...options.headers,
  };
  for (const name of options.omit ?? []) delete headers[name];
  const base64 = options.base64 ?? true;
  return {
    ...template,
    headers,
    body: options.deliveredBody ?? (base64 ? Buffer.from(body, 'utf8').toString('base64') : body),
    isBase64Encoded: base64,
  };
}

/** What the interaction endpoint answers a request not signed with our secret over exactly this body. */
export const SIGNATURE_MISMATCH = /^signature mismatch: the request was not signed with our signing secret, or its body changed$/;
