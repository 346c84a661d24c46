import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, type RecordsDb } from './db.js';
import { servicePk } from './keys.js';

// What Shipwatch's ECS lifecycle hook remembers, in the records table next to
// the service's records (pk SVC#<service>):
//   sk HOOK#<deploymentId>#<stage>@<weight>  when the hook first saw that stage
//                                            (a step is judged from then), and
//                                            its decision once made
//   sk HOOK#<deploymentId>                   the newest verdict and the one that
//                                            failed the deployment, for the
//                                            workflow's progress look
// ECS invokes the hook again and again (IN_PROGRESS, callBackDelay), and may
// retry an invocation: every write here is safe to repeat.

/** What the hook decided about a service deployment: the newest verdict, and the one that failed it (the reason ECS rolled back). */
export interface HookNotes {
  latest?: string;
  failed?: string;
}

export interface StageKey {
  service: string;
  /** The service deployment's id (the last part of its ARN). */
  deploymentId: string;
  /** `<lifecycleStage>@<production weight>`: each canary or linear step is a stage of its own. */
  stage: string;
}

const stageSk = (k: StageKey) => `HOOK#${k.deploymentId}#${k.stage}`;
const summarySk = (deploymentId: string) => `HOOK#${deploymentId}`;

/**
 * When the hook first saw this stage: a conditional write that only the
 * first invocation wins; every later one reads what it wrote.
 */
export async function firstSeen(r: RecordsDb, key: StageKey, about: { recordId: string; deploymentArn: string }, now: Date): Promise<Date> {
  const Key = { pk: servicePk(key.service), sk: stageSk(key) };
  try {
    await r.db.send(
      new PutCommand({
        TableName: r.table,
        Item: { ...Key, kind: 'hook-stage', ...about, stage: key.stage, firstSeenAt: now.toISOString() },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return now;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  const out = await r.db.send(new GetCommand({ TableName: r.table, Key, ConsistentRead: true }));
  return new Date(String(out.Item?.firstSeenAt));
}

export type HookDecision = 'judging' | 'SUCCEEDED' | 'FAILED';

/**
 * The hook's verdict on a stage, with its arithmetic: the newest one for the
 * progress look, and the first FAILED one kept as the reason ECS rolled back.
 * A final decision (SUCCEEDED, FAILED) is written once per stage.
 */
export async function noteVerdict(r: RecordsDb, key: StageKey, decision: HookDecision, verdict: string, now: Date): Promise<void> {
  const at = now.toISOString();
  await r.db.send(
    new UpdateCommand({
      TableName: r.table,
      Key: { pk: servicePk(key.service), sk: summarySk(key.deploymentId) },
      UpdateExpression: `SET kind = :kind, latest = :verdict, updatedAt = :at${decision === 'FAILED' ? ', failed = if_not_exists(failed, :verdict)' : ''}`,
      ExpressionAttributeValues: { ':kind': 'hook-summary', ':verdict': verdict, ':at': at },
    }),
  );
  if (decision === 'judging') return;
  await r.db
    .send(
      new UpdateCommand({
        TableName: r.table,
        Key: { pk: servicePk(key.service), sk: stageSk(key) },
        UpdateExpression: 'SET decision = :decision, verdict = :verdict, decidedAt = :at',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(decision)',
        ExpressionAttributeValues: { ':decision': decision, ':verdict': verdict, ':at': at },
      }),
    )
    .catch((error) => {
      if (!isConditionFailure(error)) throw error;
    });
}

/** What the hook last decided about a service deployment (undefined before its first verdict). */
export async function hookNotes(r: RecordsDb, service: string, deploymentArn: string): Promise<HookNotes | undefined> {
  const deploymentId = deploymentArn.slice(deploymentArn.lastIndexOf('/') + 1);
  const out = await r.db.send(new GetCommand({ TableName: r.table, Key: { pk: servicePk(service), sk: summarySk(deploymentId) } }));
  if (!out.Item) return undefined;
  return {
    ...(typeof out.Item.latest === 'string' ? { latest: out.Item.latest } : {}),
    ...(typeof out.Item.failed === 'string' ? { failed: out.Item.failed } : {}),
  };
}
