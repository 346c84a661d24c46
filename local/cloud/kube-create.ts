import { DEFAULT_PROGRESS_DEADLINE_SECONDS } from './kube-controller.js';
import { isMap, Refused, selects, type DeploymentObject, type KubeContainerSpec, type LabelSelector } from './kube-objects.js';

// A Deployment as the API server takes one in a POST (create): validated,
// then defaulted as apps/v1 defaults it (replicas 1, RollingUpdate 25%/25%,
// revisionHistoryLimit 10, progressDeadlineSeconds 600, and the pod
// template's defaults). What the model does not implement (a Recreate
// strategy, minReadySeconds, a paused Deployment) is refused, naming it,
// rather than accepted and then behaving otherwise.
// https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/deployment-v1/

/** The fields the server adds to a pod template's spec and to each container when the request leaves them out. */
export function podSpecDefaults(spec: { containers: KubeContainerSpec[]; [field: string]: unknown }): DeploymentObject['spec']['template']['spec'] {
  const { containers, ...rest } = spec;
  return {
    containers: containers.map((c) => ({
      ...structuredClone(c),
      imagePullPolicy: c.imagePullPolicy ?? 'IfNotPresent',
      resources: c.resources ?? {},
      terminationMessagePath: c.terminationMessagePath ?? '/dev/termination-log',
      terminationMessagePolicy: c.terminationMessagePolicy ?? 'File',
    })),
    dnsPolicy: 'ClusterFirst',
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
    ...structuredClone(rest),
  };
}

/** DNS-1123 subdomain: what a Deployment's name must be. */
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const invalid = (path: string, message: string) => new Refused(422, `${path}: ${message}`);
const notImplemented = (path: string) => new Refused(422, `${path}: the Shipwatch simulated cloud does not implement this field`);

function strings(value: unknown, path: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isMap(value)) throw new Refused(400, `${path}: expected an object`);
  for (const [k, v] of Object.entries(value)) if (typeof v !== 'string') throw new Refused(400, `${path}.${k}: cannot unmarshal ${typeof v} into a string`);
  return { ...(value as Record<string, string>) };
}

function only(object: Record<string, unknown>, path: string, keys: string[]): void {
  for (const key of Object.keys(object)) if (!keys.includes(key)) throw notImplemented(`${path}.${key}`);
}

function selector(value: unknown): LabelSelector {
  if (value === undefined) throw invalid('spec.selector', 'Required value');
  if (!isMap(value)) throw new Refused(400, 'spec.selector: expected an object');
  only(value, 'spec.selector', ['matchLabels', 'matchExpressions']);
  const matchLabels = strings(value.matchLabels, 'spec.selector.matchLabels');
  const expressions = value.matchExpressions;
  if (expressions !== undefined && !Array.isArray(expressions)) throw new Refused(400, 'spec.selector.matchExpressions: expected a list');
  const matchExpressions = (expressions ?? []).map((e: unknown, i: number) => {
    const at = `spec.selector.matchExpressions[${i}]`;
    if (!isMap(e) || typeof e.key !== 'string') throw invalid(`${at}.key`, 'Required value');
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(String(e.operator)))
      throw invalid(`${at}.operator`, `Unsupported value: ${JSON.stringify(e.operator)}`);
    return { key: e.key, operator: e.operator as 'In', ...(Array.isArray(e.values) ? { values: e.values.map(String) } : {}) };
  });
  if (!matchLabels && matchExpressions.length === 0) throw invalid('spec.selector', 'Invalid value: "{}": empty selector is invalid for deployment');
  return { ...(matchLabels ? { matchLabels } : {}), ...(matchExpressions.length > 0 ? { matchExpressions } : {}) };
}

function containers(value: unknown): KubeContainerSpec[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid('spec.template.spec.containers', 'Required value');
  return value.map((c: unknown, i: number) => {
    const at = `spec.template.spec.containers[${i}]`;
    if (!isMap(c)) throw new Refused(400, `${at}: expected an object`);
    if (typeof c.name !== 'string' || c.name === '') throw invalid(`${at}.name`, 'Required value');
    if (typeof c.image !== 'string' || c.image === '') throw invalid(`${at}.image`, 'Required value');
    return c as KubeContainerSpec;
  });
}

/**
 * The Deployment a create request describes, in namespace `namespace`,
 * without what the server assigns (uid, resourceVersion, generation,
 * creationTimestamp): Refused with the API server's code and message otherwise.
 */
export function deploymentFromManifest(
  body: unknown,
  namespace: string,
): { metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec: DeploymentObject['spec'] } {
  if (!isMap(body)) throw new Refused(400, 'error decoding the object: expected a JSON object');
  if (body.apiVersion !== undefined && body.apiVersion !== 'apps/v1')
    throw new Refused(400, `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (apps/v1)`);
  if (body.kind !== undefined && body.kind !== 'Deployment')
    throw new Refused(400, `the kind in the data (${String(body.kind)}) does not match the expected kind (Deployment)`);
  const metadata = body.metadata;
  if (!isMap(metadata)) throw invalid('metadata.name', 'Required value: name or generateName is required');
  only(metadata, 'metadata', ['name', 'namespace', 'labels', 'annotations']);
  const name = metadata.name;
  if (typeof name !== 'string' || name === '') throw invalid('metadata.name', 'Required value: name or generateName is required');
  if (name.length > 253 || !SUBDOMAIN.test(name))
    throw invalid(
      'metadata.name',
      `Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
    );
  if (metadata.namespace !== undefined && metadata.namespace !== namespace)
    throw new Refused(400, 'the namespace of the provided object does not match the namespace sent on the request');

  const spec = body.spec;
  if (!isMap(spec)) throw invalid('spec.template.spec.containers', 'Required value');
  only(spec, 'spec', ['replicas', 'selector', 'template', 'strategy', 'progressDeadlineSeconds', 'revisionHistoryLimit', 'minReadySeconds', 'paused']);
  if (spec.minReadySeconds !== undefined && spec.minReadySeconds !== 0) throw notImplemented('spec.minReadySeconds');
  if (spec.paused !== undefined && spec.paused !== false) throw notImplemented('spec.paused');
  const replicas = spec.replicas ?? 1;
  if (!Number.isInteger(replicas) || (replicas as number) < 0)
    throw invalid('spec.replicas', `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
  const progressDeadlineSeconds = spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS;
  if (!Number.isInteger(progressDeadlineSeconds) || (progressDeadlineSeconds as number) <= 0)
    throw invalid('spec.progressDeadlineSeconds', `Invalid value: ${JSON.stringify(progressDeadlineSeconds)}: must be greater than 0`);
  const revisionHistoryLimit = spec.revisionHistoryLimit ?? 10;
  if (!Number.isInteger(revisionHistoryLimit) || (revisionHistoryLimit as number) < 0)
    throw invalid('spec.revisionHistoryLimit', 'must be greater than or equal to 0');

  let strategy: DeploymentObject['spec']['strategy'] = { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' };
  if (spec.strategy !== undefined) {
    if (!isMap(spec.strategy)) throw new Refused(400, 'spec.strategy: expected an object');
    if (spec.strategy.type !== undefined && spec.strategy.type !== 'RollingUpdate') throw notImplemented(`spec.strategy.type: ${String(spec.strategy.type)}`);
    const rolling = isMap(spec.strategy.rollingUpdate) ? spec.strategy.rollingUpdate : {};
    const bound = (v: unknown) => (typeof v === 'number' || (typeof v === 'string' && /^\d+%$/.test(v)) ? v : '25%');
    strategy = { rollingUpdate: { maxSurge: bound(rolling.maxSurge), maxUnavailable: bound(rolling.maxUnavailable) }, type: 'RollingUpdate' };
  }

  const template = spec.template;
  if (!isMap(template)) throw invalid('spec.template.spec.containers', 'Required value');
  const podMeta = isMap(template.metadata) ? template.metadata : {};
  const labels = strings(podMeta.labels, 'spec.template.metadata.labels') ?? {};
  const annotations = strings(podMeta.annotations, 'spec.template.metadata.annotations');
  const chosen = selector(spec.selector);
  if (!selects(chosen, labels))
    throw invalid('spec.template.metadata.labels', `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``);
  if (!isMap(template.spec)) throw invalid('spec.template.spec.containers', 'Required value');
  const podSpec = podSpecDefaults({ ...template.spec, containers: containers(template.spec.containers) });

  const ownLabels = strings(metadata.labels, 'metadata.labels');
  const ownAnnotations = strings(metadata.annotations, 'metadata.annotations');
  return {
    metadata: { name, ...(ownLabels ? { labels: ownLabels } : {}), ...(ownAnnotations ? { annotations: ownAnnotations } : {}) },
    spec: {
      progressDeadlineSeconds: progressDeadlineSeconds as number,
      replicas: replicas as number,
      revisionHistoryLimit: revisionHistoryLimit as number,
      selector: chosen,
      strategy,
      template: { metadata: { ...(annotations ? { annotations } : {}), creationTimestamp: null, labels }, spec: podSpec },
    },
  };
}
