// What deployRelease needs to write the next task-definition revision of the
// configured ECS services, and nothing more. Service Authorization Reference,
// Amazon ECS (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html):
// RegisterTaskDefinition requires the `task-definition` resource type,
// arn:${Partition}:ecs:${Region}:${Account}:task-definition/${Family}:${Revision};
// DescribeTaskDefinition has no resource type (Resource "*"); registering
// also authorizes ecs:TagResource (when tags are given) and iam:PassRole for
// the task definition's roles, passed to ecs-tasks.amazonaws.com.
import type { Policy, Statement } from '../iam.js';
import type { EcsConfig } from './config.js';

const ECS_TASKS = { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } };

/** A role named in target.ecs.roles: an ARN as given, a name (path included) in the stack's account. */
const roleArn = (role: string, { arn }: Policy) => (role.startsWith('arn:') ? role : arn('iam::', { Ref: 'AWS::AccountId' }, ':role/', role));

/**
 * The roles to pass: exactly those declared, when every ECS service declares
 * its roles (target.ecs.roles); otherwise any role of the account, to ECS
 * tasks only. A task definition's roles are only known by reading it, which
 * packaging (offline, without credentials) cannot do.
 */
function passRole(targets: EcsConfig[], policy: Policy): Statement[] {
  const { allow, arn, unique } = policy;
  if (targets.some((t) => !t.roles)) return [allow(['iam:PassRole'], [arn('iam::', { Ref: 'AWS::AccountId' }, ':role/*')], ECS_TASKS)];
  const declared = unique(targets.flatMap((t) => [t.roles?.task, t.roles?.execution]).filter((r): r is string => Boolean(r)));
  return declared.length > 0
    ? [
        allow(
          ['iam:PassRole'],
          declared.map((r) => roleArn(r, policy)),
          ECS_TASKS,
        ),
      ]
    : [];
}

/** deployRelease's task-definition statements for the configured ECS targets (none without one). */
export function taskDefinitionStatements(targets: EcsConfig[], policy: Policy): Statement[] {
  if (targets.length === 0) return [];
  const { allow, inAccount, unique } = policy;
  // target.ecs.family defaults to the service name (platforms/ecs/config.ts).
  const revisions = unique(targets.map((t) => t.family)).map((family) => inAccount('ecs', `task-definition/${family}:*`));
  return [
    allow(['ecs:DescribeTaskDefinition'], ['*']),
    allow(['ecs:RegisterTaskDefinition'], revisions),
    // Tags are copied to the new revision; ECS checks TagResource on create, for these revisions only.
    allow(['ecs:TagResource'], revisions, { StringEquals: { 'ecs:CreateAction': 'RegisterTaskDefinition' } }),
    // The new revision keeps its task and execution roles, which ECS makes us pass.
    ...passRole(targets, policy),
  ];
}
