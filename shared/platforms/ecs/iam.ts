import type { PlatformIam } from '../iam.js';
import type { EcsConfig } from './config.js';
import { taskDefinitionStatements } from './task-definition-iam.js';

/** What the functions call on the ECS services the config names (progressive services add infra/ecs-progressive.cjs). */
export const ecsIam: PlatformIam<EcsConfig> = (ecs, policy) => {
  const { allow, inAccount, unique } = policy;
  const services =
    ecs.length > 0
      ? unique(ecs.map((t) => `${t.cluster}/${t.service}`)).map((cs) => inAccount('ecs', `service/${cs}`))
      : [inAccount('ecs', 'service/shipwatch-none/none')];
  const describeServices = allow(['ecs:DescribeServices'], services);
  const update = allow(['ecs:DescribeServices', 'ecs:UpdateService'], services);
  return {
    deployRelease: [update, ...taskDefinitionStatements(ecs, policy)],
    watchRollout: [describeServices],
    advanceRelease: [describeServices],
    checkHealth: [describeServices],
    rollBack: [update],
  };
};
