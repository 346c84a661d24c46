import type { DeploymentObject } from './kube-objects.js';

// What kubectl asks a cluster before and while it gets Deployments: the
// legacy discovery documents (kubectl falls back to them when the answer is
// plain JSON rather than aggregated discovery), and server-side printing
// (`Accept: application/json;as=Table;…`), which gives `kubectl get deploy`
// its READY / UP-TO-DATE / AVAILABLE / AGE columns.

const groupVersion = (group: string, version = 'v1') => ({ groupVersion: `${group}/${version}`, version });

/** GET /api, /apis and each group version's resources: only what this cluster serves. */
export function discovery(path: string): unknown | undefined {
  switch (path) {
    case '/api':
      return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:443' }] };
    case '/apis':
      return {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [
          { name: 'apps', versions: [groupVersion('apps')], preferredVersion: groupVersion('apps') },
          { name: 'authorization.k8s.io', versions: [groupVersion('authorization.k8s.io')], preferredVersion: groupVersion('authorization.k8s.io') },
        ],
      };
    case '/api/v1':
      return {
        kind: 'APIResourceList',
        groupVersion: 'v1',
        resources: [
          { name: 'services', singularName: 'service', namespaced: true, kind: 'Service', verbs: ['get', 'list'], shortNames: ['svc'], categories: ['all'] },
        ],
      };
    case '/apis/apps/v1':
      return {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: 'apps/v1',
        resources: [
          {
            name: 'deployments',
            singularName: 'deployment',
            namespaced: true,
            kind: 'Deployment',
            verbs: ['create', 'delete', 'get', 'list', 'patch', 'watch'],
            shortNames: ['deploy'],
            categories: ['all'],
          },
          { name: 'deployments/status', singularName: '', namespaced: true, kind: 'Deployment', verbs: ['get'] },
        ],
      };
    case '/apis/authorization.k8s.io/v1':
      return {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: 'authorization.k8s.io/v1',
        resources: [{ name: 'subjectaccessreviews', singularName: 'subjectaccessreview', namespaced: false, kind: 'SubjectAccessReview', verbs: ['create'] }],
      };
    default:
      return undefined;
  }
}

/** Does the client ask for server-side printing (kubectl get)? */
export const wantsTable = (accept: string | string[] | undefined) => /as=Table/.test(String(accept ?? ''));
export const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

/** kubectl's age: 45s, 12m, 5h, 3d. */
function age(created: string, now: number): string {
  const s = Math.max(0, Math.floor((now - Date.parse(created)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172_800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** Deployments as the API server prints them (the same columns as `kubectl get deploy -o wide`). */
export function deploymentTable(items: DeploymentObject[], resourceVersion: string, now: number): unknown {
  const column = (name: string, description: string, priority = 0, type = 'string', format = '') => ({ name, type, format, description, priority });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: [
      column('Name', 'Name must be unique within a namespace.', 0, 'string', 'name'),
      column('Ready', 'Number of the pod with ready state'),
      column('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', 0, 'integer'),
      column('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', 0, 'integer'),
      column('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
      column('Containers', 'Names of each container in the template.', 1),
      column('Images', 'Images referenced by each container in the template.', 1),
      column('Selector', 'Label selector for pods.', 1),
    ],
    rows: items.map((d) => ({
      cells: [
        d.metadata.name,
        `${d.status.readyReplicas ?? 0}/${d.spec.replicas}`,
        d.status.updatedReplicas ?? 0,
        d.status.availableReplicas ?? 0,
        age(d.metadata.creationTimestamp, now),
        d.spec.template.spec.containers.map((c) => c.name).join(','),
        d.spec.template.spec.containers.map((c) => c.image).join(','),
        Object.entries(d.spec.selector.matchLabels ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      ],
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: d.metadata },
    })),
  };
}
