import { Agent, request } from 'node:https';
import { TargetMisconfigured, Transient } from '../../errors.js';
import { KubeApiError } from './errors.js';
import type { KubeDeployment, KubeStatus } from './types.js';

// Two calls on one Deployment do not justify @kubernetes/client-node (about
// 1.5 MB bundled and 180 ms to initialise), so this is node:https by hand:
// TLS verified against the cluster CA only, a bearer token per request and a
// bounded time for every call.

export const KUBE_REQUEST_TIMEOUT_MS = 10_000;
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';

export interface KubeApiOptions {
  /** `https://…` as DescribeCluster returns it. */
  endpoint: string;
  /** The cluster CA (PEM): the only certificate authority trusted for this endpoint. */
  caPem: string;
  /** A bearer token, asked for on every request (the caller caches). */
  token: () => Promise<string>;
  /** For messages: "EKS cluster prod". Default: the endpoint's host. */
  label?: string;
  timeoutMs?: number;
}

export interface KubeApi {
  getDeployment(namespace: string, name: string): Promise<KubeDeployment>;
  /**
   * Sets the image of one container with a strategic merge patch (containers
   * merge by name, so the others stay as they are). With `expect.resourceVersion`
   * the API server refuses (409) if the Deployment changed since it was read.
   * `annotations` are set on the Deployment's metadata in the same patch.
   */
  patchContainerImage(
    namespace: string,
    name: string,
    container: string,
    image: string,
    expect?: { resourceVersion?: string },
    annotations?: Record<string, string>,
  ): Promise<KubeDeployment>;
  /** The Deployment, or undefined where there is none (404): the canary, which exists only during a progressive deployment. */
  findDeployment(namespace: string, name: string): Promise<KubeDeployment | undefined>;
  /** POST: a new Deployment (a canary); 409 AlreadyExists is Transient (the retry reads it and adopts it). */
  createDeployment(namespace: string, manifest: KubeDeployment): Promise<KubeDeployment>;
  /** Any strategic merge patch of a Deployment (a canary's replicas and annotations). */
  patchDeployment(namespace: string, name: string, patch: unknown): Promise<KubeDeployment>;
  /**
   * DELETE with `propagationPolicy: Background` (its ReplicaSet and pods are
   * garbage-collected after it) and, when given, the `uid` precondition: a
   * Deployment created again under the same name since it was read is left
   * alone (409). `false` when there was nothing to delete (404): deleting is
   * safe to repeat.
   */
  deleteDeployment(namespace: string, name: string, preconditions?: { uid?: string }): Promise<boolean>;
}

/** The strategic merge patch body: only `container`'s image (and the precondition and annotations, when given). */
export function containerImagePatch(container: string, image: string, expect?: { resourceVersion?: string }, annotations?: Record<string, string>) {
  const metadata = {
    ...(expect?.resourceVersion ? { resourceVersion: expect.resourceVersion } : {}),
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
  return {
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
    spec: { template: { spec: { containers: [{ name: container, image }] } } },
  };
}

type Method = 'GET' | 'PATCH' | 'POST' | 'DELETE';
/** The RBAC verbs to name when a request is refused (https://kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb): a GET is always followed by a PATCH. */
const VERB: Record<Method, string> = { GET: 'get and patch', PATCH: 'get and patch', POST: 'create', DELETE: 'delete' };

/** Connection failures worth another try (the state machine retries `Transient` with backoff). */
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);
/** OpenSSL's verification failures, as Node reports them in `code`. */
const isTlsVerification = (code: string) => /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS_/.test(code);

export function kubeApi(options: KubeApiOptions): KubeApi {
  const endpoint = new URL(options.endpoint);
  if (endpoint.protocol !== 'https:') throw new TargetMisconfigured(`Kubernetes API endpoint ${options.endpoint} is not https`);
  const where = options.label ?? endpoint.host;
  const timeoutMs = options.timeoutMs ?? KUBE_REQUEST_TIMEOUT_MS;
  // One agent per cluster: `ca` replaces the default trust store, and the
  // agent caches TLS sessions, so a second call resumes instead of a full
  // handshake. No keep-alive: a socket kept across a Lambda freeze tends to
  // come back reset.
  const agent = new Agent({ ca: options.caPem, keepAlive: false });

  const deploymentPath = (namespace: string, name: string) =>
    `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments/${encodeURIComponent(name)}`;

  const collectionPath = (namespace: string) => `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments`;

  /** One request about Deployment `name`; the answer's status and body, whatever they are. */
  async function exchange(method: Method, namespace: string, name: string, body?: unknown): Promise<{ status: number; text: string; what: string }> {
    const what = `${method} deployment ${namespace}/${name}`;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const path = method === 'POST' ? collectionPath(namespace) : deploymentPath(namespace, name);
    const type = method === 'PATCH' ? STRATEGIC_MERGE_PATCH : 'application/json';
    const headers: Record<string, string> = {
      Authorization: `Bearer ${await options.token()}`,
      Accept: 'application/json',
      'User-Agent': 'shipwatch',
      ...(payload === undefined ? {} : { 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(payload)) }),
    };

    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const req = request({ protocol: endpoint.protocol, hostname: endpoint.hostname, port: endpoint.port || 443, path, method, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => settle(() => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') })));
        res.on('error', (error) => settle(() => reject(connectionError(error, what))));
      });
      // One bound for the whole exchange (connect, TLS, answer), not per socket read.
      const timer = setTimeout(() => {
        settle(() =>
          reject(new Transient(`${what} on ${where}: no answer within ${timeoutMs} ms (a private-only endpoint needs the Lambda in the cluster's VPC)`)),
        );
        req.destroy();
      }, timeoutMs);
      req.on('error', (error) => settle(() => reject(connectionError(error, what))));
      req.end(payload);
    });
    return { ...answer, what };
  }

  async function call(method: Method, namespace: string, name: string, body?: unknown): Promise<KubeDeployment> {
    const answer = await exchange(method, namespace, name, body);
    if (answer.status >= 200 && answer.status < 300) return parsed(answer);
    throw httpError(answer.status, answer.text, answer.what, method, namespace, name);
  }

  function parsed(answer: { status: number; text: string; what: string }): KubeDeployment {
    try {
      return JSON.parse(answer.text) as KubeDeployment;
    } catch (error) {
      throw new KubeApiError(`${answer.what} on ${where}: answer ${answer.status} is not JSON`, answer.status, { cause: error });
    }
  }

  function connectionError(error: Error & { code?: string }, what: string): Error {
    const code = error.code ?? '';
    if (TRANSIENT_CODES.has(code)) return new Transient(`${what} on ${where}: ${code} ${error.message}`, { cause: error });
    if (isTlsVerification(code)) {
      return new KubeApiError(
        `${what} on ${where}: the server's TLS certificate does not verify against the cluster CA from DescribeCluster (${code}: ${error.message})`,
        undefined,
        { cause: error },
      );
    }
    return new KubeApiError(`${what} on ${where}: ${code || error.name} ${error.message}`, undefined, { cause: error });
  }

  function httpError(status: number, text: string, what: string, method: Method, namespace: string, name: string): Error {
    let apiStatus: KubeStatus = {};
    try {
      apiStatus = JSON.parse(text) as KubeStatus;
    } catch {
      // Not a Status object (a proxy's HTML page): the status code says enough.
    }
    const said = apiStatus.message ?? text.slice(0, 200);
    const answered = `${where} answered ${status}${apiStatus.reason ? ` ${apiStatus.reason}` : ''} to ${what}${said ? ` (${said})` : ''}`;
    const rights = `with rights to ${VERB[method]} deployments in namespace "${namespace}"${method === 'POST' || method === 'DELETE' ? ' (a canary: see docs/progressive-eks.md)' : ''}`;
    if (status === 401) {
      return new TargetMisconfigured(
        `${answered}: the cluster does not recognise the Lambda role; give the role an EKS access entry (or an aws-auth ConfigMap mapping) ${rights}`,
      );
    }
    if (status === 403) return new TargetMisconfigured(`${answered}: the Lambda role needs an EKS access entry (or an aws-auth ConfigMap mapping) ${rights}`);
    if (status === 404) {
      return new TargetMisconfigured(`${answered}: no deployment "${name}" in namespace "${namespace}"; fix target.eks.deployment or target.eks.namespace`);
    }
    if (status === 409) {
      const why =
        method === 'POST' ? 'it already exists' : method === 'DELETE' ? 'it was created again since it was read' : 'the deployment changed since it was read';
      return new Transient(`${answered}: ${why}; another try reads it again`);
    }
    if (status === 429 || status >= 500) return new Transient(answered);
    return new KubeApiError(answered, status);
  }

  return {
    getDeployment: (namespace, name) => call('GET', namespace, name),
    patchContainerImage: (namespace, name, container, image, expect, annotations) =>
      call('PATCH', namespace, name, containerImagePatch(container, image, expect, annotations)),
    async findDeployment(namespace, name) {
      const answer = await exchange('GET', namespace, name);
      if (answer.status === 404) return undefined;
      if (answer.status >= 200 && answer.status < 300) return parsed(answer);
      throw httpError(answer.status, answer.text, answer.what, 'GET', namespace, name);
    },
    createDeployment: (namespace, manifest) => call('POST', namespace, manifest.metadata.name, manifest),
    async patchDeployment(namespace, name, patch) {
      const answer = await exchange('PATCH', namespace, name, patch);
      if (answer.status >= 200 && answer.status < 300) return parsed(answer);
      // Deleted since it was read (a canary someone removed): the retry reads it again and sees it gone.
      if (answer.status === 404) throw new Transient(`${where} answered 404 to ${answer.what}: it was deleted since it was read; another try reads it again`);
      throw httpError(answer.status, answer.text, answer.what, 'PATCH', namespace, name);
    },
    async deleteDeployment(namespace, name, preconditions) {
      // https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/delete-options/
      const options = {
        kind: 'DeleteOptions',
        apiVersion: 'v1',
        propagationPolicy: 'Background',
        ...(preconditions?.uid ? { preconditions: { uid: preconditions.uid } } : {}),
      };
      const answer = await exchange('DELETE', namespace, name, options);
      if (answer.status === 404) return false;
      if (answer.status >= 200 && answer.status < 300) return true;
      throw httpError(answer.status, answer.text, answer.what, 'DELETE', namespace, name);
    },
  };
}
