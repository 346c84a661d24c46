import { isMap, Refused, selects, type DeploymentObject } from './kube-objects.js';

// The strategic merge patch of a Deployment, as the API server applies one
// (https://kubernetes.io/docs/tasks/manage-kubernetes-objects/update-api-object-kubectl-patch/),
// limited to what the model implements: metadata annotations and labels
// (null removes), the resourceVersion precondition (checked by the caller),
// spec.replicas, spec.progressDeadlineSeconds, and the pod template's labels,
// annotations and containers (merged by name; `$patch: delete` removes one).
// Anything else is refused, naming it, rather than ignored.

/** Applies `patch` to `target` in place; throws Refused (400: malformed, 422: invalid or not implemented). */
export function mergeDeploymentPatch(target: Omit<DeploymentObject, 'status'>, patch: unknown): void {
  if (!isMap(patch)) throw new Refused(400, 'error decoding patch: the patch is not a JSON object');
  const refuse = (path: string) => {
    throw new Refused(422, `${path}: the Shipwatch simulated cloud does not implement patching this field`);
  };
  const only = (object: Record<string, unknown>, at: string, keys: string[]) => {
    for (const key of Object.keys(object)) if (!keys.includes(key)) refuse(`${at}${at ? '.' : ''}${key}`);
  };
  // apiVersion and kind may be repeated; status is ignored on the main resource, as the API server does.
  only(patch, '', ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
  if (patch.metadata !== undefined) {
    if (!isMap(patch.metadata)) throw new Refused(400, 'metadata: expected an object');
    only(patch.metadata, 'metadata', ['resourceVersion', 'annotations', 'labels']);
    if (patch.metadata.resourceVersion !== undefined && typeof patch.metadata.resourceVersion !== 'string') {
      throw new Refused(400, 'metadata.resourceVersion: expected a string');
    }
    const annotations = mergeStrings(target.metadata.annotations, patch.metadata.annotations, 'metadata.annotations');
    if (annotations === undefined) delete target.metadata.annotations;
    else target.metadata.annotations = annotations;
    const labels = mergeStrings(target.metadata.labels, patch.metadata.labels, 'metadata.labels');
    if (labels === undefined) delete target.metadata.labels;
    else target.metadata.labels = labels;
  }
  const spec = patch.spec;
  if (spec === undefined) return;
  if (!isMap(spec)) throw new Refused(400, 'spec: expected an object');
  only(spec, 'spec', ['replicas', 'progressDeadlineSeconds', 'template']);
  if (spec.replicas !== undefined) {
    if (!Number.isInteger(spec.replicas) || (spec.replicas as number) < 0)
      throw new Refused(422, `spec.replicas: Invalid value: ${JSON.stringify(spec.replicas)}: must be greater than or equal to 0`);
    target.spec.replicas = spec.replicas as number;
  }
  if (spec.progressDeadlineSeconds !== undefined) {
    if (!Number.isInteger(spec.progressDeadlineSeconds) || (spec.progressDeadlineSeconds as number) <= 0) {
      throw new Refused(422, `spec.progressDeadlineSeconds: Invalid value: ${JSON.stringify(spec.progressDeadlineSeconds)}: must be greater than 0`);
    }
    target.spec.progressDeadlineSeconds = spec.progressDeadlineSeconds as number;
  }
  const template = spec.template;
  if (template === undefined) return;
  if (!isMap(template)) throw new Refused(400, 'spec.template: expected an object');
  only(template, 'spec.template', ['metadata', 'spec']);
  if (template.metadata !== undefined) {
    if (!isMap(template.metadata)) throw new Refused(400, 'spec.template.metadata: expected an object');
    only(template.metadata, 'spec.template.metadata', ['labels', 'annotations']);
    target.spec.template.metadata.labels = mergeStrings(target.spec.template.metadata.labels, template.metadata.labels, 'spec.template.metadata.labels') ?? {};
    const annotations = mergeStrings(target.spec.template.metadata.annotations, template.metadata.annotations, 'spec.template.metadata.annotations');
    if (annotations === undefined) delete target.spec.template.metadata.annotations;
    else target.spec.template.metadata.annotations = annotations;
    if (!selects(target.spec.selector, target.spec.template.metadata.labels)) {
      throw new Refused(
        422,
        `spec.template.metadata.labels: Invalid value: ${JSON.stringify(target.spec.template.metadata.labels)}: \`selector\` does not match template \`labels\``,
      );
    }
  }
  if (template.spec === undefined) return;
  if (!isMap(template.spec)) throw new Refused(400, 'spec.template.spec: expected an object');
  only(template.spec, 'spec.template.spec', ['containers']);
  const containers = template.spec.containers;
  if (containers === undefined) return;
  if (!Array.isArray(containers)) throw new Refused(400, 'spec.template.spec.containers: expected a list');
  const current = target.spec.template.spec.containers;
  for (const [i, item] of containers.entries()) {
    const at = `spec.template.spec.containers[${i}]`;
    if (!isMap(item)) throw new Refused(400, `${at}: expected an object`);
    if (typeof item.name !== 'string' || item.name === '') throw new Refused(422, `${at}.name: Required value`);
    only(item, at, ['name', 'image', '$patch']);
    const index = current.findIndex((c) => c.name === item.name);
    if (item.$patch !== undefined) {
      if (item.$patch !== 'delete') refuse(`${at}.$patch: ${String(item.$patch)}`);
      if (index >= 0) current.splice(index, 1);
      continue;
    }
    if (item.image !== undefined && (typeof item.image !== 'string' || item.image === '')) throw new Refused(422, `${at}.image: Required value`);
    if (index >= 0) {
      if (item.image !== undefined) current[index]!.image = item.image as string;
    } else {
      if (item.image === undefined) throw new Refused(422, `${at}.image: Required value`);
      current.push({
        name: item.name,
        image: item.image as string,
        imagePullPolicy: 'IfNotPresent',
        resources: {},
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      });
    }
  }
  if (current.length === 0) throw new Refused(422, 'spec.template.spec.containers: Required value');
}

/** A string map merged as a strategic merge patch merges one: null removes a key. */
function mergeStrings(current: Record<string, string> | undefined, patch: unknown, at: string): Record<string, string> | undefined {
  if (patch === undefined) return current;
  if (patch === null) return undefined;
  if (!isMap(patch)) throw new Refused(400, `${at}: expected an object`);
  const merged = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else if (typeof value === 'string') merged[key] = value;
    else throw new Refused(400, `${at}.${key}: cannot unmarshal ${typeof value} into a string`);
  }
  return Object.keys(merged).length > 0 ? merged : undefined;
}
