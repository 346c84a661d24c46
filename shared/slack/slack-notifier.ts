import { ErrorCode, LogLevel, WebClient, type Logger as SlackLogger, type RetryOptions } from '@slack/web-api';
import { logger } from '../lambda/logger.js';
import { DEFAULT_RETRY_CONFIG, DEFAULT_SLACK_API_URL, DEFAULT_TIMEOUT_MS } from './constants.js';
import { SlackApiError } from './errors.js';
import { deploymentMessage, type DeploymentView } from './messages.js';

export interface NotifierOptions {
  /** Default: SLACK_API_URL from the environment, else Slack's own https://slack.com/api/. */
  slackApiUrl?: string;
  /** Default DEFAULT_RETRY_CONFIG ({ retries: 2 }); p-retry options. */
  retryConfig?: RetryOptions;
  /** Per attempt, in milliseconds. Default DEFAULT_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Fail at once on HTTP 429 instead of sleeping for Retry-After (for callers with a deadline). */
  rejectRateLimitedCalls?: boolean;
}

/**
 * For the interactivity endpoint, which must answer Slack within 3 seconds:
 * one attempt, a short timeout, no sleeping through a rate limit.
 */
export const INTERACTIVE_NOTIFIER_OPTIONS: NotifierOptions = {
  retryConfig: { retries: 0 },
  timeoutMs: 1_500,
  rejectRateLimitedCalls: true,
};

/** What a Slack failure was, in words that never include the token. */
export function describeSlackError(error: unknown): { code: string; detail: string } {
  const e = error as { code?: unknown; data?: { error?: unknown }; statusCode?: unknown; retryAfter?: unknown; original?: { message?: unknown }; message?: unknown };
  switch (e?.code) {
    case ErrorCode.PlatformError:
      return { code: String(e.data?.error ?? 'unknown_error'), detail: `Slack answered ${String(e.data?.error ?? 'an error')}` };
    case ErrorCode.HTTPError:
      return { code: `http_${String(e.statusCode)}`, detail: `HTTP ${String(e.statusCode)}` };
    case ErrorCode.RateLimitedError:
      return { code: 'rate_limited', detail: `rate limited (retry after ${String(e.retryAfter)} s)` };
    case ErrorCode.RequestError:
      return { code: 'request_failed', detail: `request failed: ${String(e.original?.message ?? 'unknown')}` };
    default:
      return { code: 'unknown', detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/** The Web API client's own logs, into ours (its debug output, request bodies included, is dropped). */
function slackLogger(): SlackLogger {
  let level = LogLevel.INFO;
  return {
    debug: () => undefined,
    info: (...msg: unknown[]) => logger.debug(`slack web api: ${msg.map(String).join(' ')}`),
    warn: (...msg: unknown[]) => logger.debug(`slack web api: ${msg.map(String).join(' ')}`),
    error: (...msg: unknown[]) => logger.warn(`slack web api: ${msg.map(String).join(' ')}`),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

/**
 * Slack for Shipwatch: post a deployment's message, update it in place,
 * whisper to one user, read a user group. Posting never fails a deployment:
 * post, update and ephemeral log a failure and return undefined/false.
 * groupMembers throws SlackApiError: deciding who may approve without it
 * would be guessing, so the caller decides what to do.
 */
export class Notifier {
  readonly #client: WebClient;
  readonly #token: string;

  constructor(token: string, options: NotifierOptions = {}) {
    this.#token = token;
    this.#client = new WebClient(token, {
      slackApiUrl: options.slackApiUrl ?? (process.env.SLACK_API_URL || DEFAULT_SLACK_API_URL),
      retryConfig: options.retryConfig ?? { ...DEFAULT_RETRY_CONFIG },
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      rejectRateLimitedCalls: options.rejectRateLimitedCalls ?? false,
      logger: slackLogger(),
    });
  }

  /** Posts the deployment's message; returns its `ts` (keep it to update the message), or undefined if Slack failed. */
  async post(channel: string, view: DeploymentView): Promise<string | undefined> {
    try {
      const { text, blocks } = deploymentMessage(view);
      const result = await this.#client.chat.postMessage({ channel, text, blocks, unfurl_links: false, unfurl_media: false });
      return result.ts;
    } catch (error) {
      this.#logFailure('chat.postMessage', error, { channel, service: view.service, phase: view.phase });
      return undefined;
    }
  }

  /** Replaces the message `ts` with the view's current phase; false if Slack failed. */
  async update(channel: string, ts: string, view: DeploymentView): Promise<boolean> {
    try {
      const { text, blocks } = deploymentMessage(view);
      await this.#client.chat.update({ channel, ts, text, blocks });
      return true;
    } catch (error) {
      this.#logFailure('chat.update', error, { channel, ts, service: view.service, phase: view.phase });
      return false;
    }
  }

  /** A message only `user` sees, in `channel`; false if Slack failed. */
  async ephemeral(channel: string, user: string, text: string): Promise<boolean> {
    try {
      await this.#client.chat.postEphemeral({ channel, user, text });
      return true;
    } catch (error) {
      this.#logFailure('chat.postEphemeral', error, { channel, user });
      return false;
    }
  }

  /** The Slack user with this email, if any (needs the `users:read.email` scope); undefined if none or if Slack failed. */
  async userByEmail(email: string): Promise<string | undefined> {
    try {
      const result = await this.#client.users.lookupByEmail({ email });
      return result.user?.id;
    } catch (error) {
      const { code } = describeSlackError(error);
      if (code !== 'users_not_found') this.#logFailure('users.lookupByEmail', error, {});
      return undefined;
    }
  }

  /** The user ids in a user group (S…). Throws SlackApiError. Needs the `usergroups:read` scope. */
  async groupMembers(groupId: string): Promise<string[]> {
    try {
      const result = await this.#client.usergroups.users.list({ usergroup: groupId });
      return result.users ?? [];
    } catch (error) {
      const { code, detail } = describeSlackError(error);
      throw new SlackApiError(this.#redact(`usergroups.users.list for ${groupId} failed: ${detail}`), 'usergroups.users.list', code, { cause: error });
    }
  }

  #logFailure(method: string, error: unknown, context: Record<string, string>): void {
    const { code, detail } = describeSlackError(error);
    logger.warn(`slack ${method} failed; the deployment goes on`, { ...context, code, error: this.#redact(detail) });
  }

  /** Belt and braces: no message we write ever contains the token, even if an error echoed it. */
  #redact(text: string): string {
    return this.#token.length >= 8 ? text.replaceAll(this.#token, '[redacted]') : text;
  }
}
