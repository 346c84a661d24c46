import type { World } from './world.js';

/** An EventBridge event as AWS services put it on the default bus. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

const isoSeconds = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * What the simulated services announce, as they announce it on EventBridge's
 * default bus, in the published shapes (test/fixtures has AWS's samples):
 * - ECR Image Scan when a basic scan completes or fails;
 * - ECS Deployment State Change when a deployment starts, completes, fails or
 *   is rolled back by the circuit breaker;
 * - ECS Hook State Change when a pause hook awaits action, is continued or
 *   rolled back, or times out (only pause hooks: the page's one sample is
 *   one, and it names the others in prose);
 * - CloudWatch Alarm State Change when an alarm changes state.
 * `drain` returns what happened up to now, each once, in time order.
 */
export class CloudEvents {
  private readonly scansAnnounced = new Set<string>();
  private readonly alarmStates = new Map<string, string>();
  private count = 0;

  constructor(private readonly world: World) {
    for (const name of world.cloudwatch.alarms.keys()) this.alarmStates.set(name, world.cloudwatch.alarmState(name).state);
  }

  drain(): BusEvent[] {
    const now = this.world.now();
    const events = [...this.scans(now), ...this.deployments(), ...this.hooks(), ...this.alarms(now)];
    return events.sort((a, b) => a.time.localeCompare(b.time));
  }

  private event(source: string, detailType: string, at: number, resources: string[], detail: Record<string, unknown>): BusEvent {
    this.count += 1;
    const { account, region } = this.world;
    return { version: '0', id: `sim-${this.count}-${at}`, 'detail-type': detailType, source, account, time: isoSeconds(at), region, resources, detail };
  }

  private *scans(now: number): Generator<BusEvent> {
    for (const done of this.world.ecr.scansFinishedBy(now)) {
      const key = `${done.repository}@${done.digest}`;
      if (this.scansAnnounced.has(key)) continue;
      this.scansAnnounced.add(key);
      yield this.event('aws.ecr', 'ECR Image Scan', done.at, [`arn:aws:ecr:${this.world.region}:${this.world.account}:repository/${done.repository}`], {
        'scan-status': done.status,
        'repository-name': done.repository,
        'finding-severity-counts': done.counts,
        'image-digest': done.digest,
        'image-tags': done.tags,
      });
    }
  }

  private *deployments(): Generator<BusEvent> {
    for (const change of this.world.ecs.drainDeploymentEvents()) {
      yield this.event(
        'aws.ecs',
        'ECS Deployment State Change',
        change.at,
        [`arn:aws:ecs:${this.world.region}:${this.world.account}:service/${change.cluster}/${change.service}`],
        {
          eventType: change.eventName === 'SERVICE_DEPLOYMENT_FAILED' ? 'ERROR' : 'INFO',
          eventName: change.eventName,
          deploymentId: change.deploymentId,
          updatedAt: new Date(change.at).toISOString(),
          reason: change.reason,
        },
      );
    }
  }

  /** As developerguide/ecs_hook_state_change_events.html shows one: resources[0] is the service deployment. */
  private *hooks(): Generator<BusEvent> {
    const { region, account } = this.world;
    for (const change of this.world.ecs.drainHookEvents()) {
      if (change.hookType !== 'PAUSE') continue;
      yield this.event('aws.ecs', 'ECS Hook State Change', change.at, [change.deploymentArn], {
        eventType: change.eventName === 'HOOK_FAILED' || change.eventName === 'HOOK_TIMED_OUT' ? 'WARN' : 'INFO',
        eventName: change.eventName,
        hookId: change.hookId,
        hookType: change.hookType,
        ...(change.expiresAt ? { expiresAt: isoSeconds(change.expiresAt) } : {}),
        lifecycleStage: change.stage,
        clusterArn: `arn:aws:ecs:${region}:${account}:cluster/${change.cluster}`,
        serviceArn: `arn:aws:ecs:${region}:${account}:service/${change.cluster}/${change.service}`,
        serviceDeploymentArn: change.deploymentArn,
        updatedAt: new Date(change.at).toISOString(),
      });
    }
  }

  private *alarms(now: number): Generator<BusEvent> {
    for (const name of this.world.cloudwatch.alarms.keys()) {
      const current = this.world.cloudwatch.alarmState(name, now);
      const before = this.alarmStates.get(name) ?? 'INSUFFICIENT_DATA';
      if (current.state === before) continue;
      this.alarmStates.set(name, current.state);
      const stamp = (t: number) => new Date(t).toISOString().replace('Z', '+0000');
      yield this.event(
        'aws.cloudwatch',
        'CloudWatch Alarm State Change',
        now,
        [`arn:aws:cloudwatch:${this.world.region}:${this.world.account}:alarm:${name}`],
        {
          alarmName: name,
          state: { value: current.state, reason: current.reason, timestamp: stamp(now) },
          previousState: { value: before, timestamp: stamp(current.since) },
          configuration: { description: `sandbox alarm ${name}` },
        },
      );
    }
  }
}
