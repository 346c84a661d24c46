import type { World } from '../local/cloud/world.js';

/** The EventBridge `CloudWatch Alarm State Change` event CloudWatch emits for a transition (the published shape). */
export function alarmEvent(world: World, name: string, now: { state: string; since: number; reason: string }, previous: string) {
  const at = new Date(world.now());
  return {
    version: '0',
    id: `sandbox-${name}-${at.getTime()}`,
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: world.account,
    time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: world.region,
    resources: [`arn:aws:cloudwatch:${world.region}:${world.account}:alarm:${name}`],
    detail: {
      alarmName: name,
      state: { value: now.state, reason: now.reason, timestamp: at.toISOString().replace('Z', '+0000') },
      previousState: { value: previous, timestamp: new Date(now.since).toISOString().replace('Z', '+0000') },
      configuration: { description: `sandbox alarm ${name}` },
    },
  };
}
