import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { ServiceConfig } from '../config/schema.js';
import { TargetMisconfigured } from '../errors.js';
import { readAlarms } from './alarms.js';

/**
 * Before anything changes: every alarm the bake will watch must exist, or a
 * typo in shipwatch.yml would surface only after the deploy, as a rollback.
 */
export async function preflight(cloudwatch: CloudWatchClient, service: ServiceConfig): Promise<void> {
  const missing = (await readAlarms(cloudwatch, service.health.alarms)).filter((a) => a.state === 'MISSING');
  if (missing.length > 0) {
    throw new TargetMisconfigured(
      `${service.name}: health.alarms names ${missing.length > 1 ? 'alarms that do' : 'an alarm that does'} not exist: ${missing.map((a) => a.name).join(', ')}; nothing was deployed`,
    );
  }
}
