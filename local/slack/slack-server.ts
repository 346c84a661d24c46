import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { approvalIdIn, asksForPromotion } from './click.js';

export interface PostedMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
}

export interface ApprovalAsked {
  approvalId: string;
  channel: string;
  ts: string;
  text: string;
  /** A paused progressive deployment's Promote and Abort, rather than a push's Approve and Reject. */
  promotion: boolean;
}

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
  /** Never answer (until the stand-in closes): for client timeouts. */
  | 'hang';

/** Answers Slack gives when things go wrong, to queue with `replyNext`. */
export const REPLIES = {
  serverError: { status: 500, json: { ok: false, error: 'internal_error' } },
  rateLimited: (retryAfterSeconds: number): Reply => ({
    status: 429,
    headers: { 'retry-after': String(retryAfterSeconds) },
    json: { ok: false, error: 'ratelimited' },
  }),
  slackError: (error: string): Reply => ({ status: 200, json: { ok: false, error } }),
};

export interface SlackStandInOptions {
  /** The bot token it accepts, as Slack checks it: none is `not_authed`, another is `invalid_auth`. */
  token: string;
  /** User-group id → member ids, for usergroups.users.list. */
  userGroups?: Record<string, string[]>;
  /** Channels the bot is in (id → name), for conversations.info; others answer channel_not_found. */
  channels?: Record<string, string>;
  port?: number;
  /** Called the first time a message carries the buttons of an approval. */
  onApproval?: (asked: ApprovalAsked) => void;
  onEphemeral?: (user: string, text: string) => void;
  /**
   * A fixed answer per method, in place of the stand-in's own (once the token
   * is checked): for tests that hold a client to Slack's published responses.
   */
  replies?: Record<string, Reply>;
}

/**
 * A local stand-in for the Slack Web API (`SLACK_API_URL`): chat.postMessage,
 * chat.update, chat.postEphemeral, usergroups.users.list, users.lookupByEmail,
 * and auth.test and conversations.info (for `shipwatch validate --aws`),
 * checking the bot token as Slack does. It keeps each message's latest
 * version, tells the sandbox when one starts asking for approval, and records
 * every call with its body decoded. Tests queue answers per method to play
 * errors, 429 with Retry-After, 5xx or a request that never answers.
 */
export class SlackStandIn {
  readonly calls: RecordedCall[] = [];
  /** Each message's latest version, by `channel/ts`. */
  readonly messages = new Map<string, PostedMessage>();
  readonly userGroups: Map<string, string[]>;
  /** Email → user id, answered by users.lookupByEmail. */
  readonly usersByEmail = new Map<string, string>();
  readonly #asked = new Set<string>();
  readonly #queued = new Map<string, Reply[]>();
  readonly #hanging = new Set<ServerResponse>();
  #counter = 0;

  private constructor(
    private readonly server: Server,
    private readonly options: SlackStandInOptions,
    /** Base URL for `SLACK_API_URL`, ending in `/api/`. */
    readonly url: string,
  ) {
    this.userGroups = new Map(Object.entries(options.userGroups ?? {}));
  }

  /** The bot token it accepts. */
  get token(): string {
    return this.options.token;
  }

  static async start(options: SlackStandInOptions): Promise<SlackStandIn> {
    let instance: SlackStandIn | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => instance!.handle(req.url ?? '', req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    instance = new SlackStandIn(server, options, `http://127.0.0.1:${port}/api/`);
    return instance;
  }

  /** Answer the next calls to `method` with these replies, in order, before any check; then as before. */
  replyNext(method: string, ...replies: Reply[]): void {
    this.#queued.set(method, [...(this.#queued.get(method) ?? []), ...replies]);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Forget the calls, the queued replies, the user groups and the messages. */
  reset(): void {
    this.calls.length = 0;
    this.#queued.clear();
    this.userGroups.clear();
    this.messages.clear();
    this.#asked.clear();
  }

  async close(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.#hanging.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(url: string, headers: IncomingHttpHeaders, raw: string, res: ServerResponse): void {
    const method = url.replace(/^\/api\//, '').replace(/\?.*$/, '');
    const body = parseBody(headers['content-type'], raw);
    this.calls.push({ method, headers, raw, body });

    const reply = this.#queued.get(method)?.shift() ?? this.answer(method, headers, body);
    if (reply === 'hang') {
      this.#hanging.add(res);
      return;
    }
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
    res.end(JSON.stringify(reply.json ?? { ok: true }));
  }

  private answer(method: string, headers: IncomingHttpHeaders, body: Record<string, unknown>): Reply {
    if (!headers.authorization) return REPLIES.slackError('not_authed');
    if (headers.authorization !== `Bearer ${this.options.token}`) return REPLIES.slackError('invalid_auth');
    const fixed = this.options.replies?.[method];
    if (fixed) return fixed;
    const ok = (json: Record<string, unknown>): Reply => ({ json: { ok: true, ...json } });
    switch (method) {
      case 'chat.postMessage': {
        this.#counter += 1;
        const ts = `${Math.floor(Date.now() / 1000)}.${String(this.#counter).padStart(6, '0')}`;
        this.store(String(body.channel), ts, body);
        return ok({ channel: body.channel, ts });
      }
      case 'chat.update':
        if (!this.messages.has(`${body.channel}/${body.ts}`)) return REPLIES.slackError('message_not_found');
        this.store(String(body.channel), String(body.ts), body);
        return ok({ channel: body.channel, ts: body.ts });
      case 'chat.postEphemeral':
        this.options.onEphemeral?.(String(body.user), String(body.text));
        return ok({ message_ts: `${Math.floor(Date.now() / 1000)}.000000` });
      case 'auth.test':
        return ok({
          url: 'https://sandbox.slack.example/',
          team: 'Shipwatch sandbox',
          user: 'shipwatch',
          team_id: 'T0SANDBOX',
          user_id: 'U0SHIPWATCH',
          bot_id: 'B0SHIPWATCH',
          is_enterprise_install: false,
        });
      case 'conversations.info': {
        const name = this.options.channels?.[String(body.channel)];
        return name
          ? ok({ channel: { id: body.channel, name, is_channel: true, is_private: false, is_archived: false, is_member: true } })
          : REPLIES.slackError('channel_not_found');
      }
      case 'usergroups.users.list': {
        const users = this.userGroups.get(String(body.usergroup));
        return users ? ok({ users }) : REPLIES.slackError('no_such_subteam');
      }
      case 'users.lookupByEmail': {
        const id = this.usersByEmail.get(String(body.email));
        return id ? ok({ user: { id, profile: { email: body.email } } }) : REPLIES.slackError('users_not_found');
      }
      default:
        return { status: 404, json: { ok: false, error: 'unknown_method' } };
    }
  }

  /** Keeps the message's latest version; the first one with an approval's buttons is announced. */
  private store(channel: string, ts: string, body: Record<string, unknown>): void {
    const blocks = Array.isArray(body.blocks) ? (body.blocks as unknown[]) : [];
    const message = { channel, ts, text: String(body.text ?? ''), blocks };
    this.messages.set(`${channel}/${ts}`, message);
    const approvalId = approvalIdIn(blocks);
    if (approvalId && !this.#asked.has(approvalId)) {
      this.#asked.add(approvalId);
      this.options.onApproval?.({ approvalId, channel, ts, text: message.text, promotion: asksForPromotion(blocks) });
    }
  }
}

/** Starts the stand-in (the sandbox's and the CLI tests' entry point). */
export function startSlackStandIn(options: SlackStandInOptions): Promise<SlackStandIn> {
  return SlackStandIn.start(options);
}

/** A form body (JSON-valued fields parsed, as Slack's clients send `blocks`) or a JSON one. */
function parseBody(contentType: string | undefined, raw: string): Record<string, unknown> {
  if (contentType?.startsWith('application/json')) return JSON.parse(raw || '{}') as Record<string, unknown>;
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) body[key] = /^[[{]/.test(value) ? jsonOrText(value) : value;
  return body;
}

function jsonOrText(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
