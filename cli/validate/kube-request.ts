import { Agent, request } from 'node:https';

/** How long one Kubernetes API call of `validate` may take: it is a look, not a deploy. */
export const KUBE_CHECK_TIMEOUT_MS = 10_000;

export interface KubeConnection {
  endpoint: string;
  caPem: string;
  token: string;
}

/**
 * One request to a cluster's API server, TLS verified against its CA only, as
 * the Lambda functions do (shared/targets/eks/kube-api.ts has their two calls;
 * validate needs others: /version and the access reviews).
 */
export async function kubeRequest(
  connection: KubeConnection,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const url = new URL(path, connection.endpoint);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname: url.hostname,
        port: url.port || 443,
        path: url.pathname + url.search,
        method,
        agent: new Agent({ ca: connection.caPem, keepAlive: false }),
        headers: {
          Authorization: `Bearer ${connection.token}`,
          Accept: 'application/json',
          'User-Agent': 'shipwatch-validate',
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) } : {}),
        },
        timeout: KUBE_CHECK_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            json = { message: text.slice(0, 200) };
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${KUBE_CHECK_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
