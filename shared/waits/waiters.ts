import { SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { BatchGetCommand, DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, type RecordsDb } from '../records/db.js';

// Task tokens of waiting executions, and the last event seen for each key,
// in the records table:
//   pk WAIT#<key>, sk <execution name>   the token an execution waits with
//   pk EVENT#<key>, sk LAST              when an event for the key last came
// Both expire through the table's TTL a day after they are written.

const DAY_SECONDS = 24 * 3600;
const ttl = (now: Date) => Math.floor(now.getTime() / 1000) + DAY_SECONDS;
/** Tokens that Step Functions no longer knows: the wait already ended (a look, a timeout, another event). */
const GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/** Stores the execution's current task token under each key (a newer wait of the same execution replaces the older). */
export async function storeWaiter(r: RecordsDb, keys: readonly string[], execution: string, taskToken: string, now: Date): Promise<void> {
  for (const key of keys) {
    await r.db.send(
      new PutCommand({ TableName: r.table, Item: { pk: `WAIT#${key}`, sk: execution, taskToken, waitingSince: now.toISOString(), ttl: ttl(now) } }),
    );
  }
}

/** Notes that an event for `key` came now: a waiter that stores its token a moment later still sees it. */
export async function markEvent(r: RecordsDb, key: string, what: string, now: Date): Promise<void> {
  await r.db.send(new PutCommand({ TableName: r.table, Item: { pk: `EVENT#${key}`, sk: 'LAST', what, at: now.toISOString(), ttl: ttl(now) } }));
}

/** The newest event for any of `keys` noted at or after `since`, if any. */
export async function eventSince(r: RecordsDb, keys: readonly string[], since: Date): Promise<{ key: string; what: string; at: string } | undefined> {
  const seen: { pk: string; what: string; at: string }[] = [];
  // BatchGetItem takes 100 keys at a time and may leave some unprocessed under load.
  let pending = [...new Set(keys)].map((k) => ({ pk: `EVENT#${k}`, sk: 'LAST' }));
  while (pending.length > 0) {
    const batch = pending.slice(0, 100);
    const out = await r.db.send(new BatchGetCommand({ RequestItems: { [r.table]: { Keys: batch, ConsistentRead: true } } }));
    seen.push(...((out.Responses?.[r.table] ?? []) as typeof seen));
    pending = [...((out.UnprocessedKeys?.[r.table]?.Keys ?? []) as typeof pending), ...pending.slice(100)];
  }
  const recent = seen.filter((e) => Date.parse(e.at) >= since.getTime()).sort((a, b) => b.at.localeCompare(a.at))[0];
  return recent ? { key: recent.pk.slice('EVENT#'.length), what: recent.what, at: recent.at } : undefined;
}

/**
 * Ends the wait of every execution waiting on `key` (SendTaskSuccess; the
 * execution then looks for itself) and forgets their tokens. A token Step
 * Functions no longer knows is forgotten too. Returns the executions woken.
 */
export async function wakeWaiters(deps: { records: RecordsDb; sfn: SFNClient }, key: string, what: string): Promise<string[]> {
  const { records: r, sfn } = deps;
  const out = await r.db.send(
    new QueryCommand({ TableName: r.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `WAIT#${key}` }, ConsistentRead: true }),
  );
  const woken: string[] = [];
  for (const item of (out.Items ?? []) as { pk: string; sk: string; taskToken: string }[]) {
    try {
      await sfn.send(new SendTaskSuccessCommand({ taskToken: item.taskToken, output: JSON.stringify({ woken: what, key }) }));
      woken.push(item.sk);
    } catch (error) {
      if (!GONE.has((error as Error).name)) throw error;
    }
    // Only this token: the same execution may already wait again with a newer one.
    await r.db
      .send(
        new DeleteCommand({
          TableName: r.table,
          Key: { pk: item.pk, sk: item.sk },
          ConditionExpression: 'taskToken = :token',
          ExpressionAttributeValues: { ':token': item.taskToken },
        }),
      )
      .catch((error) => {
        if (!isConditionFailure(error)) throw error;
      });
  }
  return woken;
}
