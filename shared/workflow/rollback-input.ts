import type { ServiceConfig } from '../config/schema.js';
import type { PlatformKey } from '../platforms/registry.js';
import type { DeploymentRecord } from '../records/types.js';
import type { ExecutionInput } from './state.js';

/** Why a finished deployment is rolled back: an alarm after the deploy, or a person (`shipwatch rollback`, the dashboard). */
export interface RollbackReason {
  trigger: 'alarm' | 'manual';
  /** The outcome's reason starts with this: "alarm web-5xx after deploy (12 minutes after it)", "rolled back by alice …". */
  detail: string;
}

export interface RollbackRequest {
  /** The record of the release that runs now, the one rolled back. */
  record: Pick<DeploymentRecord, 'recordId' | 'repository' | 'imageUri' | 'digest' | 'tag' | 'pushedAt'>;
  service: ServiceConfig;
  platform: PlatformKey;
  /** The revision running now, and the one to go back to. */
  from: string;
  to: string;
  /** When the release being rolled back finished deploying (the rollback's deployment is watched from then). */
  since: string;
  reason: RollbackReason;
  /** What asked: part of the release's event id, so the execution says where it came from. */
  eventId: string;
  region: string;
  now: Date;
}

/**
 * The one way a rollback of a finished deployment starts: a `mode: rollback`
 * execution on the deployment's own record, the state machine's rollback
 * steps only (alarm rule and CLI alike). The reason travels as a reason, not
 * as an invented failure the result must recognise.
 */
export function rollbackInput(req: RollbackRequest): ExecutionInput {
  const { record } = req;
  return {
    mode: 'rollback',
    release: {
      repository: record.repository,
      registry: record.imageUri.split('/')[0]!,
      digest: record.digest,
      ...(record.tag ? { tag: record.tag } : {}),
      imageUri: record.imageUri,
      pushedAt: record.pushedAt,
      eventId: req.eventId,
      region: req.region,
    },
    service: req.service,
    admission: { recordId: record.recordId, admittedAt: req.now.toISOString() },
    deploy: { platform: req.platform, previousRevision: req.to, revision: req.from, deploymentId: '', startedAt: req.since, alreadyRunning: false },
    rollbackReason: req.reason,
  };
}
