import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { ServiceConfig } from '../config/schema.js';
import { TargetMisconfigured } from '../errors.js';
import { tagMatches } from '../match/tag-glob.js';
import { readAlarms } from './alarms.js';

export type Preflight = { blocked: false; firing: string[] } | { blocked: true; reason: string; alarms: string[] };

/**
 * Before anything changes. Every alarm the bake will watch must exist, or a
 * typo in shipwatch.yml would surface only after the deploy, as a rollback.
 * Alarms already in ALARM block the deploy (a broken service is not a good
 * baseline to judge a release against), unless the tag is a fix-forward: a
 * release meant to repair exactly that, whose bake judges those alarms at its end.
 */
export async function preflight(cloudwatch: CloudWatchClient, service: ServiceConfig, tag: string | undefined): Promise<Preflight> {
  const alarms = await readAlarms(cloudwatch, service.health.alarms);
  const missing = alarms.filter((a) => a.state === 'MISSING');
  if (missing.length > 0) {
    throw new TargetMisconfigured(
      `${service.name}: health.alarms names ${missing.length > 1 ? 'alarms that do' : 'an alarm that does'} not exist: ${missing.map((a) => a.name).join(', ')}; nothing was deployed`,
    );
  }
  const firing = alarms.filter((a) => a.state === 'ALARM').map((a) => a.name);
  if (firing.length === 0) return { blocked: false, firing };
  const fixForward = tag !== undefined && service.health.fixForwardTags.some((glob) => tagMatches(glob, tag));
  if (fixForward) return { blocked: false, firing };
  return {
    blocked: true,
    alarms: firing,
    reason: `${firing.join(', ')} already in ALARM before the deploy; push a tag matching health.fixForwardTags (${service.health.fixForwardTags.join(', ') || 'none configured'}) to fix forward`,
  };
}
