import type {
  DescribeTaskDefinitionCommandInput,
  DescribeTaskDefinitionCommandOutput,
  RegisterTaskDefinitionCommandInput,
  RegisterTaskDefinitionCommandOutput,
  Tag,
  TaskDefinition,
} from '@aws-sdk/client-ecs';
import { CloudError } from './errors.js';

type Out<T> = Omit<T, '$metadata'>;

/** ECS's task definitions: revisions per family, registered and described as the API does. */
export class TaskDefinitions {
  readonly definitions = new Map<string, TaskDefinition & { tags?: Tag[] }>();
  private readonly revisions = new Map<string, number>();

  constructor(
    private readonly account: string,
    private readonly region: string,
    private readonly now: () => number,
  ) {}

  has(arn: string): boolean {
    return this.definitions.has(arn);
  }

  get(arn: string): (TaskDefinition & { tags?: Tag[] }) | undefined {
    return this.definitions.get(arn);
  }

  /** A task definition by ARN, `family:revision`, or `family` (its newest ACTIVE revision), as DescribeTaskDefinition accepts. */
  find(ref: string): (TaskDefinition & { tags?: Tag[] }) | undefined {
    if (ref.startsWith('arn:')) return this.definitions.get(ref);
    const [family, revision] = ref.split(':');
    const latest = revision ?? String(this.revisions.get(family ?? '') ?? '');
    return this.definitions.get(`arn:aws:ecs:${this.region}:${this.account}:task-definition/${family}:${latest}`);
  }

  DescribeTaskDefinition(input: DescribeTaskDefinitionCommandInput): Out<DescribeTaskDefinitionCommandOutput> {
    const def = this.find(input.taskDefinition ?? '');
    if (!def) throw new CloudError('ClientException', 'Unable to describe task definition.');
    const { tags, ...taskDefinition } = def;
    return { taskDefinition: structuredClone(taskDefinition), ...(input.include?.includes('TAGS') ? { tags: structuredClone(tags ?? []) } : {}) };
  }

  RegisterTaskDefinition(input: RegisterTaskDefinitionCommandInput): Out<RegisterTaskDefinitionCommandOutput> {
    const readOnly = ['taskDefinitionArn', 'revision', 'status', 'requiresAttributes', 'compatibilities', 'registeredAt', 'registeredBy', 'deregisteredAt'];
    const offending = readOnly.filter((k) => k in (input as unknown as Record<string, unknown>));
    if (offending.length > 0) {
      // What the real API says to an unknown member.
      throw new CloudError('ValidationException', `Unexpected key '${offending[0]}' found in params`);
    }
    if (!input.family || !input.containerDefinitions?.length) throw new CloudError('ClientException', 'Family and container definitions are required.');
    const revision = (this.revisions.get(input.family) ?? 0) + 1;
    this.revisions.set(input.family, revision);
    const arn = `arn:aws:ecs:${this.region}:${this.account}:task-definition/${input.family}:${revision}`;
    const { tags, ...rest } = structuredClone(input);
    const def: TaskDefinition & { tags?: Tag[] } = {
      ...rest,
      taskDefinitionArn: arn,
      revision,
      status: 'ACTIVE',
      compatibilities: ['EC2', 'FARGATE'],
      registeredAt: new Date(this.now()),
      registeredBy: `arn:aws:sts::${this.account}:assumed-role/shipwatch/deploy`,
      ...(tags ? { tags } : {}),
    };
    this.definitions.set(arn, def);
    const { tags: _t, ...taskDefinition } = def;
    return { taskDefinition: structuredClone(taskDefinition), ...(tags ? { tags } : {}) };
  }
}
