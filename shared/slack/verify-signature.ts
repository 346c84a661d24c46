import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '../errors.js';
import { SIGNATURE_MAX_AGE_SECONDS } from './constants.js';
import { SlackSignatureError } from './errors.js';

export interface SlackSignedRequest {
  signingSecret: string;
  /** As received; names are matched case-insensitively (function URLs lower-case them, API Gateway v1 does not). */
  headers: Readonly<Record<string, string | undefined>>;
  /** The body exactly as Slack sent it, before any parsing or decoding of form fields. */
  rawBody: string;
  now: Date;
  /** Default SIGNATURE_MAX_AGE_SECONDS (Slack's five minutes), either direction. */
  maxAgeSeconds?: number;
}

const TIMESTAMP_HEADER = 'x-slack-request-timestamp';
const SIGNATURE_HEADER = 'x-slack-signature';

function header(headers: SlackSignedRequest['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && value !== undefined) return value;
  }
  return undefined;
}

/** `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`: Slack's "Verifying requests from Slack". */
export function slackSignature(signingSecret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

/**
 * Throws SlackSignatureError unless the request carries a fresh timestamp and
 * a signature made with our signing secret over exactly this body. Run it on
 * the raw body before anything parses it. The messages never echo header
 * values back: they name the check that failed.
 */
export function verifySlackSignature({ signingSecret, headers, rawBody, now, maxAgeSeconds = SIGNATURE_MAX_AGE_SECONDS }: SlackSignedRequest): void {
  // An empty secret would make every HMAC forgeable; that is our misconfiguration, not the caller's.
  if (!signingSecret) throw new ConfigError('Slack signing secret is empty: refusing to verify requests with it');

  const timestamp = header(headers, TIMESTAMP_HEADER);
  if (timestamp === undefined || timestamp === '') {
    throw new SlackSignatureError('missing_header', `missing header ${TIMESTAMP_HEADER}`);
  }
  const signature = header(headers, SIGNATURE_HEADER);
  if (signature === undefined || signature === '') {
    throw new SlackSignatureError('missing_header', `missing header ${SIGNATURE_HEADER}`);
  }
  if (!/^\d{1,15}$/.test(timestamp)) {
    throw new SlackSignatureError('malformed_timestamp', `malformed timestamp: ${TIMESTAMP_HEADER} is not a whole number of Unix seconds`);
  }
  const skew = Math.floor(now.getTime() / 1000) - Number(timestamp);
  if (Math.abs(skew) > maxAgeSeconds) {
    const when = skew > 0 ? `${skew} s old` : `${-skew} s in the future`;
    throw new SlackSignatureError('stale_timestamp', `stale timestamp: request is ${when}, more than the ${maxAgeSeconds} s allowed`);
  }

  const expected = Buffer.from(slackSignature(signingSecret, timestamp, rawBody), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  // timingSafeEqual throws on unequal lengths; the length of a v0 signature is public anyway.
  if (given.length !== expected.length) {
    throw new SlackSignatureError('signature_mismatch', `signature mismatch: ${SIGNATURE_HEADER} is not a v0 HMAC-SHA256 signature (wrong length)`);
  }
  if (!timingSafeEqual(given, expected)) {
    throw new SlackSignatureError('signature_mismatch', 'signature mismatch: the request was not signed with our signing secret, or its body changed');
  }
}
