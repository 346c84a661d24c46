import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { CloudError } from '../local/cloud/errors.js';
import type { FaultInjector, World } from '../local/cloud/world.js';
import type { Scenario } from './scenarios.js';

const errors = {
  ThrottlingException: () => new CloudError('ThrottlingException', 'Rate exceeded', 400),
  AccessDeniedException: () =>
    new CloudError('AccessDeniedException', 'User: arn:aws:sts::123456789012:assumed-role/shipwatch/rollBack is not authorized to perform this action', 400),
  InternalServerError: () => new CloudError('InternalServerError', 'Internal server error', 500),
} as const;

/**
 * A scenario's cues: faults that start when an execution enters a state, and
 * another person's deployment landing at such a moment. `enter` is called for
 * every state entered; each cue fires once.
 */
export function scenarioCues(world: World, scenario: Scenario, say: (who: string, text: string) => void) {
  const armed = new Map<string, { remaining: number; until?: string; every: number; calls: number; make: () => CloudError }>();
  const pending = [...(scenario.faults ?? [])];
  let interference = scenario.interference;
  const enter = (state: string) => {
    for (const [operation, cue] of armed) {
      if (cue.until !== state) continue;
      armed.delete(operation);
      say('aws', `${operation} works again`);
    }
    for (const cue of pending.filter((c) => c.when === state)) {
      pending.splice(pending.indexOf(cue), 1);
      armed.set(cue.operation, {
        remaining: cue.times ?? Number.POSITIVE_INFINITY,
        every: cue.every ?? 1,
        calls: 0,
        make: errors[cue.error],
        ...(cue.until ? { until: cue.until } : {}),
      });
      const which = cue.every
        ? `one ${cue.operation} call in ${cue.every}`
        : cue.times
          ? `the next ${cue.times} ${cue.operation} calls`
          : `every ${cue.operation} call`;
      say('aws', `${which}${cue.until ? ` until ${cue.until}` : ''} fail${cue.every || !cue.times ? 's' : ''} with ${cue.error}`);
    }
    if (interference?.when === state) {
      say('teammate', `deploys their own revision to ${interference.service} with UpdateService`);
      deployAsSomeoneElse(world, interference.service);
      interference = undefined;
    }
  };
  /** The fault for a call at `site` (service:Operation), DynamoDB's included. */
  const faultAt = (site: string): CloudError | undefined => {
    const cue = armed.get(site);
    if (!cue || cue.remaining <= 0) return undefined;
    cue.calls += 1;
    if (cue.calls % cue.every !== 1 % cue.every) return undefined;
    cue.remaining -= 1;
    return cue.make();
  };
  const fault: FaultInjector = ({ service, operation }) => faultAt(`${service}:${operation}`);
  return { enter, fault, faultAt };
}

/** A teammate's pipeline: a copy of the service's last good revision with a flag turned on, deployed with UpdateService. */
function deployAsSomeoneElse(world: World, clusterService: string): void {
  const [cluster, name] = clusterService.split('/') as [string, string];
  const service = world.ecs.services.get(clusterService);
  if (!service) throw new Error(`no service ${clusterService} in the sandbox`);
  const { taskDefinition } = world.ecs.DescribeTaskDefinition({ taskDefinition: service.lastCompleted });
  const { taskDefinitionArn, revision, status, requiresAttributes, compatibilities, registeredAt, registeredBy, deregisteredAt, ...editable } = taskDefinition!;
  const input = {
    ...editable,
    containerDefinitions: editable.containerDefinitions!.map((c, i) =>
      i === 0 ? { ...c, environment: [...(c.environment ?? []), { name: 'FEATURE_FLAG', value: 'on' }] } : c,
    ),
  } as RegisterTaskDefinitionCommandInput;
  const theirs = world.ecs.RegisterTaskDefinition(input).taskDefinition!.taskDefinitionArn!;
  world.ecs.UpdateService({ cluster, service: name, taskDefinition: theirs });
}
