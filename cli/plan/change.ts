import { DescribeImagesCommand, DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { DescribeClusterCommand } from '@aws-sdk/client-eks';
import type { Config } from '../../shared/config/schema.js';
import { readAlarms } from '../../shared/health/alarms.js';
import { LAST_DEPLOY_ANNOTATION } from '../../shared/targets/eks/eks-target.js';
import { containerImagePatch } from '../../shared/targets/eks/kube-api.js';
import { eksToken } from '../../shared/targets/eks/token.js';
import { containerImage, nextRevision } from '../../shared/targets/ecs/task-definition.js';
import type { AwsClients } from '../aws-clients.js';
import type { ImageRef } from '../options.js';
import { kubeRequest } from '../validate/kube-request.js';

/** The exact change a push would make to one service, against what runs now. */
export interface ServiceChange {
  service: string;
  /** What runs now (task definition or Deployment) and the container's image. */
  current: { revision: string; image: string };
  /** The image it would run: registry/repository@digest. */
  image: string;
  /** ECS: the registration that would follow; EKS: the patch body sent. */
  ecs?: { family: string; from: string; to: string; containerImageLine: { container: string; before: string; after: string }; otherChanges: string[] };
  eks?: { patch: unknown };
  alreadyRunning: boolean;
  /** Alarms of the service in ALARM now: the deploy would be refused (unless fix-forward). */
  firing: string[];
}

/** The digest of `repository:tag` in ECR, and the registry host, so the change shows the exact image URI. */
export async function resolveImage(clients: AwsClients, image: ImageRef): Promise<{ uri: string; digest: string; pushed: boolean }> {
  const repo = (await clients.ecr().send(new DescribeRepositoriesCommand({ repositoryNames: [image.repository] }))).repositories?.[0];
  const host = repo?.repositoryUri?.split('/')[0] ?? '';
  if (image.digest) return { uri: `${host}/${image.repository}@${image.digest}`, digest: image.digest, pushed: true };
  try {
    const found = await clients.ecr().send(new DescribeImagesCommand({ repositoryName: image.repository, imageIds: [{ imageTag: image.tag! }] }));
    const digest = found.imageDetails?.[0]?.imageDigest;
    if (digest) return { uri: `${host}/${image.repository}@${digest}`, digest, pushed: true };
  } catch (error) {
    if ((error as Error).name !== 'ImageNotFoundException') throw error;
  }
  // Not pushed yet: the digest is known only once it is; the change is shown with a placeholder.
  return { uri: `${host}/${image.repository}@<digest of ${image.tag} once pushed>`, digest: '', pushed: false };
}

/** Every top-level field of the new revision that differs from the current one, other than the container's image (there should be none). */
function otherDifferences(before: Record<string, unknown>, after: Record<string, unknown>, container: string): string[] {
  const strip = (defs: unknown) => (defs as { name?: string; image?: string }[]).map((c) => (c.name === container ? { ...c, image: '' } : c));
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => {
    const a = k === 'containerDefinitions' ? strip(before[k]) : before[k];
    const b = k === 'containerDefinitions' ? strip(after[k]) : after[k];
    return JSON.stringify(a) !== JSON.stringify(b);
  });
}

/** Reads what runs now and computes the exact change, with the same functions the deploy step uses (nextRevision, containerImagePatch). */
export async function changeFor(clients: AwsClients, config: Config, serviceName: string, imageUri: string, now: Date): Promise<ServiceChange> {
  const service = config.services.find((s) => s.name === serviceName)!;
  const firing = (await readAlarms(clients.cloudwatch(), service.health.alarms)).filter((a) => a.state === 'ALARM').map((a) => a.name);
  if (service.target.ecs) {
    const t = service.target.ecs;
    const described = (await clients.ecs().send(new DescribeServicesCommand({ cluster: t.cluster, services: [t.service] }))).services?.[0];
    if (!described?.taskDefinition) throw new Error(`ECS service ${t.cluster}/${t.service} not found (shipwatch validate --aws says more)`);
    const current = await clients.ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition: described.taskDefinition, include: ['TAGS'] }));
    const before = containerImage(current, t.container) ?? '';
    const next = nextRevision(current, t.container, imageUri);
    const def = current.taskDefinition!;
    // The family's newest revision: RegisterTaskDefinition adds the one after it.
    const latest = (await clients.ecs().send(new DescribeTaskDefinitionCommand({ taskDefinition: def.family! }))).taskDefinition?.revision ?? def.revision ?? 0;
    const writable = nextRevision(current, t.container, before);
    return {
      service: serviceName,
      current: { revision: described.taskDefinition, image: before },
      image: imageUri,
      ecs: {
        family: def.family!,
        from: `${def.family}:${def.revision}`,
        to: `${def.family}:${latest + 1}`,
        containerImageLine: { container: t.container, before, after: imageUri },
        otherChanges: otherDifferences(writable as unknown as Record<string, unknown>, next as unknown as Record<string, unknown>, t.container),
      },
      alreadyRunning: before === imageUri,
      firing,
    };
  }
  const t = service.target.eks!;
  const eks = clients.eks();
  const info = (await eks.send(new DescribeClusterCommand({ name: t.cluster }))).cluster;
  if (!info?.endpoint || !info.certificateAuthority?.data) throw new Error(`EKS cluster ${t.cluster} has no API endpoint (shipwatch validate --aws says more)`);
  const { token } = await eksToken({ cluster: t.cluster, region: await eks.config.region(), credentials: () => eks.config.credentials(), now });
  const got = await kubeRequest(
    { endpoint: info.endpoint, caPem: Buffer.from(info.certificateAuthority.data, 'base64').toString('utf8'), token },
    'GET',
    `/apis/apps/v1/namespaces/${encodeURIComponent(t.namespace)}/deployments/${encodeURIComponent(t.deployment)}`,
  );
  if (got.status !== 200)
    throw new Error(`GET Deployment ${t.namespace}/${t.deployment} on ${t.cluster} answered ${got.status}: ${String(got.json.message ?? '')}`);
  const deployment = got.json as { metadata: { resourceVersion: string }; spec: { template: { spec: { containers: { name: string; image: string }[] } } } };
  const before = deployment.spec.template.spec.containers.find((c) => c.name === t.container)?.image ?? '';
  const note = JSON.stringify({ container: t.container, from: before, to: imageUri });
  return {
    service: serviceName,
    current: { revision: `${t.cluster}/${t.namespace}/${t.deployment} (resourceVersion ${deployment.metadata.resourceVersion})`, image: before },
    image: imageUri,
    eks: { patch: containerImagePatch(t.container, imageUri, { resourceVersion: deployment.metadata.resourceVersion }, { [LAST_DEPLOY_ANNOTATION]: note }) },
    alreadyRunning: before === imageUri,
    firing,
  };
}
