import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Wake } from '../events/wake-events.js';
import type { RecordsDb } from '../records/db.js';
import { markEvent, wakeWaiters } from './waiters.js';

/**
 * An event for some keys: note it (a waiter about to store its token sees it)
 * and end the wait of every execution waiting on them. Delivered twice, the
 * second finds nobody waiting; delivered late, it only makes a waiter look
 * once more. Returns the executions woken.
 */
export async function resume(deps: { records: RecordsDb; sfn: SFNClient }, wake: Wake, now: Date): Promise<{ keys: string[]; woken: string[] }> {
  const woken: string[] = [];
  for (const key of wake.keys) {
    await markEvent(deps.records, key, wake.what, now);
    woken.push(...(await wakeWaiters(deps, key, wake.what)));
  }
  return { keys: wake.keys, woken };
}
