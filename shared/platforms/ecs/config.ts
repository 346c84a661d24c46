import { z } from 'zod';

// `target.ecs` in shipwatch.yml, as the edge (packaging, the CLI) validates
// it. Zod: never imported by a function (config-state.ts is what they check).

// An IAM role by name (a path may lead it: service-role/ecsTaskExecutionRole) or by ARN.
const ROLE_NAME = '(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}';
const roleRef = z
  .string()
  .regex(new RegExp(`^(?:${ROLE_NAME}|arn:aws[a-z-]*:iam::\\d{12}:role/${ROLE_NAME})$`), 'an IAM role name (path/name allowed) or role ARN');

export const ecsConfig = z
  .strictObject({
    cluster: z.string().min(1),
    service: z.string().min(1),
    container: z.string().min(1),
    /** The task-definition family the service runs (default: the service name); the deploy role may register revisions of it only. */
    family: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,255}$/, 'a task-definition family: letters, digits, - and _')
      .optional(),
    /**
     * The roles the service's task definition carries: the deploy role passes
     * these and no others. Unset: any role, to ECS tasks only (unknown when packaging).
     */
    roles: z.strictObject({ task: roleRef.optional(), execution: roleRef.optional() }).optional(),
  })
  .transform((t) => ({ ...t, family: t.family ?? t.service }));

export type EcsConfig = z.infer<typeof ecsConfig>;
