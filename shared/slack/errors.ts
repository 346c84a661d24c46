import { ShipwatchError } from '../errors.js';

export type SignatureCheck = 'missing_header' | 'malformed_timestamp' | 'stale_timestamp' | 'signature_mismatch';

/**
 * A request that cannot be shown to come from Slack. `check` names the test
 * it failed; the message says the same in words (safe to return in a 401:
 * it never echoes the request's headers).
 */
export class SlackSignatureError extends ShipwatchError {
  override readonly name = 'SlackSignatureError';
  constructor(
    readonly check: SignatureCheck,
    message: string,
  ) {
    super(message);
  }
}

/** A Slack Web API call failed (after the client's bounded retries). `code` is Slack's error or the HTTP failure. */
export class SlackApiError extends ShipwatchError {
  override readonly name = 'SlackApiError';
  constructor(
    message: string,
    readonly method: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
