import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Approval, ApprovalDecision, ApprovalStore } from '../slack/interaction.js';
import { isConditionFailure, type RecordsDb } from './db.js';
import { approvalPk } from './keys.js';

const key = (approvalId: string) => ({ pk: approvalPk(approvalId), sk: 'APPROVAL' });

/**
 * Approvals in the records table: the Step Functions task token is stored
 * server-side under a random id, and only that id travels in the Slack button.
 * A decision is a conditional write, so two clicks cannot both win.
 */
export function dynamoApprovals(r: RecordsDb): ApprovalStore & { create(approval: Approval): Promise<void> } {
  return {
    async create(approval) {
      // Kept a week past expiry for the audit trail, then DynamoDB TTL removes it.
      const ttl = Math.floor(Date.parse(approval.expiresAt) / 1000) + 7 * 24 * 3600;
      await r.db.send(new PutCommand({ TableName: r.table, Item: { ...key(approval.approvalId), kind: 'approval', ttl, ...approval } }));
    },
    async get(approvalId) {
      const out = await r.db.send(new GetCommand({ TableName: r.table, Key: key(approvalId), ConsistentRead: true }));
      if (!out.Item) return undefined;
      const { pk: _pk, sk: _sk, kind: _kind, ttl: _ttl, ...approval } = out.Item;
      return approval as Approval;
    },
    async decide(approvalId, decision: ApprovalDecision) {
      try {
        await r.db.send(
          new UpdateCommand({
            TableName: r.table,
            Key: key(approvalId),
            UpdateExpression: 'SET decision = :d',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(decision)',
            ExpressionAttributeValues: { ':d': decision },
          }),
        );
        return { ok: true };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const existing = (await this.get(approvalId))?.decision;
        if (!existing) throw error;
        return { ok: false, existing };
      }
    },
  };
}
