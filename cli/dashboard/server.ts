// Long on purpose: every route and the checks each one makes before it answers, side by side.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseSpan } from '../options.js';
import type { DecisionKind } from '../decide/decide.js';
import { rollBack, decide, type ActionDeps, type ActionResult } from './actions.js';
import type { HistoryFilters } from './data.js';
import { html, type Html } from './html.js';
import { layout, messagePage, type Frame } from './render/layout.js';
import { deploymentLive, serviceFilters, serviceLive, servicesLive } from './render/pages.js';
import { cookieToken, hostAllowed, originAllowed, SECURITY_HEADERS, sessionCookie, tokenMatches } from './security.js';

// The dashboard's HTTP server: pages rendered here, one small script for
// live updates (server-sent events) and confirmations, one stylesheet.
// Listens on 127.0.0.1 only; security.ts says what each request must prove.

export interface ServerOptions extends ActionDeps {
  token: string;
  /** The label of where the records are: `stack shipwatch-prod`, `the sandbox at …`. */
  source: string;
  port?: number;
  /** How often an open page is rendered again for its live updates (real milliseconds). */
  tickMs?: number;
  /** Called once, when a person first opens a page with the session. */
  onViewer?: () => void;
  /** Called when a page or action fails unexpectedly (logged by the command). */
  onError?: (error: Error) => void;
}

export interface DashboardServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const STATIC: Record<string, { file: string; type: string }> = {
  '/static/dashboard.js': { file: 'dashboard.js', type: 'text/javascript; charset=utf-8' },
  '/static/dashboard.css': { file: 'dashboard.css', type: 'text/css; charset=utf-8' },
};
const staticFile = (name: string) => readFileSync(new URL(`./static/${name}`, import.meta.url));

/** A page: its heading, what stays put (filters), and the live part /events sends again. */
interface LivePage {
  title: string;
  heading: Html | string;
  before?: Html;
  live(): Promise<Html>;
}

const MAX_BODY = 16 * 1024;

/** The decisions a POST may ask for: approve or reject a push, promote or abort a paused progressive deployment. */
const DECISIONS = new Map<string | undefined, { decision: 'approved' | 'rejected'; kind: DecisionKind }>([
  ['approve', { decision: 'approved', kind: 'approval' }],
  ['reject', { decision: 'rejected', kind: 'approval' }],
  ['promote', { decision: 'approved', kind: 'promotion' }],
  ['abort', { decision: 'rejected', kind: 'promotion' }],
]);

/** The question of the confirmation page (without JavaScript), saying what follows. */
function confirmDecision(action: string | undefined, service: string, recordId: string): string {
  switch (action) {
    case 'promote':
      return `Promote ${service} record ${recordId}? The rest of the traffic shifts to the new release.`;
    case 'abort':
      return `Abort ${service} record ${recordId}? All traffic goes back to the previous revision.`;
    case 'approve':
      return `Approve ${service} record ${recordId}?`;
    case 'reject':
      return `Reject ${service} record ${recordId}?`;
    default:
      return `${action} ${service} record ${recordId}?`;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startServer(options: ServerOptions): Promise<DashboardServer> {
  const { data, token } = options;
  const tickMs = options.tickMs ?? 1000;
  const files = Object.fromEntries(Object.entries(STATIC).map(([path, s]) => [path, { body: staticFile(s.file), type: s.type }]));
  let port = 0;
  let viewed = false;
  const frame: Frame = { source: options.source, identity: options.identity.arn, token };
  const sse = new Set<ServerResponse>();

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}) => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, ...headers });
    res.end(body);
  };
  const page = (res: ServerResponse, status: number, body: Html) => send(res, status, 'text/html; charset=utf-8', body.text);
  const refuse = (res: ServerResponse, status: number, title: string, why: string) => page(res, status, messagePage(undefined, title, html`<p>${why}</p>`));

  /** The page at a path (with its query), or undefined for none. */
  function livePage(url: URL): LivePage | undefined {
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts.length === 0) {
      return { title: 'Services', heading: 'Services', live: async () => servicesLive(await data.overview()) };
    }
    if (parts[0] === 'services' && parts.length === 2) {
      const name = parts[1]!;
      if (!data.serviceConfig(name)) return undefined;
      let since = { text: '30d', ms: 30 * 86_400_000 };
      try {
        since = parseSpan(url.searchParams.get('since') || '30d');
      } catch {
        // a bad span in the URL: the default window
      }
      const filters: HistoryFilters = {
        since,
        ...(url.searchParams.get('outcome') ? { outcome: url.searchParams.get('outcome')! } : {}),
        ...(url.searchParams.get('tag') ? { tag: url.searchParams.get('tag')! } : {}),
      };
      return {
        title: name,
        heading: html`<a href="/">Services</a> / ${name}`,
        before: serviceFilters(name, filters),
        live: async () => {
          const s = await data.service(name, filters);
          return s ? serviceLive(frame, s, filters) : html`<p>No service ${name}.</p>`;
        },
      };
    }
    if (parts[0] === 'services' && parts[2] === 'deployments' && parts.length === 4) {
      const [, name, , recordId] = parts as [string, string, string, string];
      if (!data.serviceConfig(name)) return undefined;
      return {
        title: `${name} ${recordId}`,
        heading: html`<a href="/">Services</a> / <a href="/services/${encodeURIComponent(name)}">${name}</a> / ${recordId}`,
        live: async () => {
          const d = await data.deployment(name, recordId);
          return d ? deploymentLive(frame, d) : html`<p>No record ${recordId} for ${name}.</p>`;
        },
      };
    }
    return undefined;
  }

  const problem = (error: unknown) => {
    const e = error instanceof Error ? error : new Error(String(error));
    options.onError?.(e);
    return html`<p class="error" role="alert">Could not read it: ${e.name}: ${e.message}</p>`;
  };

  async function events(req: IncomingMessage, res: ServerResponse, url: URL) {
    const target = new URL(url.searchParams.get('page') ?? '/', `http://${req.headers.host}`);
    const live = livePage(target);
    if (!live) return refuse(res, 404, 'Not found', 'No such page.');
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    sse.add(res);
    let last = '';
    let open = true;
    let beat = performance.now();
    req.on('close', () => {
      open = false;
      sse.delete(res);
    });
    while (open) {
      const fragment = (await live.live().catch(problem)).text;
      if (!open) break;
      if (fragment !== last) {
        last = fragment;
        res.write(`event: live\ndata: ${fragment.replace(/\r?\n/g, '\ndata: ')}\n\n`);
        beat = performance.now();
      } else if (performance.now() - beat > 15_000) {
        res.write(': still here\n\n');
        beat = performance.now();
      }
      await new Promise((r) => setTimeout(r, tickMs));
    }
  }

  async function act(req: IncomingMessage, res: ServerResponse, url: URL) {
    const wantsJson = String(req.headers.accept ?? '').includes('application/json');
    // Back to the page the action came from (the referrer is sent to this origin only), or home.
    const referer = String(req.headers.referer ?? '');
    let back = referer.startsWith(`http://${req.headers.host}/`) && !new URL(referer).pathname.startsWith('/actions/') ? new URL(referer).pathname : '/';
    const reply = (r: ActionResult) => {
      if (wantsJson) return send(res, r.httpStatus, 'application/json; charset=utf-8', JSON.stringify({ status: r.status, message: r.message }));
      return page(
        res,
        r.httpStatus,
        messagePage(
          frame,
          r.status === 'done' ? 'Done' : r.status === 'gone' ? 'No longer possible' : r.status === 'refused' ? 'Refused' : 'Failed',
          html`<p class="result result-${r.status}">${r.message}</p><p><a href="${back}">Back</a></p>`,
        ),
      );
    };
    // Only the dashboard's own page may act: its Origin, and the token in the request itself.
    if (!originAllowed(req.headers.origin, port)) {
      return reply({
        status: 'refused',
        message: `Refused: this action came from ${req.headers.origin ? `another origin (${req.headers.origin})` : 'no origin'}; only the dashboard's own page (http://127.0.0.1:${port}) may act.`,
        httpStatus: 403,
      });
    }
    let form: URLSearchParams;
    try {
      const body = await readBody(req);
      form = String(req.headers['content-type'] ?? '').includes('application/json')
        ? new URLSearchParams(JSON.parse(body) as Record<string, string>)
        : new URLSearchParams(body);
    } catch {
      return reply({ status: 'refused', message: 'Refused: the request body could not be read.', httpStatus: 400 });
    }
    // A page of ours to go back to, carried through the confirmation page.
    const carried = form.get('back');
    if (carried && /^\/(services\/[^?#]*)?$/.test(carried)) back = carried;
    if (!tokenMatches(form.get('token') ?? (req.headers['x-shipwatch-token'] as string | undefined), token)) {
      return reply({ status: 'refused', message: 'Refused: the action did not carry the session token.', httpStatus: 403 });
    }
    const action = url.pathname.split('/')[2];
    const service = form.get('service') ?? '';
    if (!data.serviceConfig(service))
      return reply({ status: 'refused', message: `Refused: no service "${service}" in ${data.reach.configFile}.`, httpStatus: 404 });
    if (action !== 'rollback' && !DECISIONS.has(action)) return reply({ status: 'refused', message: `Refused: no action "${action}".`, httpStatus: 404 });
    // Without JavaScript, the confirmation is a page of its own.
    if (form.get('confirmed') !== '1' && !wantsJson) {
      form.set('confirmed', '1');
      form.set('back', back);
      const what =
        action === 'rollback'
          ? `Roll ${service} back${form.get('to') ? ` to record ${form.get('to')}` : ' to the release before the one that runs now'}${form.get('force') ? ' (forced)' : ''}?`
          : confirmDecision(action, service, form.get('recordId') ?? '');
      return page(
        res,
        200,
        messagePage(
          frame,
          'Confirm',
          html`<p>${what}</p><form method="post" action="${url.pathname}">${[...form].map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}<button type="submit" class="primary">Confirm</button> <a href="${back}">Cancel</a></form>`,
        ),
      );
    }
    try {
      const decision = DECISIONS.get(action);
      if (decision)
        return reply(await decide(options, { service, recordId: form.get('recordId') ?? '', approvalId: form.get('approvalId') ?? '', ...decision }));
      if (action === 'rollback')
        return reply(await rollBack(options, { service, ...(form.get('to') ? { to: form.get('to')! } : {}), force: form.get('force') === '1' }));
      return reply({ status: 'refused', message: `Refused: no action "${action}".`, httpStatus: 404 });
    } catch (error) {
      options.onError?.(error as Error);
      return reply({ status: 'error', message: `Failed: ${(error as Error).name}: ${(error as Error).message}`, httpStatus: 500 });
    }
  }

  const server = createServer(async (req, res) => {
    try {
      // DNS rebinding: a request addressed to any other host is not ours.
      if (!hostAllowed(req.headers.host, port)) return refuse(res, 403, 'Refused', `This dashboard answers only at http://127.0.0.1:${port}.`);
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      const file = files[url.pathname];
      if (file && req.method === 'GET') return send(res, 200, file.type, file.body);
      // The printed URL carries the token once: it becomes the session cookie, and leaves the address bar.
      const presented = url.searchParams.get('token');
      if (presented !== null && req.method === 'GET') {
        if (!tokenMatches(presented, token))
          return refuse(res, 401, 'Not signed in', "That token is not this dashboard's. Open the URL `shipwatch dashboard` printed.");
        url.searchParams.delete('token');
        return send(res, 303, 'text/plain; charset=utf-8', '', { location: `${url.pathname}${url.search}`, 'set-cookie': sessionCookie(port, token) });
      }
      if (!tokenMatches(cookieToken(req.headers.cookie, port), token)) {
        return refuse(res, 401, 'Not signed in', 'Open the URL `shipwatch dashboard` printed: it carries the session token.');
      }
      if (req.method === 'POST' && url.pathname.startsWith('/actions/')) return await act(req, res, url);
      if (req.method !== 'GET') return refuse(res, 405, 'Not allowed', `${req.method} is not allowed here.`);
      if (url.pathname === '/events') return await events(req, res, url);
      const live = livePage(url);
      if (!live) return refuse(res, 404, 'Not found', 'No such page.');
      const body = await live.live().catch(problem);
      if (!viewed) {
        viewed = true;
        options.onViewer?.();
      }
      return page(
        res,
        200,
        layout(frame, {
          title: live.title,
          path: `${url.pathname}${url.search}`,
          heading: live.heading,
          ...(live.before ? { before: live.before } : {}),
          live: body,
        }),
      );
    } catch (error) {
      options.onError?.(error as Error);
      if (!res.headersSent) refuse(res, 500, 'Failed', `${(error as Error).name}: ${(error as Error).message}`);
      else res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        for (const res of sse) res.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
