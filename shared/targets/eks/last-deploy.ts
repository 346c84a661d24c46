import { TargetMisconfigured } from '../../errors.js';
import { KubeApiError } from './errors.js';
import type { KubeApi } from './kube-api.js';
import type { Deployment } from '../rollout.js';
import type { KubeDeployment } from './types.js';

/** `target.eks` in shipwatch.yml. */
export interface EksConfig {
  cluster: string;
  namespace: string;
  deployment: string;
  /** The container whose image is replaced; the others are left alone. */
  container: string;
}

/**
 * On our patch, recorded on the Deployment's metadata (not its pod template:
 * no pod restarts for it): `{"container","from","to"}`. A retried deploy whose
 * first patch went through (its answer lost) finds the image already set and
 * learns from this which image to roll back to; Kubernetes itself keeps the
 * previous image only in ReplicaSets, which Shipwatch may not read.
 */
export const LAST_DEPLOY_ANNOTATION = 'shipwatch/last-deploy';

export interface LastDeploy {
  container: string;
  from: string;
  to: string;
}

export function lastDeploy(deployment: KubeDeployment): LastDeploy | undefined {
  const raw = deployment.metadata.annotations?.[LAST_DEPLOY_ANNOTATION];
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<LastDeploy>;
    return typeof value.container === 'string' && typeof value.from === 'string' && typeof value.to === 'string'
      ? { container: value.container, from: value.from, to: value.to }
      : undefined;
  } catch {
    return undefined; // someone edited it by hand: as if absent
  }
}

/** The image of the configured container, or undefined where the Deployment has no such container. */
export const imageOf = (deployment: KubeDeployment, container: string): string | undefined =>
  deployment.spec?.template?.spec?.containers?.find((c) => c.name === container)?.image;

/** The configured Deployment and the image its container runs; a missing container or image is a misconfiguration. */
export async function readDeployment(
  api: KubeApi,
  config: EksConfig,
  label: string,
): Promise<{ deployment: KubeDeployment; image: string; generation: number }> {
  const deployment = await api.getDeployment(config.namespace, config.deployment);
  const containers = deployment.spec?.template?.spec?.containers ?? [];
  const container = containers.find((c) => c.name === config.container);
  if (!container) {
    const names = containers.map((c) => c.name).join(', ') || 'none';
    throw new TargetMisconfigured(`${label} has no container "${config.container}" (containers: ${names}); check target.eks.container`);
  }
  if (!container.image) throw new TargetMisconfigured(`${label}: container "${config.container}" has no image`);
  return { deployment, image: container.image, generation: deployment.metadata.generation ?? 0 };
}

export function generationOf(patched: KubeDeployment, what: string, label: string): string {
  const generation = patched.metadata?.generation;
  if (generation === undefined) throw new KubeApiError(`${what} on ${label}: the patched Deployment has no metadata.generation`);
  return String(generation);
}

/**
 * The rolling update Shipwatch has always made: one strategic merge patch of
 * the container's image, carrying the resourceVersion read (so a concurrent
 * change answers 409 and the step retries) and the last-deploy note.
 */
export async function patchImage(api: KubeApi, config: EksConfig, deployment: KubeDeployment, from: string, to: string): Promise<KubeDeployment> {
  const note = JSON.stringify({ container: config.container, from, to } satisfies LastDeploy);
  const expect = deployment.metadata.resourceVersion ? { resourceVersion: deployment.metadata.resourceVersion } : {};
  return api.patchContainerImage(config.namespace, config.deployment, config.container, to, expect, { [LAST_DEPLOY_ANNOTATION]: note });
}

/**
 * A rolling update of the Deployment to `to` (patchImage), as the workflow remembers it: the
 * generation the patch made is the rollout to watch.
 */
export async function rollingUpdate(
  api: KubeApi,
  config: EksConfig,
  deployment: KubeDeployment,
  from: string,
  to: string,
  startedAt: string,
  label: string,
): Promise<Deployment> {
  const patched = await patchImage(api, config, deployment, from, to);
  return { platform: 'eks', previousRevision: from, revision: to, deploymentId: generationOf(patched, 'deploy', label), startedAt, alreadyRunning: false };
}
