import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { kubeStatus, type KubeAnswer, type KubeRequest } from './kubernetes.js';

// The simulated clusters' Kubernetes API over HTTPS on 127.0.0.1, with the
// sandbox-only certificate in ./tls (see its README): the EKS target verifies
// it against the CA that DescribeCluster returns, as it does in AWS.

const pem = (name: string) => readFileSync(new URL(`./tls/${name}`, import.meta.url), 'utf8');

/** The CA that signed the simulated API servers' certificate: DescribeCluster's `certificateAuthority`. */
export const SANDBOX_KUBE_CA_PEM = pem('ca.pem');

export interface KubeServer {
  /** `https://127.0.0.1:<port>`, as DescribeCluster's `endpoint`. */
  url: string;
  close(): Promise<void>;
}

/** How often a watch looks for changes (real time; the sandbox's clock moves meanwhile). */
const WATCH_POLL_MS = 200;

/** A watch, as the API server streams it: chunked, one JSON event per line, until its timeout or the client goes. */
function stream(res: ServerResponse, watch: NonNullable<KubeAnswer['watch']>): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  const send = () => {
    for (const event of watch.events()) res.write(`${JSON.stringify(event)}\n`);
  };
  send();
  const timer = setInterval(send, WATCH_POLL_MS);
  const end = setTimeout(() => res.end(), watch.timeoutMs);
  res.on('close', () => {
    clearInterval(timer);
    clearTimeout(end);
  });
}

/** Serves `handle` (a KubernetesModel's, usually) on 127.0.0.1; `port` 0 picks a free one. */
export async function startKubeServer(handle: (request: KubeRequest) => KubeAnswer, port = 0): Promise<KubeServer> {
  const server = createServer({ key: pem('server-key.pem'), cert: pem('server.pem') }, (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let answer: KubeAnswer;
      try {
        answer = handle({ method: req.method ?? 'GET', path: req.url ?? '/', headers: { ...req.headers }, body: Buffer.concat(chunks).toString('utf8') });
      } catch (error) {
        answer = kubeStatus(500, `the Shipwatch simulated cloud failed: ${(error as Error).message}`);
      }
      if (answer.watch) return void stream(res, answer.watch);
      const text = JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        'Content-Type': answer.contentType ?? 'application/json',
        'Content-Length': Buffer.byteLength(text),
        'Cache-Control': 'no-cache, private',
      });
      res.end(text);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
