import { SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { RecordsDb } from '../records/db.js';
import type { Pending } from './look.js';
import { eventSince, storeWaiter } from './waiters.js';

/**
 * The start of an event-driven wait: the execution's task token is stored
 * under each key its last look named, then the events noted since that look
 * are checked once. An event that came between the look and now (before the
 * token was stored) ends the wait at once; later ones find the token.
 */
export async function awaitEvent(
  deps: { records: RecordsDb; sfn: SFNClient },
  input: { taskToken: string; execution: string; wait: Pick<Pending, 'wake' | 'lookedAt'> },
  now: Date,
): Promise<{ waitingOn: string[]; wokenBy?: string }> {
  const { wake, lookedAt } = input.wait;
  await storeWaiter(deps.records, wake, input.execution, input.taskToken, now);
  // Lambda's hosts keep time with the Amazon Time Sync Service; no margin is needed, and a
  // margin would wake a waiter again for the very event its look already saw.
  const seen = await eventSince(deps.records, wake, new Date(Date.parse(lookedAt) + 1));
  if (!seen) return { waitingOn: wake };
  await deps.sfn.send(
    new SendTaskSuccessCommand({ taskToken: input.taskToken, output: JSON.stringify({ woken: seen.what, key: seen.key, before: 'the wait began' }) }),
  );
  return { waitingOn: wake, wokenBy: seen.what };
}
