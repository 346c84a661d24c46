import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudError } from './cloud/errors.js';
import { CONNECTION_RESET } from './cloud/http.js';
import { noise } from './cloud/random.js';

/** What AWS does to a call on a bad day: throttle it, fail it, time it out, drop the connection. */
const KINDS = [
  () => new CloudError('ThrottlingException', 'Rate exceeded', 400),
  () => new CloudError('ServiceUnavailable', 'Service Unavailable', 503),
  () => new CloudError('InternalFailure', 'We encountered an internal error. Please try again.', 500),
  () => new CloudError('RequestTimeout', 'Request timed out', 408),
  () => new CloudError(CONNECTION_RESET, 'connection reset', 0),
] as const;

export interface FaultPlan {
  /** Share of calls that fail, 0..1. */
  rate: number;
  seed: number;
}

/**
 * Deterministic fault injection: whether the n-th call to an operation fails,
 * and how, depends only on the seed. `injected` counts what was done.
 */
export function faultInjector(plan: FaultPlan) {
  const counters = new Map<string, number>();
  const injected = new Map<string, number>();
  const decide = (site: string): Error | undefined => {
    const n = (counters.get(site) ?? 0) + 1;
    counters.set(site, n);
    const roll = (noise(plan.seed, site, n) + 1) / 2;
    if (roll >= plan.rate) return undefined;
    const fault = KINDS[Math.floor(((noise(plan.seed, `${site}:kind`, n) + 1) / 2) * KINDS.length) % KINDS.length]!();
    injected.set(fault.name, (injected.get(fault.name) ?? 0) + 1);
    return fault;
  };
  return { decide, injected };
}

/**
 * A proxy in front of dynalite that fails a share of DynamoDB calls the way
 * DynamoDB does (throttling, 500s, dropped connections) before they reach it:
 * dynalite itself never fails.
 */
export async function faultyProxy(target: string, decide: (site: string) => Error | undefined, port = 0): Promise<{ url: string; close: () => Promise<void> }> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const op =
      String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? '';
    const fault = decide(`dynamodb:${op}`);
    if (fault) {
      if (fault.name === CONNECTION_RESET) return void req.socket.destroy();
      const status = (fault as CloudError).$metadata.httpStatusCode;
      const type = fault.name === 'ThrottlingException' ? 'ProvisionedThroughputExceededException' : fault.name;
      req.resume();
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      return void res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: fault.message }));
    }
    const forward = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 500, answer.headers);
      answer.pipe(res);
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
