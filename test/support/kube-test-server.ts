import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { KubeDeployment } from '../../shared/targets/eks/types.js';

// A Kubernetes API server for one resource type, on 127.0.0.1 over real TLS
// (test/fixtures/kube-tls, test-only keys): it serves apps/v1 Deployments,
// records every request as it arrived, applies strategic merge patches of
// container images the way the API server does (containers merge by name;
// metadata.generation moves on a spec change, resourceVersion on any write;
// a stale resourceVersion in the patch is a 409), and answers the errors the
// real one answers, in its Status shape, when told to. It refuses any patch
// field Shipwatch has no business sending, so a test notices.

const tls = (name: string) => readFileSync(new URL(`../fixtures/kube-tls/${name}`, import.meta.url), 'utf8');
export const KUBE_TEST_CA_PEM = tls('ca.pem');
/** Same subject name as the test CA, another key: the server's certificate does not verify against it. */
export const KUBE_OTHER_CA_PEM = tls('other-ca.pem');

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What to answer instead of the real thing; `on` limits it to requests of that method. */
export type KubeFault = { on?: 'GET' | 'PATCH' } & (
  | { status: number; reason?: string; message?: string }
  /** Never answer (a timeout on the client's side). */
  | { hang: true }
  /** Drop the connection before answering (ECONNRESET). */
  | { reset: true }
  /** Do the work, then drop the connection: the client never learns that its patch went through. */
  | { applyThenReset: true }
);

export interface KubeTestServer {
  /** `https://127.0.0.1:<port>`, as DescribeCluster's `endpoint`. */
  url: string;
  caPem: string;
  /** The CA as DescribeCluster's `certificateAuthority.data` carries it. */
  caBase64: string;
  /** Every request, faulted ones included, in order. */
  requests: RecordedRequest[];
  /** Stores (or replaces) a Deployment; a deep copy is kept. */
  put(deployment: KubeDeployment): void;
  /** A deep copy of a stored Deployment. */
  get(namespace: string, name: string): KubeDeployment | undefined;
  /** Changes a stored Deployment in place: the deployment controller's (or a person's) doing. Bumps resourceVersion. */
  update(namespace: string, name: string, change: (deployment: KubeDeployment) => void): void;
  /** The next `times` requests (of `fault.on`, if given) get this fault. */
  fail(fault: KubeFault, times?: number): void;
  close(): Promise<void>;
}

const PATH = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/?]+)$/;
const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

const copy = <T>(value: T): T => structuredClone(value);

export async function startKubeTestServer(deployments: KubeDeployment[] = []): Promise<KubeTestServer> {
  const store = new Map<string, KubeDeployment>();
  const requests: RecordedRequest[] = [];
  const faults: KubeFault[] = [];
  const key = (namespace: string, name: string) => `${namespace}/${name}`;
  let lastResourceVersion = 0;
  const nextResourceVersion = () => String(++lastResourceVersion);
  const put = (deployment: KubeDeployment) => {
    lastResourceVersion = Math.max(lastResourceVersion, Number(deployment.metadata.resourceVersion ?? 0) || 0);
    store.set(key(deployment.metadata.namespace ?? 'default', deployment.metadata.name), copy(deployment));
  };
  deployments.forEach(put);

  function statusBody(code: number, message: string, details?: { name: string }) {
    const reason = REASONS[code] ?? 'Unknown';
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      ...(details ? { details: { ...details, group: 'apps', kind: 'deployments' } } : {}),
      code,
    };
  }

  function send(res: ServerResponse, code: number, body: unknown) {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  /** The message the API server gives for each status, as it phrases it. */
  function faultMessage(code: number, verb: string, namespace: string, name: string): string {
    switch (code) {
      case 401:
        return 'Unauthorized';
      case 403:
        return `deployments.apps "${name}" is forbidden: User "arn:aws:sts::123456789012:assumed-role/shipwatch-prod-deployRelease/shipwatch-prod-deployRelease" cannot ${verb} resource "deployments" in API group "apps" in the namespace "${namespace}"`;
      case 404:
        return `deployments.apps "${name}" not found`;
      case 409:
        return `Operation cannot be fulfilled on deployments.apps "${name}": the object has been modified; please apply your changes to the latest version and try again`;
      case 429:
        return 'Too many requests, please try again later.';
      default:
        return code >= 500 ? 'Internal error occurred: etcdserver: request timed out' : `test server fault ${code}`;
    }
  }

  /** Applies a strategic merge patch limited to what Shipwatch may change; returns an error status, or undefined. */
  function applyPatch(stored: KubeDeployment, patch: any): { code: number; message: string } | undefined {
    const allowed = (object: unknown, keys: string[], at: string) => {
      if (object === null || typeof object !== 'object' || Array.isArray(object)) return `${at} is not an object`;
      const extra = Object.keys(object).filter((k) => !keys.includes(k));
      return extra.length > 0 ? `kube test server: unsupported patch field ${at}.${extra[0]}` : undefined;
    };
    const problem =
      allowed(patch, ['metadata', 'spec'], '(patch)') ??
      (patch.metadata === undefined ? undefined : allowed(patch.metadata, ['resourceVersion', 'annotations'], 'metadata')) ??
      (patch.spec === undefined ? undefined : allowed(patch.spec, ['template'], 'spec')) ??
      (patch.spec?.template === undefined ? undefined : allowed(patch.spec.template, ['spec'], 'spec.template')) ??
      (patch.spec?.template?.spec === undefined ? undefined : allowed(patch.spec.template.spec, ['containers'], 'spec.template.spec'));
    if (problem) return { code: 422, message: problem };
    const containers: unknown = patch.spec?.template?.spec?.containers;
    if (containers !== undefined && !Array.isArray(containers)) return { code: 400, message: 'spec.template.spec.containers is not a list' };
    for (const [i, c] of ((containers as any[]) ?? []).entries()) {
      const bad = allowed(c, ['name', 'image'], `spec.template.spec.containers[${i}]`);
      if (bad) return { code: 422, message: bad };
      if (typeof c.name !== 'string') return { code: 422, message: `spec.template.spec.containers[${i}].name: Required value` };
    }

    if (patch.metadata?.resourceVersion !== undefined && patch.metadata.resourceVersion !== stored.metadata.resourceVersion) {
      return { code: 409, message: faultMessage(409, 'patch', stored.metadata.namespace ?? '', stored.metadata.name) };
    }
    let specChanged = false;
    let changed = false;
    for (const c of (containers as Array<{ name: string; image?: string }>) ?? []) {
      const target = stored.spec.template.spec.containers.find((s) => s.name === c.name);
      if (!target) {
        stored.spec.template.spec.containers.push({ ...c });
        specChanged = true;
      } else if (c.image !== undefined && target.image !== c.image) {
        target.image = c.image;
        specChanged = true;
      }
    }
    for (const [name, value] of Object.entries((patch.metadata?.annotations ?? {}) as Record<string, string | null>)) {
      const annotations = (stored.metadata.annotations ??= {});
      if (value === null ? name in annotations : annotations[name] !== value) changed = true;
      if (value === null) delete annotations[name];
      else annotations[name] = value;
    }
    if (specChanged) stored.metadata.generation = (stored.metadata.generation ?? 0) + 1;
    if (specChanged || changed) stored.metadata.resourceVersion = nextResourceVersion();
    return undefined;
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: string) {
    const path = req.url ?? '';
    requests.push({ method: req.method ?? '', path, headers: { ...req.headers }, body });
    const match = PATH.exec(path);
    const [namespace, name] = match ? [decodeURIComponent(match[1]!), decodeURIComponent(match[2]!)] : ['', ''];
    const verb = req.method === 'PATCH' ? 'patch' : 'get';

    const index = faults.findIndex((f) => f.on === undefined || f.on === req.method);
    const fault = index >= 0 ? faults.splice(index, 1)[0] : undefined;
    if (fault && 'hang' in fault) return; // the socket stays open until close()
    if (fault && 'reset' in fault) return void req.socket.destroy();
    if (fault && 'status' in fault) {
      const body = statusBody(
        fault.status,
        fault.message ?? faultMessage(fault.status, verb, namespace, name),
        fault.status === 404 || fault.status === 403 || fault.status === 409 ? { name } : undefined,
      );
      if (fault.reason) body.reason = fault.reason;
      return send(res, fault.status, body);
    }

    if (!String(req.headers.authorization ?? '').startsWith('Bearer k8s-aws-v1.')) return send(res, 401, statusBody(401, 'Unauthorized'));
    if (!match) return send(res, 404, statusBody(404, 'the server could not find the requested resource'));
    const stored = store.get(key(namespace, name));
    if (!stored) return send(res, 404, statusBody(404, faultMessage(404, verb, namespace, name), { name }));

    if (req.method === 'GET') return send(res, 200, stored);
    if (req.method !== 'PATCH') return send(res, 405, statusBody(405, `the server does not allow this method on the requested resource`));
    if (req.headers['content-type'] !== 'application/strategic-merge-patch+json') {
      return send(
        res,
        415,
        statusBody(
          415,
          `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
        ),
      );
    }
    let patch: unknown;
    try {
      patch = JSON.parse(body);
    } catch {
      return send(res, 400, statusBody(400, 'error decoding patch: invalid JSON'));
    }
    // Work on a copy: a refused patch changes nothing.
    const next = copy(stored);
    const refused = applyPatch(next, patch);
    if (refused) return send(res, refused.code, statusBody(refused.code, refused.message, { name }));
    store.set(key(namespace, name), next);
    if (fault && 'applyThenReset' in fault) return void req.socket.destroy();
    return send(res, 200, next);
  }

  const server = createServer({ key: tls('server-key.pem'), cert: tls('server.pem') }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `https://127.0.0.1:${port}`,
    caPem: KUBE_TEST_CA_PEM,
    caBase64: Buffer.from(KUBE_TEST_CA_PEM, 'utf8').toString('base64'),
    requests,
    put,
    get: (namespace, name) => {
      const stored = store.get(key(namespace, name));
      return stored ? copy(stored) : undefined;
    },
    update(namespace, name, change) {
      const stored = store.get(key(namespace, name));
      if (!stored) throw new Error(`kube test server: no deployment ${namespace}/${name}`);
      change(stored);
      stored.metadata.resourceVersion = nextResourceVersion();
    },
    fail(fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
