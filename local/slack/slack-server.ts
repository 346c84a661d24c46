import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { approvalIdIn } from './click.js';

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
}

/**
 * A local stand-in for the Slack Web API (`SLACK_API_URL`): chat.postMessage,
 * chat.update, chat.postEphemeral, usergroups.users.list, and auth.test and
 * conversations.info (for `shipwatch validate --aws`), checking the bot
 * token as Slack does. It keeps each message's latest version and tells the
 * sandbox when one starts asking for approval.
 */
export async function startSlackStandIn(options: {
  token: string;
  userGroups: Record<string, string[]>;
  onApproval: (asked: ApprovalAsked) => void;
  onEphemeral?: (user: string, text: string) => void;
  port?: number;
  /** Channels the bot is in (id → name), for conversations.info; others answer channel_not_found. */
  channels?: Record<string, string>;
}): Promise<{ url: string; messages: Map<string, PostedMessage>; calls: string[]; close: () => Promise<void> }> {
  const messages = new Map<string, PostedMessage>();
  const calls: string[] = [];
  const asked = new Set<string>();
  let counter = 0;

  const read = async (req: IncomingMessage): Promise<Record<string, string>> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    if (String(req.headers['content-type']).includes('json')) return JSON.parse(raw || '{}') as Record<string, string>;
    return Object.fromEntries(new URLSearchParams(raw));
  };

  const server = createServer(async (req, res) => {
    const method = (req.url ?? '').replace(/^\/api\//, '').replace(/\?.*$/, '');
    const body = await read(req);
    calls.push(method);
    const reply = (json: unknown, status = 200) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(json));
    };
    if (req.headers.authorization !== `Bearer ${options.token}`) return reply({ ok: false, error: 'invalid_auth' });
    const blocksOf = (b: unknown) => (typeof b === 'string' ? (JSON.parse(b) as unknown[]) : ((b as unknown[]) ?? []));
    const store = (channel: string, ts: string) => {
      const message = { channel, ts, text: String(body.text ?? ''), blocks: blocksOf(body.blocks) };
      messages.set(`${channel}/${ts}`, message);
      const approvalId = approvalIdIn(message.blocks);
      if (approvalId && !asked.has(approvalId)) {
        asked.add(approvalId);
        options.onApproval({ approvalId, channel, ts, text: message.text });
      }
    };
    switch (method) {
      case 'chat.postMessage': {
        counter += 1;
        const ts = `${Math.floor(Date.now() / 1000)}.${String(counter).padStart(6, '0')}`;
        store(String(body.channel), ts);
        return reply({ ok: true, channel: body.channel, ts });
      }
      case 'chat.update':
        if (!messages.has(`${body.channel}/${body.ts}`)) return reply({ ok: false, error: 'message_not_found' });
        store(String(body.channel), String(body.ts));
        return reply({ ok: true, channel: body.channel, ts: body.ts });
      case 'chat.postEphemeral':
        options.onEphemeral?.(String(body.user), String(body.text));
        return reply({ ok: true, message_ts: `${Math.floor(Date.now() / 1000)}.000000` });
      case 'auth.test':
        return reply({ ok: true, url: 'https://sandbox.slack.example/', team: 'Shipwatch sandbox', user: 'shipwatch', team_id: 'T0SANDBOX', user_id: 'U0SHIPWATCH', bot_id: 'B0SHIPWATCH', is_enterprise_install: false });
      case 'conversations.info': {
        const name = options.channels?.[String(body.channel)];
        return name ? reply({ ok: true, channel: { id: body.channel, name, is_channel: true, is_private: false, is_archived: false, is_member: true } }) : reply({ ok: false, error: 'channel_not_found' });
      }
      case 'usergroups.users.list': {
        const users = options.userGroups[String(body.usergroup)];
        return users ? reply({ ok: true, users }) : reply({ ok: false, error: 'no_such_subteam' });
      }
      default:
        return reply({ ok: false, error: 'unknown_method' }, 404);
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    messages,
    calls,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
