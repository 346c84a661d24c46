import { logger } from '../lambda/logger.js';
import { DEFAULT_RETRY_CONFIG, DEFAULT_SLACK_API_URL, DEFAULT_TIMEOUT_MS } from './constants.js';
import { SlackApiError } from './errors.js';
import { deploymentMessage, type DeploymentView } from './messages.js';
import { callSlack, SlackCallFailure, type SlackCallPolicy } from './web-api.js';

export interface NotifierOptions {
  /** Default: SLACK_API_URL from the environment, else Slack's own https://slack.com/api/. */
  slackApiUrl?: string;
  /** Default DEFAULT_RETRY_CONFIG ({ retries: 2 }, backoff 1 s then 2 s). */
  retryConfig?: Pick<SlackCallPolicy, 'retries' | 'minTimeout' | 'maxTimeout'>;
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
  if (error instanceof SlackCallFailure) return { code: error.code, detail: error.detail };
  return { code: 'unknown', detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}

/**
 * Slack for Shipwatch: post a deployment's message, update it in place,
 * whisper to one user, read a user group. Posting never fails a deployment:
 * post, update and ephemeral log a failure and return undefined/false.
 * groupMembers throws SlackApiError: deciding who may approve without it
 * would be guessing, so the caller decides what to do.
 */
export class Notifier {
  readonly #token: string;
  readonly #apiUrl: string;
  readonly #policy: SlackCallPolicy;

  constructor(token: string, options: NotifierOptions = {}) {
    this.#token = token;
    this.#apiUrl = options.slackApiUrl ?? (process.env.SLACK_API_URL || DEFAULT_SLACK_API_URL);
    this.#policy = {
      ...(options.retryConfig ?? DEFAULT_RETRY_CONFIG),
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      rejectRateLimitedCalls: options.rejectRateLimitedCalls ?? false,
    };
  }

  #call(method: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    return callSlack(this.#apiUrl, this.#token, method, args, this.#policy);
  }

  /** Posts the deployment's message; returns its `ts` (keep it to update the message), or undefined if Slack failed. */
  async post(channel: string, view: DeploymentView): Promise<string | undefined> {
    try {
      const { text, blocks } = deploymentMessage(view);
      const result = await this.#call('chat.postMessage', { channel, text, blocks, unfurl_links: false, unfurl_media: false });
      return typeof result.ts === 'string' ? result.ts : undefined;
    } catch (error) {
      this.#logFailure('chat.postMessage', error, { channel, service: view.service, phase: view.phase });
      return undefined;
    }
  }

  /** Replaces the message `ts` with the view's current phase; false if Slack failed. */
  async update(channel: string, ts: string, view: DeploymentView): Promise<boolean> {
    try {
      const { text, blocks } = deploymentMessage(view);
      await this.#call('chat.update', { channel, ts, text, blocks });
      return true;
    } catch (error) {
      this.#logFailure('chat.update', error, { channel, ts, service: view.service, phase: view.phase });
      return false;
    }
  }

  /** A message only `user` sees, in `channel`; false if Slack failed. */
  async ephemeral(channel: string, user: string, text: string): Promise<boolean> {
    try {
      await this.#call('chat.postEphemeral', { channel, user, text });
      return true;
    } catch (error) {
      this.#logFailure('chat.postEphemeral', error, { channel, user });
      return false;
    }
  }

  /** The Slack user with this email, if any (needs the `users:read.email` scope); undefined if none or if Slack failed. */
  async userByEmail(email: string): Promise<string | undefined> {
    try {
      const result = (await this.#call('users.lookupByEmail', { email })) as { user?: { id?: string } };
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
      const result = (await this.#call('usergroups.users.list', { usergroup: groupId })) as { users?: string[] };
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
