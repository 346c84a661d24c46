import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { RecordsDb } from '../../shared/records/db.js';
import { recordTimeOf, servicePk } from '../../shared/records/keys.js';
import type { DeploymentRecord } from '../../shared/records/types.js';

/**
 * A service's records pushed since `since`, oldest first. Record ids begin
 * with the push time, so the window is one key range, read page by page.
 */
export async function recordsSince(r: RecordsDb, service: string, since: Date): Promise<DeploymentRecord[]> {
  const from = `REC#${recordTimeOf(since.toISOString())}-`;
  const items: DeploymentRecord[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await r.db.send(
      new QueryCommand({
        TableName: r.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        // '$' sorts right after '#': every REC# key from `from` on.
        ExpressionAttributeValues: { ':pk': servicePk(service), ':from': from, ':to': 'REC$' },
        ExclusiveStartKey,
      }),
    );
    items.push(...((out.Items ?? []) as DeploymentRecord[]));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}
