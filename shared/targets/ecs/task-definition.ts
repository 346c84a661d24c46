import type { DescribeTaskDefinitionCommandOutput, RegisterTaskDefinitionCommandInput, Tag } from '@aws-sdk/client-ecs';
import { TargetMisconfigured } from '../../errors.js';

/**
 * Fields DescribeTaskDefinition returns that RegisterTaskDefinition refuses.
 * A deny list, not an allow list, so a writable field AWS adds later is kept
 * instead of silently dropped from the user's task definition.
 */
const READ_ONLY = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
] as const;

/** Tags under the reserved `aws:` prefix are AWS's own and cannot be set by a caller. */
const settableTags = (tags: Tag[] | undefined): Tag[] => (tags ?? []).filter((t) => !t.key?.toLowerCase().startsWith('aws:'));

/**
 * Pure: the next revision of a task definition, identical to the current one
 * except that `container`'s image becomes the digest-pinned `imageUri`.
 */
export function nextRevision(current: DescribeTaskDefinitionCommandOutput, container: string, imageUri: string): RegisterTaskDefinitionCommandInput {
  const definition = current.taskDefinition;
  if (!definition?.family || !definition.containerDefinitions) {
    throw new TargetMisconfigured('DescribeTaskDefinition returned no task definition');
  }
  const names = definition.containerDefinitions.map((c) => c.name);
  if (!names.includes(container)) {
    throw new TargetMisconfigured(
      `task definition ${definition.family}:${definition.revision} has no container "${container}" (it has ${names.map((n) => `"${n}"`).join(', ')}); fix target.ecs.container`,
    );
  }
  const writable: Record<string, unknown> = { ...definition };
  for (const key of READ_ONLY) delete writable[key];
  const tags = settableTags(current.tags);
  return {
    ...(writable as unknown as RegisterTaskDefinitionCommandInput),
    containerDefinitions: definition.containerDefinitions.map((c) => (c.name === container ? { ...c, image: imageUri } : c)),
    ...(tags.length > 0 ? { tags } : {}),
  };
}

export function containerImage(current: DescribeTaskDefinitionCommandOutput, container: string): string | undefined {
  return current.taskDefinition?.containerDefinitions?.find((c) => c.name === container)?.image;
}
