import { httpRequest, type HttpAnswer } from '../lambda/http.js';

// The Slack Web API calls Shipwatch makes (chat.postMessage, chat.update,
// chat.postEphemeral, users.lookupByEmail, usergroups.users.list), over
// node:https (shared/lambda/http.ts). Not @slack/web-api (62 KB and 4–6 ms of
// cold start in six functions for five methods), and not fetch: undici loads
// on the first fetch call, 40–85 ms on our machines, where node:https is
// already loaded by the AWS SDK's own HTTP handler (README: "Cold start").

export interface SlackCallPolicy {
  /** Attempts after the first, for 5xx, timeouts, dropped connections and 429. */
  retries: number;
  /** Backoff before retry n (0-based): min(minTimeout × 2ⁿ, maxTimeout) ms, as p-retry's defaults. */
  minTimeout?: number;
  maxTimeout?: number;
  /** Per attempt, request and response together, in milliseconds. */
  timeoutMs: number;
  /** On 429, fail at once instead of sleeping for Retry-After (callers with a deadline). */
  rejectRateLimitedCalls: boolean;
}

/** A failed call. `code` is Slack's error (`channel_not_found`) or the HTTP failure; `detail` says it in words. */
export class SlackCallFailure extends Error {
  override readonly name = 'SlackCallFailure';
  constructor(
    readonly code: string,
    readonly detail: string,
    readonly retryable: boolean,
    /** Slack's Retry-After, for a 429. */
    readonly retryAfterMs?: number,
  ) {
    super(detail);
  }
}

/** Slack's form encoding: objects (blocks) as JSON, everything else as text; what @slack/web-api sends too. */
function formBody(args: Record<string, unknown>): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(args)) {
    if (value !== undefined) form.set(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  return form.toString();
}

async function attempt(url: URL, token: string, body: string, timeoutMs: number): Promise<Record<string, unknown>> {
  let answer: HttpAnswer;
  try {
    answer = await httpRequest('POST', url, { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' }, body, timeoutMs);
  } catch (error) {
    throw new SlackCallFailure('request_failed', `request failed: ${(error as Error).message}`, true);
  }
  if (answer.status === 429) {
    const seconds = Number(answer.headers['retry-after'] ?? 1);
    throw new SlackCallFailure('rate_limited', `rate limited (retry after ${seconds} s)`, true, (Number.isFinite(seconds) ? seconds : 1) * 1000);
  }
  if (answer.status !== 200) throw new SlackCallFailure(`http_${answer.status}`, `HTTP ${answer.status}`, answer.status >= 500);
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.text);
  } catch {
    // Left undefined: a proxy's error page, a truncated body.
  }
  const result = parsed as { ok?: unknown; error?: unknown } | null | undefined;
  if (typeof result !== 'object' || result === null) throw new SlackCallFailure('invalid_response', 'Slack answered something that is not a JSON object', true);
  if (result.ok !== true) throw new SlackCallFailure(String(result.error ?? 'unknown_error'), `Slack answered ${String(result.error ?? 'an error')}`, false);
  return result as Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One Web API method with bounded retries. A platform error (`ok: false`) is
 * an answer, never retried; 5xx, timeouts and dropped connections are retried
 * after a backoff; a 429 after Slack's Retry-After (or at once refused).
 */
export async function callSlack(
  apiUrl: string,
  token: string,
  method: string,
  args: Record<string, unknown>,
  policy: SlackCallPolicy,
): Promise<Record<string, unknown>> {
  const url = new URL(method, apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`);
  const body = formBody(args);
  for (let retry = 0; ; retry++) {
    try {
      return await attempt(url, token, body, policy.timeoutMs);
    } catch (error) {
      const failure = error as SlackCallFailure;
      const rateLimited = failure.retryAfterMs !== undefined;
      if (!failure.retryable || retry >= policy.retries || (rateLimited && policy.rejectRateLimitedCalls)) throw failure;
      await sleep(failure.retryAfterMs ?? Math.min((policy.minTimeout ?? 1000) * 2 ** retry, policy.maxTimeout ?? Infinity));
    }
  }
}
