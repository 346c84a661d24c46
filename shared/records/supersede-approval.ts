import { SendTaskFailureCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { logger } from '../lambda/logger.js';
import { dynamoApprovals } from './approvals.js';
import type { RecordsDb } from './db.js';
import { getRecord } from './queries.js';

/** SendTask* answers meaning the execution no longer waits for that token. */
const GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/**
 * A newer push ends an older one that waits for approval at once: its task
 * token fails with `Superseded`, so the older execution ends `superseded`
 * instead of waiting out its approval timeout. Safe to call twice.
 */
export async function supersedeWaitingApproval(r: RecordsDb, sfn: SFNClient, service: string, olderRecordId: string, newerRecordId: string): Promise<boolean> {
  const older = await getRecord(r, service, olderRecordId);
  const approvalId = older?.approval?.approvalId;
  if (!approvalId || older?.outcome) return false;
  const approval = await dynamoApprovals(r).get(approvalId);
  if (!approval || approval.decision) return false;
  try {
    await sfn.send(
      new SendTaskFailureCommand({
        taskToken: approval.taskToken,
        error: 'Superseded',
        cause: `${service}: superseded by a newer image (${newerRecordId}) while awaiting approval`,
      }),
    );
    return true;
  } catch (error) {
    if (GONE.has((error as Error).name)) return false;
    logger.warn('could not end the superseded approval wait; it ends at its timeout', { service, olderRecordId, error: (error as Error).message });
    return false;
  }
}
