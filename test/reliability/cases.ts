import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { signedClick, type Click } from '../../local/slack/click.js';
import { loadConfig } from '../../shared/config/load.js';
import type { ServiceConfig } from '../../shared/config/schema.js';
import { parseEcrPushEvent } from '../../shared/events/ecr-push.js';
import { executionName } from '../../shared/match/match-push.js';
import { recordIdOf } from '../../shared/records/keys.js';
import { releaseFromPush } from '../../shared/release/release.js';
import type { Approval } from '../../shared/slack/interaction.js';
import { slackSignature } from '../../shared/slack/verify-signature.js';
import { eventSample, fixture, type EventSample } from '../support/fixtures.js';
import { REPLIES, type SlackTestServer } from '../support/slack-test-server.js';

// The bad-input tables of the reliability suite: every Lambda entry point fed
// malformed, truncated, foreign and oversized events, config typos, malformed
// workflow state and forged, replayed, stale and unauthorized Slack requests.
// Each case names what must be refused and the text that says why; the test
// (bad-input.test.ts) runs it against the real handler and checks that nothing
// was written anywhere. A case with `bug` documents a refusal the code does not
// make yet (or makes unclearly, or after a write): it runs as `it.fails`.

export const CATEGORIES = [
  'malformed',
  'truncated',
  'foreign',
  'oversized',
  'config-typo',
  'slack-forged',
  'slack-replayed',
  'slack-stale',
  'slack-unauthorized',
  'slack-malformed',
  'state-malformed',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const HANDLER_ENTRIES = [
  'start-deployments',
  'alarm-rollback',
  'close-record',
  'admit-release',
  'scan-image',
  'acquire-lease',
  'deploy-release',
  'watch-rollout',
  'check-health',
  'roll-back',
  'finish-deployment',
  'request-approval',
] as const;
export type HandlerEntry = (typeof HANDLER_ENTRIES)[number];
export type Entry = HandlerEntry | 'slack-interaction' | 'config';

/** Refused by throwing: the error's name (the contract with Step Functions) and a message naming what is wrong. */
export interface Throws {
  throws: string;
  message: RegExp;
}
/** Refused by doing nothing: the result or a log line says why. */
export interface Ignores {
  ignores: RegExp;
}
/** Refused by the interactivity endpoint with an HTTP answer. */
export interface Answers {
  status: number;
  body: RegExp;
}

export interface CaseContext {
  slack: SlackTestServer;
}

interface CaseBase {
  category: Category;
  name: string;
  /** A known bug: what the entry point does instead (the test runs as `it.fails`). */
  bug?: string;
  /** Per-case setup; the returned function undoes it. */
  prepare?: (ctx: CaseContext) => (() => void) | void;
}

export type Case =
  | (CaseBase & { kind: 'event'; entry: HandlerEntry; event: unknown; expect: Throws | Ignores })
  | (CaseBase & { kind: 'slack'; entry: 'slack-interaction'; request: APIGatewayProxyEventV2; expect: Answers | Throws })
  | (CaseBase & { kind: 'config'; entry: 'config'; text: string; expect: Throws })
  /** The handler module's cold start (config and environment are read at import). */
  | (CaseBase & { kind: 'cold-start'; entry: 'start-deployments' | 'alarm-rollback'; env: Record<string, string | undefined>; expect: Throws });

// ---------------------------------------------------------------------------
// The world every case starts from (bad-input.test.ts seeds it before each case)
// ---------------------------------------------------------------------------

export const NOW = new Date('2026-11-02T10:30:00.000Z');
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);
const iso = (n: number) => minutes(n).toISOString();
const seconds = (d: Date) => String(Math.floor(d.getTime() / 1000));
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

type Json = Record<string, unknown>;

const clone = <T>(value: T): T => structuredClone(value);

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
export const DEPLOYMENT = { platform: 'ecs', previousRevision: taskDefinition(42), revision: taskDefinition(43), deploymentId: 'ecs-svc/3', startedAt: iso(-6), alreadyRunning: false };

/** The previous push, deployed (web:41 → web:42) ten minutes ago: the release an alarm now would roll back. */
export const PREVIOUS = {
  recordId: '20261102T090000Z-aaaaaaaaaaaa',
  digest: `sha256:${'a'.repeat(64)}`,
  pushedAt: iso(-90),
  finishedAt: iso(-10),
};

/** The execution state as the task after AcquireLease sees it; `patch` adds, replaces or (undefined) removes keys. */
export function workflowState(patch: Json = {}): Json {
  const state: Json = { release: clone(RELEASE), service: clone(WEB), admission: clone(ADMISSION), ...clone(patch) };
  for (const [key, value] of Object.entries(patch)) if (value === undefined) delete state[key];
  return state;
}
const withRelease = (patch: Json) => ({ ...clone(RELEASE), ...patch });

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

// ---------------------------------------------------------------------------
// Event builders
// ---------------------------------------------------------------------------

/** A CloudWatch alarm state change into ALARM, one minute ago, for an alarm shipwatch.test.yml lists. */
export function alarmEvent(mutate: (e: EventSample) => void = () => undefined, name = 'web-5xx-alarm'): EventSample {
  const event = eventSample('eventbridge-cloudwatch-alarm-state-change-single-metric-ok-to-alarm');
  event.time = iso(-1).replace('.000Z', 'Z');
  event.resources = [`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`];
  event.detail.alarmName = name;
  (event.detail.state as Json).timestamp = iso(-1).replace('Z', '+0000');
  mutate(event);
  return event;
}

/** The execution input start-deployments gave this push's execution. */
const shipwatchInput = () => ({ release: clone(RELEASE), service: clone(WEB) });

/** Step Functions says this push's execution FAILED (it died without an outcome). */
export function statusEvent(mutate: (e: EventSample) => void = () => undefined, input: unknown = shipwatchInput()): EventSample {
  const event = eventSample('eventbridge-stepfunctions-execution-status-change-failed');
  const name = executionName('web', RELEASE.digest, RELEASE.eventId);
  const executionArn = STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:') + `:${name}`;
  event.account = '123456789012';
  event.time = iso(-1).replace('.000Z', 'Z');
  event.resources = [executionArn];
  Object.assign(event.detail, {
    executionArn,
    stateMachineArn: STATE_MACHINE_ARN,
    name,
    startDate: minutes(-9).getTime(),
    stopDate: minutes(-1).getTime(),
    input: JSON.stringify(input),
    error: 'Lambda.Unknown',
    cause: 'The Lambda function exited before completing the request',
  });
  mutate(event);
  return event;
}

/** The same JSON, `bytes` long in all, by padding the `resources` list. */
function paddedTo(event: EventSample, bytes: number): EventSample {
  const padded = { ...event, resources: [''] };
  const missing = bytes - Buffer.byteLength(JSON.stringify(padded));
  padded.resources = ['x'.repeat(missing)];
  return padded;
}

// ---------------------------------------------------------------------------
// Slack request builders (a Lambda function URL event, as Slack's POST arrives)
// ---------------------------------------------------------------------------

const FORM = 'application/x-www-form-urlencoded';

/** The form body Slack sends for a click on one of our buttons. */
function clickBody(click: Partial<Click> & { at?: Date } = {}): string {
  const { at = NOW, ...rest } = click;
  const event = signedClick({ approvalId: 'apr-open', decision: 'approve', user: APPROVER, channel: CHANNEL, messageTs: MESSAGE_TS, ...rest }, SIGNING_SECRET, at);
  return Buffer.from(event.body!, 'base64').toString('utf8');
}
/** The click body with its payload JSON changed. */
function clickBodyWith(change: (payload: Json & { actions: Json[] }) => void): string {
  const payload = JSON.parse(new URLSearchParams(clickBody()).get('payload')!) as Json & { actions: Json[] };
  change(payload);
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

interface SlackRequestOptions {
  /** Default: a click by the approver on apr-open. */
  body?: string;
  /** The body the signature was made over (default: `body`). */
  signedBody?: string;
  timestamp?: string;
  /** The timestamp the signature was made with (default: `timestamp`). */
  signedTimestamp?: string;
  secret?: string;
  /** Replaces the computed signature. */
  signature?: string;
  /** Header names to leave out. */
  omit?: string[];
  /** Function URLs hand a form body over base64-encoded (default true). */
  base64?: boolean;
  /** Replaces the base64 (or plain) body as delivered. */
  deliveredBody?: string;
  headers?: Record<string, string>;
}

export function slackRequest(options: SlackRequestOptions = {}): APIGatewayProxyEventV2 {
  const body = options.body ?? clickBody();
  const timestamp = options.timestamp ?? NOW_S;
  const signature = options.signature ?? slackSignature(options.secret ?? SIGNING_SECRET, options.signedTimestamp ?? timestamp, options.signedBody ?? body);
  const template = signedClick({ approvalId: 'apr-open', decision: 'approve', user: APPROVER, channel: CHANNEL }, SIGNING_SECRET, NOW);
  const headers: Record<string, string> = {
    'content-type': FORM,
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': signature,
    ...options.headers,
  };
  for (const name of options.omit ?? []) delete headers[name];
  const base64 = options.base64 ?? true;
  return {
    ...template,
    headers,
    body: options.deliveredBody ?? (base64 ? Buffer.from(body, 'utf8').toString('base64') : body),
    isBase64Encoded: base64,
  };
}

const SIGNATURE_MISMATCH = /^signature mismatch: the request was not signed with our signing secret, or its body changed$/;

// ---------------------------------------------------------------------------
// Config text builders
// ---------------------------------------------------------------------------

const SERVICE_YAML = `services:
  - name: web
    image:
      repository: web
      tags: ["v*"]
    target:
      ecs: { cluster: prod, service: web, container: app }
    health:
      alarms: [web-5xx-alarm]
      bakeMinutes: 10
`;
/** A valid config (the test checks it parses), changed by `edit`. */
export const VALID_CONFIG_TEXT = SERVICE_YAML;
const configWith = (edit: (text: string) => string) => edit(SERVICE_YAML);
const appended = (yaml: string) => SERVICE_YAML + yaml;
const APPROVAL_YAML = `    approval:\n      channel: ${CHANNEL}\n      approvers: [${APPROVER}, ${GROUP}]\n`;
const notValid = (line: string) => new RegExp(`^shipwatch\\.yml is not a valid Shipwatch config:\\n(.*\\n)*\\s*${line}`);

// ---------------------------------------------------------------------------
// Known bugs: where, and what the entry point does instead. A case carrying
// one runs as `it.fails`, so the suite stays green and the bug stays visible;
// once fixed, the case passes, `it.fails` fails, and the `bug` line goes.
// ---------------------------------------------------------------------------

export const BUGS = {} as const;

// ---------------------------------------------------------------------------
// start-deployments: EventBridge `ECR Image Action`
// ---------------------------------------------------------------------------

const notAPush = (reason: string) => ({ throws: 'InvalidInput', message: new RegExp(`^not an ECR push event \\(ECR Image Action, PUSH, SUCCESS\\): .*${reason}`) });

const startDeploymentsCases: Case[] = [
  ...(
    [
      ['malformed', 'a failed push (detail.result FAILURE)', (e) => (e.detail.result = 'FAILURE'), 'detail\\.result: Invalid input: expected "SUCCESS"'],
      ['malformed', 'a tag where the digest belongs', (e) => (e.detail['image-digest'] = 'latest'), 'detail\\.image-digest: .*an image digest such as sha256:<hex>'],
      ['malformed', 'a digest in upper-case hex', (e) => (e.detail['image-digest'] = String(e.detail['image-digest']).toUpperCase()), 'detail\\.image-digest: .*an image digest'],
      ['malformed', 'an account that is not 12 digits', (e) => (e.account = 'prod'), 'account: .*a 12-digit AWS account id'],
      ['malformed', 'a region given by its name', (e) => (e.region = 'Oregon'), 'region: .*an AWS region'],
      ['malformed', 'a time that is not ISO 8601', (e) => (e.time = '16/11/2019 01:54'), 'time: Invalid ISO datetime'],
      ['malformed', 'a time without its zone', (e) => (e.time = '2026-11-02T10:20:00'), 'time: Invalid ISO datetime'],
      ['malformed', 'an empty event id', (e) => (e.id = ''), 'id: Too small: expected string to have >=1 characters'],
      ['malformed', 'an empty repository name', (e) => (e.detail['repository-name'] = ''), 'detail\\.repository-name: Too small'],
      ['malformed', 'a repository name that is a number', (e) => (e.detail['repository-name'] = 42), 'detail\\.repository-name: Invalid input: expected string, received number'],
      ['malformed', 'an empty tag', (e) => (e.detail['image-tag'] = ''), 'detail\\.image-tag: Too small'],
      ['malformed', 'detail-type in the wrong case', (e) => (e['detail-type'] = 'ECR image action'), 'detail-type: Invalid input: expected "ECR Image Action"'],
      ['malformed', 'an array as detail', (e) => (e.detail = [] as unknown as Json), 'detail: Invalid input: expected object, received array'],
      ['truncated', 'cut before detail', (e) => delete (e as Partial<EventSample>).detail, 'detail: Invalid input: expected object, received undefined'],
      [
        'truncated',
        'detail cut after result',
        (e) => (e.detail = { result: 'SUCCESS' }),
        'detail\\.action-type: .*; detail\\.repository-name: .*expected string, received undefined; detail\\.image-digest: .*expected string, received undefined',
      ],
      ['truncated', 'a digest cut to 12 characters', (e) => (e.detail['image-digest'] = 'sha256:7f5b2'), 'detail\\.image-digest: .*an image digest'],
      ['truncated', 'an account cut to 11 digits', (e) => (e.account = '12345678901'), 'account: .*a 12-digit AWS account id'],
      ['truncated', 'a time cut to the minute', (e) => (e.time = '2026-11-02T10:2'), 'time: Invalid ISO datetime'],
    ] as const satisfies readonly [Category, string, (e: EventSample) => unknown, string][]
  ).map(
    ([category, name, mutate, reason]): Case => ({ kind: 'event', entry: 'start-deployments', category, name, event: pushEvent(mutate), expect: notAPush(reason) }),
  ),
  {
    kind: 'event',
    entry: 'start-deployments',
    category: 'malformed',
    name: 'null instead of an event',
    event: null,
    expect: notAPush('\\(event\\): Invalid input: expected object, received null$'),
  },
  {
    kind: 'event',
    entry: 'start-deployments',
    category: 'truncated',
    name: 'the JSON text, cut, instead of the event',
    event: JSON.stringify(pushEvent()).slice(0, 120),
    expect: notAPush('\\(event\\): Invalid input: expected object, received string'),
  },
  {
    kind: 'event',
    entry: 'start-deployments',
    category: 'truncated',
    name: 'an empty object',
    event: {},
    expect: notAPush('id: .*expected string, received undefined; source: .*; detail-type: .*; account: .*; region: .*; time: .*; detail: .*expected object'),
  },
  // Every other published EventBridge sample is foreign to this rule.
  ...[
    'eventbridge-cloudwatch-alarm-configuration-change-composite-create',
    'eventbridge-cloudwatch-alarm-configuration-change-metric-update',
    'eventbridge-cloudwatch-alarm-state-change-anomaly-detection-ok-to-alarm',
    'eventbridge-cloudwatch-alarm-state-change-composite-ok-to-alarm-suppressed',
    'eventbridge-cloudwatch-alarm-state-change-metric-math-insufficient-data-to-alarm',
    'eventbridge-cloudwatch-alarm-state-change-single-metric-ok-to-alarm',
    'eventbridge-ecr-image-action-delete-success',
    'eventbridge-ecr-image-scan-basic-complete-all-severities',
    'eventbridge-ecr-image-scan-basic-complete',
    'eventbridge-ecr-scan-resource-change-enhanced',
    'eventbridge-ecs-deployment-state-change-completed',
    'eventbridge-ecs-deployment-state-change-failed',
    'eventbridge-ecs-deployment-state-change-in-progress-rollback',
    'eventbridge-ecs-deployment-state-change-in-progress',
    'eventbridge-ecs-service-action-capacity-provider-steady-state',
    'eventbridge-ecs-service-action-steady-state',
    'eventbridge-ecs-service-action-task-placement-failure-ec2-cpu',
    'eventbridge-ecs-service-action-task-placement-failure-fargate-spot',
    'eventbridge-ecs-service-action-task-start-impaired',
    'eventbridge-ecs-task-state-change-running-fargate',
    'eventbridge-inspector2-finding-ecr-image',
    'eventbridge-inspector2-scan-initial-complete',
    'eventbridge-stepfunctions-execution-status-change-aborted',
    'eventbridge-stepfunctions-execution-status-change-failed',
    'eventbridge-stepfunctions-execution-status-change-running',
    'eventbridge-stepfunctions-execution-status-change-succeeded',
    'eventbridge-stepfunctions-execution-status-change-timed-out',
  ].map((name): Case => {
    const event = eventSample(name);
    // What each is refused for: another source, another ECR event, or an ECR action other than PUSH.
    const reason =
      event.source !== 'aws.ecr'
        ? 'source: Invalid input: expected "aws\\.ecr"'
        : event['detail-type'] !== 'ECR Image Action'
          ? 'detail-type: Invalid input: expected "ECR Image Action"'
          : 'detail\\.action-type: Invalid input: expected "PUSH"';
    return { kind: 'event', entry: 'start-deployments', category: 'foreign', name: `published sample ${name}`, event, expect: notAPush(reason) };
  }),
  {
    kind: 'event',
    entry: 'start-deployments',
    category: 'foreign',
    name: 'a push to a repository no service deploys',
    event: pushEvent((e) => (e.detail['repository-name'] = 'someone-elses-repo')),
    expect: { ignores: /push matches no service; ignored.*"repository":"someone-elses-repo"/ },
  },
  {
    kind: 'event',
    entry: 'start-deployments',
    category: 'foreign',
    name: 'a push forwarded from another AWS account (same repository name)',
    event: pushEvent((e) => (e.account = '999999999999')),
    expect: notAPush('account: .*999999999999'),
  },
  {
    kind: 'event',
    entry: 'start-deployments',
    category: 'oversized',
    name: 'resources padded past 256 KiB',
    event: pushEvent((e) => (e.resources = Array.from({ length: 300 }, (_, i) => `arn:aws:ecr:us-west-2:123456789012:repository/web-${i}-${'x'.repeat(1000)}`))),
    expect: { throws: 'InvalidInput', message: /^not an ECR push event: 3\d{5} bytes is larger than any EventBridge event \(256 KiB\)$/ },
  },
  {
    kind: 'event',
    entry: 'start-deployments',
    category: 'oversized',
    name: 'a 300 KiB tag',
    event: pushEvent((e) => (e.detail['image-tag'] = `v${'1'.repeat(300 * 1024)}`)),
    expect: { throws: 'InvalidInput', message: /^not an ECR push event: 30\d{4} bytes is larger than any EventBridge event \(256 KiB\)$/ },
  },
  {
    kind: 'event',
    entry: 'start-deployments',
    category: 'oversized',
    name: 'one byte past 256 KiB',
    event: paddedTo(pushEvent(), 256 * 1024 + 1),
    expect: { throws: 'InvalidInput', message: /^not an ECR push event: 262145 bytes is larger than any EventBridge event \(256 KiB\)$/ },
  },
  {
    kind: 'event',
    entry: 'start-deployments',
    category: 'oversized',
    name: 'a 1 MiB detail field nobody reads',
    event: pushEvent((e) => (e.detail.padding = 'x'.repeat(1024 * 1024))),
    expect: { throws: 'InvalidInput', message: /^not an ECR push event: 10\d{5} bytes is larger than any EventBridge event \(256 KiB\)$/ },
  },
];

// ---------------------------------------------------------------------------
// alarm-rollback: EventBridge `CloudWatch Alarm State Change`
// ---------------------------------------------------------------------------

const notAnAlarm = (reason: string) => ({ throws: 'InvalidInput', message: new RegExp(`^not a CloudWatch alarm event: .*${reason}`) });

const alarmRollbackCases: Case[] = [
  ...(
    [
      ['malformed', 'detail without alarmName', (e) => delete e.detail.alarmName, 'detail\\.alarmName: Invalid input: expected string, received undefined'],
      ['malformed', 'an empty alarmName', (e) => (e.detail.alarmName = ''), 'detail\\.alarmName: Too small'],
      ['malformed', 'state.value a number', (e) => ((e.detail.state as Json).value = 2), 'detail\\.state\\.value: Invalid input: expected string, received number'],
      ['malformed', 'source misspelled', (e) => (e.source = 'aws.cloudwatc'), 'source: Invalid input: expected "aws\\.cloudwatch"'],
      ['truncated', 'cut before detail', (e) => delete (e as Partial<EventSample>).detail, 'detail: Invalid input: expected object, received undefined'],
      ['truncated', 'state cut to its value', (e) => (e.detail.state = { value: 'ALARM' }), 'detail\\.state\\.timestamp: Invalid input: expected string, received undefined'],
    ] as const satisfies readonly [Category, string, (e: EventSample) => unknown, string][]
  ).map(([category, name, mutate, reason]): Case => ({ kind: 'event', entry: 'alarm-rollback', category, name, event: alarmEvent(mutate), expect: notAnAlarm(reason) })),
  {
    kind: 'event',
    entry: 'alarm-rollback',
    category: 'malformed',
    name: 'a time (and state.timestamp) that is no date, inside the guard window of a deployed release',
    event: alarmEvent((e) => {
      e.time = 'yesterday';
      (e.detail.state as Json).timestamp = 'just now';
    }),
    expect: notAnAlarm('time'),
  },
  {
    kind: 'event',
    entry: 'alarm-rollback',
    category: 'foreign',
    name: 'an ECR push event',
    event: pushEvent(),
    expect: notAnAlarm('source: Invalid input: expected "aws\\.cloudwatch"'),
  },
  {
    kind: 'event',
    entry: 'alarm-rollback',
    category: 'foreign',
    name: 'a Step Functions status change',
    event: statusEvent(),
    expect: notAnAlarm('source: Invalid input: expected "aws\\.cloudwatch"'),
  },
  ...['lambda-alarm-action-cloudwatch-single-metric', 'lambda-alarm-action-cloudwatch-composite'].map(
    (name): Case => ({
      kind: 'event',
      entry: 'alarm-rollback',
      category: 'foreign',
      name: `an alarm's direct Lambda action payload (${name}), not the EventBridge event`,
      event: eventSample(name),
      expect: notAnAlarm('detail-type: Invalid input: expected string, received undefined; .*detail: Invalid input: expected object, received undefined'),
    }),
  ),
  {
    kind: 'event',
    entry: 'alarm-rollback',
    category: 'foreign',
    name: 'a configuration change of our alarm (not a state change)',
    event: (() => {
      const event = eventSample('eventbridge-cloudwatch-alarm-configuration-change-metric-update');
      event.detail.alarmName = 'web-5xx-alarm';
      return event;
    })(),
    expect: { ignores: /not a transition into ALARM; nothing to do.*"detailType":"CloudWatch Alarm Configuration Change"/ },
  },
  {
    kind: 'event',
    entry: 'alarm-rollback',
    category: 'foreign',
    name: 'another team\'s alarm (anomaly detection sample) going to ALARM',
    event: eventSample('eventbridge-cloudwatch-alarm-state-change-anomaly-detection-ok-to-alarm'),
    expect: { ignores: /"result":\{"alarm":"[^"]+","services":\[\]\}/ },
  },
];

// ---------------------------------------------------------------------------
// close-record: EventBridge `Step Functions Execution Status Change`
// ---------------------------------------------------------------------------

const notAStatusChange = (reason: string) => ({ throws: 'InvalidInput', message: new RegExp(`^not a Step Functions Execution Status Change event: .*${reason}`) });

const closeRecordCases: Case[] = [
  ...(
    [
      ['malformed', 'a status Step Functions does not have', (e) => (e.detail.status = 'CANCELLED'), 'detail\\.status: Invalid option: expected one of "RUNNING"'],
      ['malformed', 'startDate as an ISO string', (e) => (e.detail.startDate = iso(-9)), 'detail\\.startDate: Invalid input: expected number, received string'],
      ['malformed', 'the input as an object instead of its JSON text', (e) => (e.detail.input = shipwatchInput()), 'detail\\.input: Invalid input: expected string, received object'],
      ['malformed', 'detail-type of another AWS service', (e) => (e['detail-type'] = 'Step Functions State Machine Status Change'), 'detail-type: Invalid input: expected "Step Functions Execution Status Change"'],
      ['truncated', 'cut before detail', (e) => delete (e as Partial<EventSample>).detail, 'detail: Invalid input: expected object, received undefined'],
      ['truncated', 'detail without the execution name and start', (e) => (e.detail = { status: 'FAILED', input: '{}' }), 'detail\\.executionArn: .*detail\\.name: .*detail\\.startDate: Invalid input: expected number, received undefined'],
    ] as const satisfies readonly [Category, string, (e: EventSample) => unknown, string][]
  ).map(([category, name, mutate, reason]): Case => ({ kind: 'event', entry: 'close-record', category, name, event: statusEvent(mutate), expect: notAStatusChange(reason) })),
  {
    kind: 'event',
    entry: 'close-record',
    category: 'truncated',
    name: 'the execution input cut mid-JSON',
    event: statusEvent((e) => (e.detail.input = String(e.detail.input).slice(0, 80))),
    expect: { throws: 'InvalidInput', message: /detail\.input/ },
  },
  {
    kind: 'event',
    entry: 'close-record',
    category: 'truncated',
    name: 'an execution input without its service',
    event: statusEvent(undefined, { release: clone(RELEASE) }),
    expect: { ignores: /"closed":false,"why":"not a Shipwatch deployment"/ },
  },
  {
    kind: 'event',
    entry: 'close-record',
    category: 'foreign',
    name: 'an ECR push event',
    event: pushEvent(),
    expect: notAStatusChange('source: Invalid input: expected "aws\\.states"'),
  },
  {
    kind: 'event',
    entry: 'close-record',
    category: 'foreign',
    name: 'a CloudWatch alarm event',
    event: alarmEvent(),
    expect: notAStatusChange('source: Invalid input: expected "aws\\.states"'),
  },
  ...(
    [
      ['eventbridge-stepfunctions-execution-status-change-succeeded', /"closed":false,"why":"status SUCCEEDED"/],
      ['eventbridge-stepfunctions-execution-status-change-running', /"closed":false,"why":"status RUNNING"/],
      ['eventbridge-stepfunctions-execution-status-change-failed', /"closed":false,"why":"not a Shipwatch deployment"/],
    ] as const
  ).map(([name, why]): Case => ({ kind: 'event', entry: 'close-record', category: 'foreign', name: `published sample ${name} (another state machine)`, event: eventSample(name), expect: { ignores: why } })),
  {
    kind: 'event',
    entry: 'close-record',
    category: 'foreign',
    name: 'a FAILED execution of another state machine whose input looks like ours',
    event: statusEvent((e) => {
      e.detail.stateMachineArn = 'arn:aws:states:us-east-1:123456789012:stateMachine:shipwatch-staging-deploy';
      e.detail.executionArn = String(e.detail.executionArn).replace('shipwatch-deploy', 'shipwatch-staging-deploy');
    }),
    expect: { ignores: /"closed":false,"why":"[^"]*state machine[^"]*"/ },
  },
];

// ---------------------------------------------------------------------------
// The task handlers: the execution state, as Step Functions passes it
// ---------------------------------------------------------------------------

const invalid = (handler: string, reason: string) => ({ throws: 'InvalidInput', message: new RegExp(`^${handler}: .*${reason}`) });
const outOfOrder = (what: 'admission' | 'deployment') => ({ throws: 'Error', message: new RegExp(`^workflow state has no ${what}: the state machine called this task out of order$`) });
const task = (entry: HandlerEntry, category: Category, name: string, event: unknown, expect: Throws | Ignores, bug?: string): Case => ({
  kind: 'event',
  entry,
  category,
  name,
  event,
  expect,
  ...(bug ? { bug } : {}),
});
const deployed = (patch: Json = {}) => workflowState({ deploy: clone(DEPLOYMENT), ...patch });

const taskCases: Case[] = [
  // admit-release: { executionName, state }
  task('admit-release', 'state-malformed', 'a state without its release', { executionName: 'web-x', state: workflowState({ release: undefined }) }, invalid('admit-release', 'state\\.release: Invalid input: expected object, received undefined')),
  task('admit-release', 'state-malformed', 'no executionName', { state: workflowState() }, invalid('admit-release', 'executionName: Invalid input: expected string, received undefined')),
  task(
    'admit-release',
    'state-malformed',
    'release.pushedAt that is no time',
    { executionName: 'web-x', state: workflowState({ release: withRelease({ pushedAt: 'last tuesday' }) }) },
    invalid('admit-release', 'state\\.release\\.pushedAt'),
  ),
  task('admit-release', 'foreign', 'the ECR push event itself instead of the execution state', pushEvent(), invalid('admit-release', 'executionName: .*; state: Invalid input: expected object, received undefined')),

  // scan-image: the state
  task('scan-image', 'state-malformed', 'no admission (called before Admit)', workflowState({ admission: undefined }), outOfOrder('admission')),
  task('scan-image', 'state-malformed', 'release.digest a number', workflowState({ release: withRelease({ digest: 7 }) }), invalid('scan-image', 'release\\.digest: Invalid input: expected string, received number')),
  task('scan-image', 'state-malformed', 'the service given by its name only', workflowState({ service: 'web' }), invalid('scan-image', 'service: a service config as validated by the trigger \\(name, target, scan, health\\)')),
  task(
    'scan-image',
    'truncated',
    'a release cut after its repository',
    workflowState({ release: { repository: 'web' } }),
    invalid('scan-image', 'release\\.registry: Invalid input: expected string, received undefined; release\\.digest: .*release\\.imageUri: '),
  ),

  // acquire-lease: { phase, state }
  task('acquire-lease', 'state-malformed', 'phase "deploy" instead of "deploying"', { phase: 'deploy', state: workflowState() }, invalid('acquire-lease', 'phase: Invalid option: expected one of "deploying"\\|"rolling_back"')),
  task('acquire-lease', 'state-malformed', 'no admission', { phase: 'deploying', state: workflowState({ admission: undefined }) }, outOfOrder('admission')),
  task(
    'acquire-lease',
    'state-malformed',
    'a service whose health section lost its numbers',
    { phase: 'deploying', state: workflowState({ service: { ...clone(WEB), health: { alarms: ['web-5xx-alarm'] } } }) },
    invalid('acquire-lease', 'service\\.health'),
  ),

  // deploy-release: the state
  task('deploy-release', 'state-malformed', 'no admission (called before Admit and AcquireLease)', workflowState({ admission: undefined }), outOfOrder('admission')),
  task('deploy-release', 'state-malformed', 'a release without imageUri', workflowState({ release: withRelease({ imageUri: undefined }) }), invalid('deploy-release', 'release\\.imageUri: Invalid input: expected string, received undefined')),
  task('deploy-release', 'state-malformed', 'a service without a target', workflowState({ service: { ...clone(WEB), target: {} } }), invalid('deploy-release', 'service\\.target: exactly one of `ecs` or `eks`')),

  // watch-rollout: { phase, state }
  task('watch-rollout', 'state-malformed', 'no deployment yet', { phase: 'rollout', state: workflowState() }, outOfOrder('deployment')),
  task('watch-rollout', 'state-malformed', 'no phase', { state: deployed() }, invalid('watch-rollout', 'phase: Invalid option: expected one of "rollout"\\|"rollback"')),
  task(
    'watch-rollout',
    'state-malformed',
    'phase rollback before any rollback started',
    { phase: 'rollback', state: deployed() },
    { throws: 'Error', message: /no rollback/ },
  ),

  // check-health: the state
  task('check-health', 'state-malformed', 'no deployment yet', workflowState(), outOfOrder('deployment')),
  task('check-health', 'state-malformed', 'the deploy step was blocked (no deployment to bake)', workflowState({ deploy: { blocked: { reason: 'web-5xx-alarm already in ALARM', alarms: ['web-5xx-alarm'] } } }), outOfOrder('deployment')),
  task(
    'check-health',
    'state-malformed',
    'deploy.startedAt a number',
    deployed({ deploy: { ...DEPLOYMENT, startedAt: minutes(-6).getTime() } }),
    invalid('check-health', 'deploy\\.startedAt: .*expected string'),
  ),
  task('check-health', 'foreign', 'a Step Functions status event instead of the state', statusEvent(), invalid('check-health', 'release: Invalid input: expected object, received undefined; service: ')),

  // roll-back: the state
  task('roll-back', 'state-malformed', 'no deployment to roll back', workflowState(), outOfOrder('deployment')),
  task('roll-back', 'state-malformed', 'an empty previousRevision', deployed({ deploy: { ...DEPLOYMENT, previousRevision: '' } }), invalid('roll-back', 'deploy\\.previousRevision')),

  // finish-deployment: { outcome, state, executionStartedAt }
  task('finish-deployment', 'state-malformed', 'an outcome that does not exist', { outcome: 'succeeded', state: deployed(), executionStartedAt: iso(-9) }, invalid('finish-deployment', 'outcome: Invalid option: expected one of "deployed"\\|"rolled_back"')),
  task('finish-deployment', 'state-malformed', 'no executionStartedAt', { outcome: 'deployed', state: deployed() }, invalid('finish-deployment', 'executionStartedAt: Invalid input: expected string, received undefined')),
  task(
    'finish-deployment',
    'state-malformed',
    'admission.recordId a number',
    { outcome: 'failed', state: workflowState({ admission: { ...ADMISSION, recordId: 20261102 } }), executionStartedAt: iso(-9) },
    invalid('finish-deployment', 'state\\.admission\\.recordId: Invalid input: expected string, received number'),
  ),
  task(
    'finish-deployment',
    'truncated',
    'a release cut to its repository',
    { outcome: 'failed', state: workflowState({ release: { repository: 'web' } }), executionStartedAt: iso(-9) },
    invalid('finish-deployment', 'state\\.release\\.registry: Invalid input: expected string, received undefined'),
  ),

  // request-approval: { taskToken, state }
  task('request-approval', 'state-malformed', 'an empty task token', { taskToken: '', state: workflowState({ service: clone(WEB_WITH_APPROVAL) }) }, invalid('request-approval', 'taskToken: Too small: expected string to have >=1 characters')),
  task(
    'request-approval',
    'state-malformed',
    'a service without an approval policy',
    { taskToken: 'AQCEAAAAKgAAAAMAAAAAAAAAAfake==', state: workflowState() },
    { throws: 'Error', message: /^web has no approval policy: the state machine asked for an approval it does not need$/ },
  ),
  task('request-approval', 'state-malformed', 'no admission', { taskToken: 'AQCEAAAAKgAAAAMAAAAAAAAAAfake==', state: workflowState({ service: clone(WEB_WITH_APPROVAL), admission: undefined }) }, outOfOrder('admission')),
  task(
    'request-approval',
    'state-malformed',
    'an approval policy without approvers',
    {
      taskToken: 'AQCEAAAAKgAAAAMAAAAAAAAAAfake==',
      state: workflowState({ service: { ...clone(WEB_WITH_APPROVAL), approval: { required: true, channel: CHANNEL, timeoutMinutes: 30, onTimeout: 'reject', allowSelfApproval: false } } }),
    },
    invalid('request-approval', 'service\\.approval\\.approvers'),
  ),
];

// ---------------------------------------------------------------------------
// slack-interaction: the Lambda function URL behind Slack's interactivity
// ---------------------------------------------------------------------------

const slack = (category: Category, name: string, request: APIGatewayProxyEventV2, expect: Answers | Throws, extra: Partial<CaseBase> = {}): Case => ({
  kind: 'slack',
  entry: 'slack-interaction',
  category,
  name,
  request,
  expect,
  ...extra,
});
const refused401 = (body: RegExp): Answers => ({ status: 401, body });
const malformed400 = (body = /^malformed payload: expected a form field `payload` holding a Slack interaction JSON$/): Answers => ({ status: 400, body });
const told = (body: RegExp): Answers => ({ status: 200, body });
const flipHex = (signature: string) => signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0');
const genuine = slackRequest();
const githubWebhook: APIGatewayProxyEventV2 = {
  ...slackRequest(),
  headers: {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/044aadd',
    'x-github-event': 'push',
    'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
  },
  body: JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'acme/web' } }),
  isBase64Encoded: false,
};
const derived = fixture<{ body: string; headers: Record<string, string> }>('slack-block-actions-form-encoded-request-DERIVED');

const slackCases: Case[] = [
  // Forged: not signed with our secret over exactly this body and timestamp.
  slack('slack-forged', 'signed with another secret', slackRequest({ secret: 'attacker-secret' }), refused401(SIGNATURE_MISMATCH)),
  slack('slack-forged', 'a signature with its last hex digit changed', slackRequest({ signature: flipHex(String(genuine.headers['x-slack-signature'])) }), refused401(SIGNATURE_MISMATCH)),
  slack('slack-forged', 'a signature in another scheme (v1=)', slackRequest({ signature: String(genuine.headers['x-slack-signature']).replace(/^v0=/, 'v1=') }), refused401(SIGNATURE_MISMATCH)),
  slack('slack-forged', "another request's valid signature", slackRequest({ signature: slackSignature(SIGNING_SECRET, NOW_S, clickBody({ approvalId: 'apr-expired' })) }), refused401(SIGNATURE_MISMATCH)),
  slack('slack-forged', 'the approval id swapped after signing', slackRequest({ body: clickBody({ approvalId: 'apr-expired' }), signedBody: clickBody() }), refused401(SIGNATURE_MISMATCH)),
  slack('slack-forged', 'an outsider swapped in for the approver after signing', slackRequest({ body: clickBody({ user: APPROVER }), signedBody: clickBody({ user: OUTSIDER }) }), refused401(SIGNATURE_MISMATCH)),
  slack('slack-forged', 'a fresh timestamp on an old signature', slackRequest({ signedTimestamp: seconds(minutes(-10)) }), refused401(SIGNATURE_MISMATCH)),
  slack('slack-forged', 'reject turned into approve after signing', slackRequest({ signedBody: clickBody({ decision: 'reject' }) }), refused401(SIGNATURE_MISMATCH)),
  slack('truncated', 'a signature cut short', slackRequest({ signature: String(genuine.headers['x-slack-signature']).slice(0, 40) }), refused401(/^signature mismatch: x-slack-signature is not a v0 HMAC-SHA256 signature \(wrong length\)$/)),
  slack('truncated', 'a body cut after signing', slackRequest({ body: clickBody().slice(0, 200), signedBody: clickBody() }), refused401(SIGNATURE_MISMATCH)),
  slack('oversized', 'a 1 MiB body under a forged signature', slackRequest({ body: `payload=${'x'.repeat(1024 * 1024)}`, secret: 'attacker-secret' }), refused401(SIGNATURE_MISMATCH)),

  // Stale: outside Slack's five minutes, either way.
  slack('slack-stale', 'a timestamp ten minutes old', slackRequest({ timestamp: seconds(minutes(-10)) }), refused401(/^stale timestamp: request is 600 s old, more than the 300 s allowed$/)),
  slack('slack-stale', 'a timestamp 301 s old', slackRequest({ timestamp: String(Number(NOW_S) - 301) }), refused401(/^stale timestamp: request is 301 s old, more than the 300 s allowed$/)),
  slack('slack-stale', 'a timestamp ten minutes in the future', slackRequest({ timestamp: seconds(minutes(10)) }), refused401(/^stale timestamp: request is 600 s in the future, more than the 300 s allowed$/)),
  slack('slack-stale', 'a timestamp in milliseconds', slackRequest({ timestamp: String(NOW.getTime()) }), refused401(/^stale timestamp: request is \d+ s in the future/)),
  slack('slack-stale', 'the epoch', slackRequest({ timestamp: '0' }), refused401(/^stale timestamp: request is \d+ s old/)),

  // Replayed: a genuine request sent again.
  slack(
    'slack-replayed',
    'a genuine click captured and replayed six minutes later',
    slackRequest({ body: clickBody({ at: minutes(-6) }), timestamp: seconds(minutes(-6)) }),
    refused401(/^stale timestamp: request is 360 s old, more than the 300 s allowed$/),
  ),
  slack(
    'slack-replayed',
    "Slack's signed sample request (DERIVED fixture) replayed",
    { ...slackRequest(), headers: derived.headers, body: derived.body, isBase64Encoded: false },
    refused401(/^stale timestamp: request is \d+ s old, more than the 300 s allowed$/),
  ),
  slack('slack-replayed', 'an approve click replayed on an approval already decided', slackRequest({ body: clickBody({ approvalId: 'apr-decided' }) }), told(/This deployment was already approved by <@U0ALICE> .*: nothing was changed\./)),
  slack(
    'slack-replayed',
    'a reject replayed on an approval already decided',
    slackRequest({ body: clickBody({ approvalId: 'apr-decided', decision: 'reject' }) }),
    told(/This deployment was already approved by <@U0ALICE> .*: nothing was changed\./),
  ),

  // Unauthorized: well signed, but this person may not decide, or not any more.
  slack('slack-unauthorized', 'an outsider clicks Approve', slackRequest({ body: clickBody({ user: OUTSIDER }) }), told(/<@U0MALLORY> is not an approver for this service\. Approvers: <@U0ALICE>, <!subteam\^S0RELEASE>\. Nothing was changed\./)),
  slack('slack-unauthorized', 'an outsider clicks Reject', slackRequest({ body: clickBody({ user: OUTSIDER, decision: 'reject' }) }), told(/<@U0MALLORY> is not an approver for this service/)),
  slack('slack-unauthorized', 'the pusher approves their own release', slackRequest({ body: clickBody({ user: PUSHER }) }), told(/<@U0PUSHER> triggered this deployment, and self-approval is not allowed for this service\. Nothing was changed\./)),
  slack('slack-unauthorized', 'an approval id Shipwatch never issued', slackRequest({ body: clickBody({ approvalId: 'apr-made-up' }) }), told(/This approval is unknown to Shipwatch: nothing was changed\./)),
  slack('slack-unauthorized', 'an approval that expired', slackRequest({ body: clickBody({ approvalId: 'apr-expired' }) }), told(/This approval expired <!date\^\d+\^.*>: nothing was changed\./)),
  slack(
    'slack-unauthorized',
    'an outsider while the approvers\' user group cannot be read',
    slackRequest({ body: clickBody({ user: OUTSIDER }) }),
    told(/could not read the approvers' user groups from Slack just now.*Nothing was changed/),
    {
      prepare: ({ slack: server }) => {
        server.replyNext('usergroups.users.list', REPLIES.serverError);
      },
    },
  ),

  // Malformed: missing or broken parts, with or without a valid signature.
  slack('slack-malformed', 'no x-slack-signature header', slackRequest({ omit: ['x-slack-signature'] }), refused401(/^missing header x-slack-signature$/)),
  slack('slack-malformed', 'no x-slack-request-timestamp header', slackRequest({ omit: ['x-slack-request-timestamp'] }), refused401(/^missing header x-slack-request-timestamp$/)),
  slack('slack-malformed', 'no headers at all', { ...slackRequest(), headers: undefined as unknown as Record<string, string> }, refused401(/^missing header x-slack-request-timestamp$/)),
  slack('slack-malformed', 'a timestamp that is a word', slackRequest({ timestamp: 'now' }), refused401(/^malformed timestamp: x-slack-request-timestamp is not a whole number of Unix seconds$/)),
  slack('slack-malformed', 'a timestamp as an ISO date', slackRequest({ timestamp: NOW.toISOString() }), refused401(/^malformed timestamp/)),
  slack('slack-malformed', 'a signed payload that is not JSON', slackRequest({ body: 'payload=%7Bnot-json' }), malformed400()),
  slack('slack-malformed', 'a signed body without a payload field', slackRequest({ body: 'token=abc&user_id=U0ALICE' }), malformed400()),
  slack('slack-malformed', 'a signed empty body', slackRequest({ body: '' }), malformed400()),
  slack('slack-malformed', 'a signed payload of the wrong shape', slackRequest({ body: `payload=${encodeURIComponent(JSON.stringify({ type: 42 }))}` }), malformed400()),
  slack('slack-malformed', 'a signed JSON body instead of a form', slackRequest({ body: JSON.stringify({ type: 'block_actions' }), headers: { 'content-type': 'application/json' } }), malformed400()),
  slack(
    'slack-malformed',
    'a Shipwatch click without an approval id',
    slackRequest({ body: clickBodyWith((p) => delete p.actions[0]!.value) }),
    malformed400(/^malformed payload: a Shipwatch button click without a user or an approval id$/),
  ),
  slack('slack-malformed', 'a Shipwatch click without a user', slackRequest({ body: clickBodyWith((p) => delete p.user) }), malformed400(/^malformed payload: a Shipwatch button click without a user or an approval id$/)),
  slack('slack-malformed', 'a base64 body mangled in transit', slackRequest({ deliveredBody: Buffer.from(clickBody(), 'utf8').toString('base64').replace(/[A-M]/g, 'Z') }), refused401(SIGNATURE_MISMATCH)),
  slack('slack-malformed', 'a base64 body flagged as plain text', { ...genuine, isBase64Encoded: false }, refused401(SIGNATURE_MISMATCH)),
  slack('foreign', 'a GitHub webhook sent to the Slack endpoint', githubWebhook, refused401(/^missing header x-slack-request-timestamp$/)),

  // Config: the signing secret's parameter name mistyped in the function's environment.
  slack(
    'config-typo',
    'SLACK_SIGNING_SECRET_PARAMETER names a parameter that does not exist',
    slackRequest(),
    { throws: 'ConfigError', message: /\/shipwatch\/slack-signing-secrt/ },
    {
      prepare: () => {
        const saved = process.env.SLACK_SIGNING_SECRET_PARAMETER;
        process.env.SLACK_SIGNING_SECRET_PARAMETER = '/shipwatch/slack-signing-secrt';
        return () => {
          if (saved === undefined) delete process.env.SLACK_SIGNING_SECRET_PARAMETER;
          else process.env.SLACK_SIGNING_SECRET_PARAMETER = saved;
        };
      },
    },
  ),
];

// ---------------------------------------------------------------------------
// config: parseConfigText (shared/config/load.ts), as every cold start runs it
// ---------------------------------------------------------------------------

const config = (category: Category, name: string, text: string, line: string, bug?: string): Case => ({
  kind: 'config',
  entry: 'config',
  category,
  name,
  text,
  expect: { throws: 'ConfigError', message: notValid(line) },
  ...(bug ? { bug } : {}),
});

const configCases: Case[] = [
  config('config-typo', 'bakeMinute for bakeMinutes', configWith((t) => t.replace('bakeMinutes:', 'bakeMinute:')), 'services\\[0\\]\\.health\\.bakeMinute: unknown key \\(did you mean "bakeMinutes"\\?\\)'),
  config('config-typo', 'imag for image', configWith((t) => t.replace('image:', 'imag:')), 'services\\[0\\]\\.imag: unknown key \\(did you mean "image"\\?\\)'),
  config('config-typo', 'service for services at the top', configWith((t) => t.replace('services:', 'service:')), 'service: unknown key \\(did you mean "services"\\?\\)'),
  config('config-typo', 'pollSeconds 4 (below 5)', appended('      pollSeconds: 4\n'), 'services\\[0\\]\\.health\\.pollSeconds: Too small: expected number to be >=5'),
  config('config-typo', 'bakeMinutes in words', configWith((t) => t.replace('bakeMinutes: 10', 'bakeMinutes: ten')), 'services\\[0\\]\\.health\\.bakeMinutes: Invalid input: expected number, received string'),
  config('config-typo', 'a list of alarms written as one string', configWith((t) => t.replace('alarms: [web-5xx-alarm]', 'alarms: web-5xx-alarm')), 'services\\[0\\]\\.health\\.alarms: Invalid input: expected array, received string'),
  config(
    'config-typo',
    'two services with one name',
    configWith((t) => t + t.replace('services:\n', '').replace('service: web', 'service: web-canary')),
    'services\\[1\\]\\.name: duplicate service name "web" \\(also services\\[0\\]\\)',
  ),
  config('config-typo', 'a service name with a space', configWith((t) => t.replace('name: web', 'name: web app')), 'services\\[0\\]\\.name: letters, digits, - and _ only, at most 40 characters'),
  config('config-typo', 'an upper-case repository name', configWith((t) => t.replace('repository: web', 'repository: Web')), 'services\\[0\\]\\.image\\.repository: an ECR repository name'),
  config('config-typo', 'an empty tag list', configWith((t) => t.replace('tags: ["v*"]', 'tags: []')), 'services\\[0\\]\\.image\\.tags: Too small: expected array to have >=1 items'),
  config('config-typo', 'a tag filter written as a regular expression', configWith((t) => t.replace('tags: ["v*"]', 'tags: ["^v\\\\d+$"]')), 'services\\[0\\]\\.image\\.tags\\[0\\]'),
  config('config-typo', 'a container left out', configWith((t) => t.replace(', container: app', '')), 'services\\[0\\]\\.target\\.ecs\\.container: missing \\(expected string\\)'),
  config(
    'config-typo',
    'both ecs and eks targets',
    configWith((t) => t.replace('ecs: { cluster: prod, service: web, container: app }', 'ecs: { cluster: prod, service: web, container: app }\n      eks: { cluster: prod, deployment: web, container: app }')),
    'services\\[0\\]\\.target: exactly one of `ecs` or `eks`',
  ),
  config(
    'config-typo',
    'an upper-case Kubernetes namespace',
    configWith((t) => t.replace('ecs: { cluster: prod, service: web, container: app }', 'eks: { cluster: prod, namespace: Prod, deployment: web, container: app }')),
    'services\\[0\\]\\.target\\.eks\\.namespace: a Kubernetes namespace name',
  ),
  config('config-typo', 'a severity that does not exist', appended('    scan: { blockAt: SEVERE }\n'), 'services\\[0\\]\\.scan\\.blockAt: .*(CRITICAL|expected one of)'),
  config('config-typo', 'an ignore entry until 30 February', appended('    scan:\n      ignore: [{ id: CVE-2026-0001, until: 2026-02-30, reason: not reachable }]\n'), 'services\\[0\\]\\.scan\\.ignore\\[0\\]\\.until: a real calendar date'),
  config(
    'config-typo',
    'comparison "=>"',
    SERVICE_YAML.replace('      bakeMinutes: 10\n', '      bakeMinutes: 10\n      metrics: [{ name: 5xx, metric: { namespace: AWS/ApplicationELB, metricName: HTTPCode_Target_5XX_Count }, comparison: "=>", threshold: 1 }]\n'),
    'services\\[0\\]\\.health\\.metrics\\[0\\]\\.comparison: Invalid option: expected one of "GreaterThanThreshold"',
  ),
  config(
    'config-typo',
    'a metric id starting with a capital',
    SERVICE_YAML.replace(
      '      bakeMinutes: 10\n',
      '      bakeMinutes: 10\n      metrics:\n        - name: 5xx rate\n          expression: "100 * Errors / requests"\n          metrics:\n            Errors: { namespace: AWS/ApplicationELB, metricName: HTTPCode_Target_5XX_Count }\n            requests: { namespace: AWS/ApplicationELB, metricName: RequestCount }\n          comparison: ">"\n          threshold: 2\n',
    ),
    'services\\[0\\]\\.health\\.metrics\\[0\\]\\.metrics\\.Errors: invalid key: a metric id: lower-case letter first',
  ),
  config('config-typo', 'an approval channel given by name', appended(APPROVAL_YAML.replace(CHANNEL, '"#deploys"')), 'services\\[0\\]\\.approval\\.channel: a Slack channel id \\(C…, as in the channel details\\), not its name'),
  config('config-typo', 'an approver given by handle', appended(APPROVAL_YAML.replace(APPROVER, 'alice')), 'services\\[0\\]\\.approval\\.approvers\\[0\\]: a Slack user id \\(U…, W…\\) or user-group id \\(S…\\)'),
  config('config-typo', 'an empty approver list', appended(APPROVAL_YAML.replace(`[${APPROVER}, ${GROUP}]`, '[]')), 'services\\[0\\]\\.approval\\.approvers: at least one approver, or nobody can ever approve'),
  config('config-typo', 'an approval timeout of 0 minutes', appended(`${APPROVAL_YAML}      timeoutMinutes: 0\n`), 'services\\[0\\]\\.approval\\.timeoutMinutes: Too small: expected number to be >=1'),
  config('config-typo', 'onTimeout "allow"', appended(`${APPROVAL_YAML}      onTimeout: allow\n`), 'services\\[0\\]\\.approval\\.onTimeout: Invalid option: expected one of "reject"\\|"approve"'),
  config('config-typo', 'approval.required "yes"', appended(`${APPROVAL_YAML}      required: "yes"\n`), 'services\\[0\\]\\.approval\\.required: .*(true|boolean)'),
  config('config-typo', 'a notify channel given by name', appended('    notify: { channel: deploys }\n'), 'services\\[0\\]\\.notify\\.channel: a Slack channel id'),
  {
    kind: 'config',
    entry: 'config',
    category: 'config-typo',
    name: 'a tab in the indentation',
    text: SERVICE_YAML.replace('  - name: web', '\t- name: web'),
    expect: { throws: 'ConfigError', message: /^shipwatch\.yml is not valid YAML:\n {2}Tabs are not allowed as indentation at line 2/ },
  },
  {
    kind: 'config',
    entry: 'config',
    category: 'config-typo',
    name: 'a key given twice',
    text: SERVICE_YAML.replace('      bakeMinutes: 10\n', '      bakeMinutes: 10\n      bakeMinutes: 5\n'),
    expect: { throws: 'ConfigError', message: /^shipwatch\.yml is not valid YAML:\n {2}Map keys must be unique at line 11/ },
  },
  config('truncated', 'an empty file', '', '\\(top level\\): Invalid input: expected object, received null'),
  config('truncated', 'a file cut inside the first service', SERVICE_YAML.slice(0, SERVICE_YAML.indexOf('    target:')), 'services\\[0\\]\\.target: missing \\(expected object\\)'),
  config('foreign', 'an EventBridge event instead of a config', JSON.stringify(pushEvent(), null, 2), 'services: missing \\(expected array\\)(.*\\n)*\\s*version: unknown key'),
  {
    kind: 'config',
    entry: 'config',
    category: 'oversized',
    name: 'an alias bomb (10^6 nodes from 6 lines)',
    text: ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]', 'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]', 'services: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]', ''].join('\n'),
    expect: { throws: 'ConfigError', message: /^shipwatch\.yml is not valid YAML:.*alias/s },
  },
];

// ---------------------------------------------------------------------------
// Cold start: what start-deployments and alarm-rollback read at import
// ---------------------------------------------------------------------------

const coldStartCases: Case[] = [
  {
    kind: 'cold-start',
    entry: 'start-deployments',
    category: 'config-typo',
    name: 'SHIPWATCH_CONFIG names a file that does not exist',
    env: { SHIPWATCH_CONFIG: 'test/fixtures/shipwatch.tset.yml' },
    expect: { throws: 'ConfigError', message: /^cannot read the Shipwatch config test\/fixtures\/shipwatch\.tset\.yml: ENOENT/ },
  },
  {
    kind: 'cold-start',
    entry: 'alarm-rollback',
    category: 'config-typo',
    name: 'SHIPWATCH_CONFIG names a file that does not exist',
    env: { SHIPWATCH_CONFIG: 'shipwatch.yaml.bak' },
    expect: { throws: 'ConfigError', message: /^cannot read the Shipwatch config shipwatch\.yaml\.bak: ENOENT/ },
  },
  {
    kind: 'cold-start',
    entry: 'start-deployments',
    category: 'foreign',
    name: 'SHIPWATCH_CONFIG names an EventBridge sample',
    env: { SHIPWATCH_CONFIG: 'test/fixtures/eventbridge-ecr-image-action-push-success.json' },
    expect: { throws: 'ConfigError', message: /^test\/fixtures\/eventbridge-ecr-image-action-push-success\.json is not a valid Shipwatch config:\n {2}services: missing \(expected array\)/ },
  },
  {
    kind: 'cold-start',
    entry: 'start-deployments',
    category: 'config-typo',
    name: 'STATE_MACHINE_ARN left empty',
    env: { STATE_MACHINE_ARN: '' },
    expect: { throws: 'ConfigError', message: /STATE_MACHINE_ARN/ },
  },
  {
    kind: 'cold-start',
    entry: 'alarm-rollback',
    category: 'config-typo',
    name: 'STATE_MACHINE_ARN not set',
    env: { STATE_MACHINE_ARN: undefined },
    expect: { throws: 'ConfigError', message: /STATE_MACHINE_ARN/ },
  },
];

export const CASES: readonly Case[] = [...startDeploymentsCases, ...alarmRollbackCases, ...closeRecordCases, ...taskCases, ...slackCases, ...configCases, ...coldStartCases];
