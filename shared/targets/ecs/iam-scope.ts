import type { TaskDefinition } from '@aws-sdk/client-ecs';
import type { ServiceConfig } from '../../config/schema.js';

type EcsConfig = NonNullable<ServiceConfig['target']['ecs']>;

/** `path/name` of a role given by ARN or by name (ECS answers ARNs; the config may say either). */
const roleName = (role: string) => (role.startsWith('arn:') ? role.slice(role.indexOf(':role/') + ':role/'.length) : role);
const sameRole = (actual: string | undefined, declared: string | undefined) =>
  actual === undefined || declared === undefined
    ? actual === declared
    : actual.startsWith('arn:') && declared.startsWith('arn:')
      ? actual === declared
      : roleName(actual) === roleName(declared);

/**
 * Why the deploy role could not register the next revision of `definition`,
 * or undefined. The role may register revisions of `target.ecs.family` only
 * and pass `target.ecs.roles` only (infra/iam.cjs), so a task definition
 * outside them would fail with AccessDenied after the deploy began; this says
 * which key to fix before anything changes. A config without `family` (an
 * execution started before the key existed) or without `roles` is not checked.
 */
export function outsideIamScope(definition: TaskDefinition, config: EcsConfig, label: string): string | undefined {
  if (config.family !== undefined && definition.family !== config.family) {
    return `${label} runs task definition family "${definition.family}", but target.ecs.family is "${config.family}" (the service name unless set): Shipwatch may only register revisions of the configured family; set target.ecs.family: ${definition.family}`;
  }
  if (!config.roles) return undefined;
  for (const [key, actual, what] of [
    ['task', definition.taskRoleArn, 'task role'],
    ['execution', definition.executionRoleArn, 'execution role'],
  ] as const) {
    const declared = config.roles[key];
    if (sameRole(actual, declared)) continue;
    const has = actual ? `has ${what} ${actual}` : `has no ${what}`;
    const says = declared ? `is ${declared}` : 'is not set';
    return `${label}: task definition ${definition.family}:${definition.revision} ${has}, but target.ecs.roles.${key} ${says}: Shipwatch may only pass the declared roles; fix target.ecs.roles.${key}`;
  }
  return undefined;
}
