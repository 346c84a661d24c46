import { ecsClient } from '../../aws/ecs.js';
import type { Platform } from '../platforms.js';
import { ecsTarget } from './ecs-target.js';

/** `target.ecs`: the ECS service, through the container's one ECS client. */
export const ecsPlatform: Platform = (service) => service.target.ecs && ecsTarget(ecsClient(), service.target.ecs);
