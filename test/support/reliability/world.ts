import { loadConfig } from '../../../shared/config/load.js';
import type { ServiceConfig } from '../../../shared/config/schema.js';
import { parseEcrPushEvent } from '../../../shared/events/ecr-push.js';
import { recordIdOf } from '../../../shared/records/keys.js';
import { releaseFromPush } from '../../../shared/release/release.js';
import type { Approval } from '../../../shared/slack/interaction.js';
import { eventSample, type EventSample } from '../fixtures.js';

// The world every bad-input case starts from (bad-input.test.ts seeds it
// before each case): a fixed now, the ids of the Slack side, the test config,
// this push (admitted, about to deploy web:42 → web:43), the previous one
// (deployed ten minutes ago) and the approvals waiting in the records table.

export const NOW = new Date('2026-11-02T10:30:00.000Z');
export const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);
export const iso = (n: number) => minutes(n).toISOString();
export const seconds = (d: Date) => String(Math.floor(d.getTime() / 1000));
export const NOW_S = seconds(NOW);

export const STATE_MACHINE_ARN = process.env.STATE_MACHINE_ARN ?? 'arn:aws:states:us-east-1:123456789012:stateMachine:shipwatch-deploy';
export const SIGNING_SECRET = 'reliability-signing-secret-0123456789abcdef';
export const CHANNEL = 'C0DEPLOYS';
export const MESSAGE_TS = '1793615000.000100';
export const APPROVER = 'U0ALICE';
export const GROUP = 'S0RELEASE';
export const GROUP_MEMBER = 'U0GROUPIE';
export const PUSHER = 'U0PUSHER';
export const OUTSIDER = 'U0MALLORY';
export const taskDefinition = (revision: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${revision}`;

/** shipwatch.test.yml (SHIPWATCH_CONFIG), as the handlers load it at cold start. */
export const CONFIG = loadConfig();
export const WEB: ServiceConfig = CONFIG.services.find((s) => s.name === 'web')!;
export const WEB_WITH_APPROVAL: ServiceConfig = {
  ...WEB,
  approval: { required: true, channel: CHANNEL, approvers: [APPROVER, GROUP], timeoutMinutes: 30, onTimeout: 'reject', allowSelfApproval: false },
};

/** The published ECR push sample, re-aimed at the `web` repository (services web and worker) ten minutes ago. */
export function pushEvent(mutate: (e: EventSample) => void = () => undefined): EventSample {
  const event = eventSample('eventbridge-ecr-image-action-push-success');
  event.detail['repository-name'] = 'web';
  event.detail['image-tag'] = 'v1.2.3';
  event.time = iso(-10).replace('.000Z', 'Z');
  mutate(event);
  return event;
}

export const RELEASE = releaseFromPush(parseEcrPushEvent(pushEvent()));
export const RECORD_ID = recordIdOf(RELEASE);
export const ADMISSION = { recordId: RECORD_ID, admittedAt: iso(-9) };
/** The deploy step's output for this push: web:42 (running) → web:43. */
export const DEPLOYMENT = {
  platform: 'ecs',
  previousRevision: taskDefinition(42),
  revision: taskDefinition(43),
  deploymentId: 'ecs-svc/3',
  startedAt: iso(-6),
  alreadyRunning: false,
};

/** The previous push, deployed (web:41 → web:42) ten minutes ago: the release an alarm now would roll back. */
export const PREVIOUS = {
  recordId: '20261102T090000Z-aaaaaaaaaaaa',
  digest: `sha256:${'a'.repeat(64)}`,
  pushedAt: iso(-90),
  finishedAt: iso(-10),
};

/** One approval waiting in the records table, and the other states an approval can be in. */
export function approval(approvalId: string, overrides: Partial<Approval> = {}): Approval {
  const expiresAt = iso(30);
  return {
    approvalId,
    taskToken: `AQCEAAAAKgAAAAMAAAAAAAAAAfakeTaskToken-${approvalId}==`,
    service: 'web',
    recordId: RECORD_ID,
    channel: CHANNEL,
    messageTs: MESSAGE_TS,
    approvers: [APPROVER, GROUP],
    allowSelfApproval: false,
    triggeredBy: PUSHER,
    expiresAt,
    view: {
      service: 'web',
      repository: RELEASE.repository,
      tag: RELEASE.tag,
      digest: RELEASE.digest,
      imageUri: RELEASE.imageUri,
      phase: 'awaiting_approval',
      approval: { approvalId, approvers: [APPROVER, GROUP], expiresAt },
    },
    ...overrides,
  };
}
export const APPROVALS: Approval[] = [
  approval('apr-open'),
  approval('apr-decided', { decision: { decision: 'approved', by: APPROVER, at: iso(-2) } }),
  approval('apr-expired', { expiresAt: iso(-1) }),
];
