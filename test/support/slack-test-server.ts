import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixture } from './fixtures.js';

/**
 * A stand-in for the Slack Web API on 127.0.0.1, for `slackApiUrl` (the
 * Notifier reads SLACK_API_URL). It records every call with its form body
 * decoded (JSON-valued fields such as `blocks` parsed), checks the bearer
 * token, and answers with Slack's published responses
 * (test/fixtures/slack-chat-*.json). Replies can be queued per method to
 * play errors, 429 with Retry-After, 5xx or a request that never answers.
 */

export const SLACK_FIXTURES = {
  postMessageOk: fixture<{ ok: true; channel: string; ts: string }>('slack-chat-postmessage-response-ok'),
  postMessageError: fixture<{ ok: false; error: string }>('slack-chat-postmessage-response-error'),
  updateOk: fixture<{ ok: true; channel: string; ts: string }>('slack-chat-update-response-ok'),
  updateError: fixture<{ ok: false; error: string }>('slack-chat-update-response-error'),
};

export interface RecordedCall {
  /** The Web API method, e.g. `chat.postMessage`. */
  method: string;
  headers: IncomingHttpHeaders;
  /** The raw request body. */
  raw: string;
  /** Form fields, with JSON-valued ones (blocks, …) parsed. */
  body: Record<string, unknown>;
}

export type Reply =
  | { status?: number; json?: unknown; headers?: Record<string, string> }
  /** Never answer (until the server stops): for client timeouts. */
  | 'hang';

export const REPLIES = {
  serverError: { status: 500, json: { ok: false, error: 'internal_error' } },
  rateLimited: (retryAfterSeconds: number): Reply => ({ status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, json: { ok: false, error: 'ratelimited' } }),
  slackError: (error: string): Reply => ({ status: 200, json: { ok: false, error } }),
};

export class SlackTestServer {
  readonly calls: RecordedCall[] = [];
  /** User-group id → member ids, answered by usergroups.users.list. */
  readonly userGroups = new Map<string, string[]>();
  /** Email → user id, answered by users.lookupByEmail. */
  readonly usersByEmail = new Map<string, string>();
  readonly #queued = new Map<string, Reply[]>();
  readonly #hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    /** Base URL for `slackApiUrl`, ending in `/api/`. */
    readonly url: string,
    /** The bot token the server accepts. */
    readonly token: string,
  ) {}

  static async start(token = 'xoxb-test-token-not-a-secret'): Promise<SlackTestServer> {
    let instance: SlackTestServer | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => instance!.handle(req.url ?? '', req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    instance = new SlackTestServer(server, `http://127.0.0.1:${port}/api/`, token);
    return instance;
  }

  /** Answer the next calls to `method` with these replies, in order; then the defaults again. */
  replyNext(method: string, ...replies: Reply[]): void {
    this.#queued.set(method, [...(this.#queued.get(method) ?? []), ...replies]);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  reset(): void {
    this.calls.length = 0;
    this.#queued.clear();
    this.userGroups.clear();
  }

  async stop(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.#hanging.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((e) => (e ? reject(e) : resolve())));
  }

  private handle(url: string, headers: IncomingHttpHeaders, raw: string, res: ServerResponse): void {
    const method = url.replace(/^\/api\//, '').replace(/\?.*$/, '');
    const body = parseBody(headers['content-type'], raw);
    this.calls.push({ method, headers, raw, body });

    const queued = this.#queued.get(method);
    const reply = queued?.shift() ?? this.defaultReply(method, headers, body);
    if (reply === 'hang') {
      this.#hanging.add(res);
      return;
    }
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
    res.end(JSON.stringify(reply.json ?? { ok: true }));
  }

  private defaultReply(method: string, headers: IncomingHttpHeaders, body: Record<string, unknown>): Reply {
    const auth = headers.authorization;
    if (!auth) return REPLIES.slackError('not_authed');
    if (auth !== `Bearer ${this.token}`) return REPLIES.slackError('invalid_auth');
    switch (method) {
      case 'chat.postMessage':
        return { json: SLACK_FIXTURES.postMessageOk };
      case 'chat.update':
        return { json: SLACK_FIXTURES.updateOk };
      case 'chat.postEphemeral':
        // Slack's documented success shape for chat.postEphemeral.
        return { json: { ok: true, message_ts: '1502210682.580145' } };
      case 'users.lookupByEmail': {
        const id = this.usersByEmail.get(String(body.email));
        return id ? { json: { ok: true, user: { id, profile: { email: body.email } } } } : REPLIES.slackError('users_not_found');
      }
      case 'usergroups.users.list': {
        const users = this.userGroups.get(String(body.usergroup));
        return users ? { json: { ok: true, users } } : REPLIES.slackError('no_such_subteam');
      }
      default:
        return { status: 404, json: { ok: false, error: 'unknown_method' } };
    }
  }
}

function parseBody(contentType: string | undefined, raw: string): Record<string, unknown> {
  if (contentType?.startsWith('application/json')) return JSON.parse(raw || '{}') as Record<string, unknown>;
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    body[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return body;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
