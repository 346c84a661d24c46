import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudError, NotImplementedInSandbox } from './errors.js';
import { answerQuery, isQueryRequest, queryServiceOf, type QueryDispatch } from './query-protocol.js';

/** `X-Amz-Target` prefixes of the JSON protocols the handlers' SDK clients speak. */
const TARGETS: Record<string, string> = {
  AmazonEC2ContainerServiceV20141113: 'ecs',
  AmazonEC2ContainerRegistry_V20150921: 'ecr',
  GraniteServiceVersion20100801: 'cloudwatch',
  AWSStepFunctions: 'sfn',
  AmazonSSM: 'ssm',
  CloudTrail_20131101: 'cloudtrail',
};

/**
 * restJson1 operations (EKS): the operation is in the method and the path,
 * the input in the path's labels.
 */
const REST_ROUTES: { method: string; path: RegExp; service: string; operation: string; input: (labels: string[]) => Record<string, unknown> }[] = [
  { method: 'GET', path: /^\/clusters\/([^/]+)$/, service: 'eks', operation: 'DescribeCluster', input: ([name]) => ({ name }) },
];
/** Paths of restJson1 services the sandbox knows but whose other operations it does not implement. */
const REST_SERVICES: { path: RegExp; service: string }[] = [
  { path: /^\/(clusters|addons|cluster-registrations|eks-anywhere-subscriptions)(\/|$)/, service: 'eks' },
];

/** Timestamp members in requests (awsJson sends epoch seconds). */
const INPUT_TIMESTAMPS = new Set(['StartTime', 'EndTime', 'StartDate', 'EndDate']);

/** The name of an injected fault that drops the connection instead of answering. */
export const CONNECTION_RESET = 'ConnectionReset';

export type Dispatch = (service: string, operation: string, input: Record<string, unknown>) => Promise<unknown>;

/** What the sandbox's endpoint answers besides the JSON and REST protocols. */
export interface CloudServerExtras {
  /** X-Amz-Target prefix → a server that answers it (DynamoDB_20120810 → dynalite), so one endpoint serves every service. */
  forward?: Record<string, string>;
  /** awsQuery requests (CloudFormation; STS goes to `dispatch` like the JSON services). */
  query?: QueryDispatch;
  /** GET `path` answers this JSON (what the sandbox tells the CLI). */
  info?: { path: string; answer: () => unknown };
}

/** Passes one request through to `url` as it came, and its answer back. */
function forwardTo(url: string, req: IncomingMessage, res: ServerResponse): void {
  const to = new URL(url);
  const upstream = httpRequest(
    { hostname: to.hostname, port: to.port, path: req.url, method: req.method, headers: { ...req.headers, host: to.host } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => req.socket.destroy());
  req.pipe(upstream);
}

function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, INPUT_TIMESTAMPS.has(k) && typeof v === 'number' ? new Date(v * 1000) : fromWire(v)]));
  }
  return value;
}

// Not `instanceof Date`: the sandbox swaps the global Date for its simulated
// clock, and a date made by structuredClone is a plain Date.
const isDate = (v: unknown): v is Date => Object.prototype.toString.call(v) === '[object Date]';

/** awsJson serialises timestamps as epoch seconds. */
function toWire(value: unknown): unknown {
  if (isDate(value)) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v)]));
  return value;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The simulated cloud on 127.0.0.1 over the real wire protocols (awsJson 1.0
 * and 1.1, selected by X-Amz-Target; restJson1 for EKS, selected by method
 * and path), so any SDK or `aws --endpoint-url` can talk to it while it runs.
 */
export async function startCloudServer(dispatch: Dispatch, port = 0, extras: CloudServerExtras = {}): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const forward = Object.entries(extras.forward ?? {}).find(([prefix]) => target.startsWith(`${prefix}.`));
    if (forward) return void forwardTo(forward[1], req, res);
    if (extras.info && req.method === 'GET' && (req.url ?? '').split('?')[0] === extras.info.path) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify(extras.info.answer()));
    }
    if (isQueryRequest(req) && queryServiceOf(req) === 'sts') {
      return void (await answerQuery(
        'sts',
        await body(req),
        res,
        async (action, params) => (await dispatch('sts', action, Object.fromEntries(params))) as Record<string, unknown>,
      ));
    }
    if (extras.query && isQueryRequest(req)) return void (await answerQuery('cloudformation', await body(req), res, extras.query));
    if (!target) return void (await rest(req, res, dispatch));
    // `Prefix.Operation`; CloudTrail's prefix is namespaced (com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101).
    const operation = target.slice(target.lastIndexOf('.') + 1);
    const prefix = target.slice(0, target.lastIndexOf('.')).split('.').pop();
    const service = prefix ? TARGETS[prefix] : undefined;
    const contentType = String(req.headers['content-type'] ?? 'application/x-amz-json-1.1');
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': contentType, 'x-amzn-requestid': `sandbox-${Date.now()}`, ...headers });
      res.end(JSON.stringify(payload));
    };
    try {
      if (req.method !== 'POST' || !service || !operation) {
        throw new CloudError(
          'UnknownOperationException',
          `the Shipwatch sandbox answers AWS JSON protocol requests only (got ${req.method} ${req.url} target "${target}")`,
        );
      }
      const raw = await body(req);
      const input = fromWire(raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
      reply(200, toWire(await dispatch(service, operation, input)));
    } catch (error) {
      const e = error as CloudError;
      // An injected network fault: the connection drops with no answer at all.
      if (e.name === CONNECTION_RESET) return void req.socket.destroy();
      const status = e.$metadata?.httpStatusCode ?? 500;
      const name = e.name && e.name !== 'Error' ? e.name : 'InternalFailure';
      // Query-compatible services (CloudWatch) also name the error in this header.
      reply(status, { __type: name, message: e.message }, { 'x-amzn-query-error': `${name};${status >= 500 ? 'Receiver' : 'Sender'}` });
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** restJson1: errors carry their name in `x-amzn-errortype` and the HTTP status the service gives them. */
async function rest(req: IncomingMessage, res: ServerResponse, dispatch: Dispatch): Promise<void> {
  const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': `sandbox-${Date.now()}`, ...headers });
    res.end(JSON.stringify(payload));
  };
  const path = (req.url ?? '/').split('?')[0]!;
  try {
    await body(req);
    for (const route of REST_ROUTES) {
      const match = route.path.exec(path);
      if (req.method !== route.method || !match) continue;
      const input = route.input(match.slice(1).map((label) => decodeURIComponent(label)));
      return reply(200, toWire(await dispatch(route.service, route.operation, input)));
    }
    const known = REST_SERVICES.find((s) => s.path.test(path));
    if (known) throw new NotImplementedInSandbox(known.service, `${req.method} ${path}`);
    throw new CloudError(
      'UnknownOperationException',
      `the Shipwatch sandbox answers AWS JSON protocol requests (X-Amz-Target) and EKS REST requests only (got ${req.method} ${path} without X-Amz-Target)`,
      404,
    );
  } catch (error) {
    const e = error as CloudError;
    const status = e.$metadata?.httpStatusCode ?? 500;
    const name = e.name && e.name !== 'Error' ? e.name : 'InternalFailure';
    reply(status, { message: e.message }, { 'x-amzn-errortype': name });
  }
}
