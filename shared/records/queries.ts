import { GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { RecordsDb } from './db.js';
import { recordSk, servicePk } from './keys.js';
import type { DeploymentRecord, ServiceState } from './types.js';

/** A service's records, newest first. */
export async function history(r: RecordsDb, service: string, limit = 20): Promise<DeploymentRecord[]> {
  const out = await r.db.send(
    new QueryCommand({
      TableName: r.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :rec)',
      ExpressionAttributeValues: { ':pk': servicePk(service), ':rec': 'REC#' },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (out.Items ?? []) as DeploymentRecord[];
}

export async function getRecord(r: RecordsDb, service: string, recordId: string): Promise<DeploymentRecord | undefined> {
  const out = await r.db.send(new GetCommand({ TableName: r.table, Key: { pk: servicePk(service), sk: recordSk(recordId) }, ConsistentRead: true }));
  return out.Item as DeploymentRecord | undefined;
}

/** Every service's state item (for `shipwatch status`; a handful of items, so a scan is fine). */
export async function allStates(r: RecordsDb): Promise<ServiceState[]> {
  const states: ServiceState[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await r.db.send(
      new ScanCommand({ TableName: r.table, FilterExpression: 'sk = :state', ExpressionAttributeValues: { ':state': 'STATE' }, ExclusiveStartKey }),
    );
    states.push(...((out.Items ?? []) as ServiceState[]));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return states.sort((a, b) => a.service.localeCompare(b.service));
}
