import { createHash } from 'node:crypto';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { Config, ServiceConfig } from '../config/schema.js';
import { alarmTime, type AlarmStateEvent } from '../events/alarm-state.js';
import { readAlarms, type AlarmState } from '../health/alarms.js';
import { appendEvent } from '../records/outcome.js';
import { getState } from '../records/admission.js';
import type { RecordsDb } from '../records/db.js';
import { getRecord } from '../records/queries.js';
import type { ServiceState } from '../records/types.js';
import { rollbackInput } from '../workflow/rollback-input.js';

export type AlarmDecision =
  | { action: 'rollback'; recordId: string; to: string; from: string; minutesAfter: number }
  | { action: 'notify'; recordId?: string; why: string }
  | { action: 'none'; why: string };

/**
 * Pure: what an alarm going to ALARM at `alarmAt` means for one service. A
 * transition after the deployment finished and inside the guard window →
 * roll back to the release before it. A deployment in flight → nothing (its
 * own watch handles it: never two rollbacks). Otherwise → record and notify
 * only. EventBridge may deliver an event late, so `alarmAt` is the
 * transition's own time, which can be long before `now`, and even before the
 * deployment: that ALARM judged the release before this one.
 */
export function decideAfterDeploy(service: ServiceConfig, state: ServiceState | undefined, alarmAt: Date, now: Date): AlarmDecision {
  const lease = state?.lease;
  if (lease && Date.parse(lease.expiresAt) > now.getTime()) {
    return { action: 'none', why: `${lease.holder} is ${lease.phase.replace('_', ' ')}; the workflow's own watch handles the alarm` };
  }
  const last = state?.lastDeployment;
  if (!last) return { action: 'notify', why: 'no deployment by Shipwatch to roll back' };
  if (last.outcome !== 'deployed')
    return { action: 'notify', recordId: last.recordId, why: `the last deployment ended ${last.outcome}, nothing of ours to roll back` };
  const minutesAfter = (alarmAt.getTime() - Date.parse(last.finishedAt)) / 60_000;
  if (minutesAfter < 0) {
    return {
      action: 'notify',
      recordId: last.recordId,
      why: `the alarm went to ALARM ${Math.round(-minutesAfter)} minutes before the deployment finished, so not because of it`,
    };
  }
  // Fails closed: a time that cannot be compared (NaN) is outside the window, never inside.
  if (!(minutesAfter <= service.health.guardMinutes)) {
    return {
      action: 'notify',
      recordId: last.recordId,
      why: `${Math.round(minutesAfter)} minutes after the deploy, outside guardMinutes (${service.health.guardMinutes})`,
    };
  }
  if (!last.previousRevision || !last.revision || last.previousRevision === last.revision) {
    return { action: 'notify', recordId: last.recordId, why: 'no previous release to roll back to' };
  }
  return { action: 'rollback', recordId: last.recordId, to: last.previousRevision, from: last.revision, minutesAfter };
}

export interface AlarmOutcome {
  service: string;
  decision: AlarmDecision;
  executionArn?: string;
}

/**
 * For each service listing the alarm: decide, then act. A rollback needs the
 * alarm to be in ALARM now (DescribeAlarms): a late event can describe a
 * transition the alarm has long since left. It runs as an execution of the
 * deploy state machine in rollback mode (the same RollBack and WatchRollback
 * steps), named after service, alarm and transition time, and a note is
 * written once per transition: a duplicate event starts and writes nothing new.
 */
export async function handleAlarm(
  deps: { records: RecordsDb; sfn: SFNClient; cloudwatch: CloudWatchClient; stateMachineArn: string },
  config: Config,
  event: AlarmStateEvent,
  now: Date,
): Promise<AlarmOutcome[]> {
  const name = event.detail.alarmName;
  const at = alarmTime(event);
  let current: Promise<AlarmState> | undefined;
  const alarmNow = () => (current ??= readAlarms(deps.cloudwatch, [name]).then(([alarm]) => alarm!));
  const outcomes: AlarmOutcome[] = [];
  for (const service of config.services.filter((s) => s.health.alarms.includes(name))) {
    const state = await getState(deps.records, service.name);
    let decision = decideAfterDeploy(service, state, at, now);
    if (decision.action === 'rollback') {
      const alarm = await alarmNow();
      if (alarm.state !== 'ALARM') {
        const where = alarm.state === 'MISSING' ? 'no longer exists' : `is ${alarm.state} now`;
        decision = { action: 'notify', recordId: decision.recordId, why: `alarm ${name} ${where} (DescribeAlarms): nothing to roll back for` };
      }
    }
    const outcome: AlarmOutcome = { service: service.name, decision };
    if (decision.action === 'notify' && decision.recordId) {
      const note = `alarm ${name} went to ALARM at ${at.toISOString()}; not rolled back: ${decision.why}`;
      await appendEvent(deps.records, service.name, decision.recordId, note, now, { once: `${name}@${at.toISOString()}` });
    }
    if (decision.action === 'rollback') {
      const record = await getRecord(deps.records, service.name, decision.recordId);
      if (!record) throw new Error(`${service.name}: record ${decision.recordId} of the last deployment is missing`);
      const input = rollbackInput({
        record,
        service,
        platform: state?.lastDeployment?.platform ?? 'ecs',
        from: decision.from,
        to: decision.to,
        since: state!.lastDeployment!.finishedAt,
        reason: { trigger: 'alarm', detail: `alarm ${name} after deploy (${Math.round(decision.minutesAfter)} minutes after it)` },
        eventId: `alarm-${name}`,
        region: process.env.AWS_REGION ?? 'us-east-1',
        now,
      });
      const id = createHash('sha256').update(`${name}|${at.toISOString()}`).digest('hex').slice(0, 24);
      try {
        const out = await deps.sfn.send(
          new StartExecutionCommand({ stateMachineArn: deps.stateMachineArn, name: `${service.name}-alarm-${id}`, input: JSON.stringify(input) }),
        );
        if (out.executionArn) outcome.executionArn = out.executionArn;
      } catch (error) {
        if ((error as Error).name !== 'ExecutionAlreadyExists') throw error;
      }
    }
    outcomes.push(outcome);
  }
  return outcomes;
}
