import { iso } from './kube-objects.js';

// Services of the simulated clusters: a name and a label selector in front of
// whichever pods match it, whichever Deployment made them. That is what makes
// the canary pattern work without a mesh
// (https://kubernetes.io/docs/concepts/workloads/management/#canary-deployments):
// the Service selects the labels the stable and canary pods share, and its
// endpoints are the ready pods of both (kube-traffic.ts splits the requests
// over them). Read-only over the API (get, list), as Shipwatch only reads them
// (`shipwatch validate --aws`) and kubectl shows them.

export interface ServiceObject {
  apiVersion: 'v1';
  kind: 'Service';
  metadata: { creationTimestamp: string; labels?: Record<string, string>; name: string; namespace: string; resourceVersion: string; uid: string };
  spec: {
    clusterIP: string;
    clusterIPs: string[];
    internalTrafficPolicy: 'Cluster';
    ipFamilies: ['IPv4'];
    ipFamilyPolicy: 'SingleStack';
    ports: { name?: string; port: number; protocol: 'TCP'; targetPort: number }[];
    /** A Service's selector is a plain map: every pair must be among the pod's labels. */
    selector: Record<string, string>;
    sessionAffinity: 'None';
    type: 'ClusterIP';
  };
  status: { loadBalancer: Record<string, never> };
}

export interface ServiceInput {
  namespace: string;
  name: string;
  selector: Record<string, string>;
  /** Default: 80 → 8080. */
  ports?: { port: number; targetPort: number; name?: string }[];
  labels?: Record<string, string>;
}

/** The Service as the API server stores it, with the address and defaults it assigns. */
export function serviceObject(input: ServiceInput, assigned: { uid: string; resourceVersion: string; createdAt: number; clusterIP: string }): ServiceObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      creationTimestamp: iso(assigned.createdAt),
      ...(input.labels ? { labels: { ...input.labels } } : {}),
      name: input.name,
      namespace: input.namespace,
      resourceVersion: assigned.resourceVersion,
      uid: assigned.uid,
    },
    spec: {
      clusterIP: assigned.clusterIP,
      clusterIPs: [assigned.clusterIP],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: (input.ports ?? [{ port: 80, targetPort: 8080 }]).map((p) => ({
        ...(p.name ? { name: p.name } : {}),
        port: p.port,
        protocol: 'TCP' as const,
        targetPort: p.targetPort,
      })),
      selector: { ...input.selector },
      sessionAffinity: 'None',
      type: 'ClusterIP',
    },
    status: { loadBalancer: {} },
  };
}

/** Does a Service's selector pick pods with these labels? */
export const serviceSelects = (service: ServiceObject, labels: Record<string, string>): boolean =>
  Object.entries(service.spec.selector).every(([k, v]) => labels[k] === v);

/** Services as `kubectl get svc -o wide` prints them (server-side printing). */
export function serviceTable(items: ServiceObject[], resourceVersion: string, now: number): unknown {
  const column = (name: string, description: string, priority = 0, format = '') => ({ name, type: 'string', format, description, priority });
  const age = (created: string) => {
    const s = Math.max(0, Math.floor((now - Date.parse(created)) / 1000));
    return s < 120 ? `${s}s` : s < 7200 ? `${Math.floor(s / 60)}m` : s < 172_800 ? `${Math.floor(s / 3600)}h` : `${Math.floor(s / 86_400)}d`;
  };
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: [
      column('Name', 'Name must be unique within a namespace.', 0, 'name'),
      column('Type', 'type determines how the Service is exposed.'),
      column('Cluster-IP', 'clusterIP is the IP address of the service.'),
      column('External-IP', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
      column('Port(s)', 'The list of ports that are exposed by this service.'),
      column('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
      column('Selector', 'Route service traffic to pods with label keys and values matching this selector.', 1),
    ],
    rows: items.map((s) => ({
      cells: [
        s.metadata.name,
        s.spec.type,
        s.spec.clusterIP,
        '<none>',
        s.spec.ports.map((p) => `${p.port}/${p.protocol}`).join(','),
        age(s.metadata.creationTimestamp),
        Object.entries(s.spec.selector)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      ],
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: s.metadata },
    })),
  };
}
