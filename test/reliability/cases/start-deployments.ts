import type { Case, Category } from '../case.js';
import { eventSample, type EventSample } from '../../support/fixtures.js';
import { paddedTo } from '../../support/reliability/events.js';
import { pushEvent } from '../../support/reliability/world.js';

// start-deployments: the EventBridge rule's `ECR Image Action` events, broken,
// cut short, foreign (every other published sample) and oversized.

type Json = Record<string, unknown>;

const notAPush = (reason: string) => ({
  throws: 'InvalidInput',
  message: new RegExp(`^not an ECR push event \\(ECR Image Action, PUSH, SUCCESS\\): .*${reason}`),
});

export const START_DEPLOYMENTS_CASES: Case[] = [
  ...(
    [
      ['malformed', 'a failed push (detail.result FAILURE)', (e) => (e.detail.result = 'FAILURE'), 'detail\\.result: Invalid input: expected "SUCCESS"'],
      [
        'malformed',
        'a tag where the digest belongs',
        (e) => (e.detail['image-digest'] = 'latest'),
        'detail\\.image-digest: .*an image digest such as sha256:<hex>',
      ],
      [
        'malformed',
        'a digest in upper-case hex',
        (e) => (e.detail['image-digest'] = String(e.detail['image-digest']).toUpperCase()),
        'detail\\.image-digest: .*an image digest',
      ],
      ['malformed', 'an account that is not 12 digits', (e) => (e.account = 'prod'), 'account: .*a 12-digit AWS account id'],
      ['malformed', 'a region given by its name', (e) => (e.region = 'Oregon'), 'region: .*an AWS region'],
      ['malformed', 'a time that is not ISO 8601', (e) => (e.time = '16/11/2019 01:54'), 'time: Invalid ISO datetime'],
      ['malformed', 'a time without its zone', (e) => (e.time = '2026-11-02T10:20:00'), 'time: Invalid ISO datetime'],
      ['malformed', 'an empty event id', (e) => (e.id = ''), 'id: Too small: expected string to have >=1 characters'],
      ['malformed', 'an empty repository name', (e) => (e.detail['repository-name'] = ''), 'detail\\.repository-name: Too small'],
      [
        'malformed',
        'a repository name that is a number',
        (e) => (e.detail['repository-name'] = 42),
        'detail\\.repository-name: Invalid input: expected string, received number',
      ],
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
    ([category, name, mutate, reason]): Case => ({
      kind: 'event',
      entry: 'start-deployments',
      category,
      name,
      event: pushEvent(mutate),
      expect: notAPush(reason),
    }),
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
    event: pushEvent(
      (e) => (e.resources = Array.from({ length: 300 }, (_, i) => `arn:aws:ecr:us-west-2:123456789012:repository/web-${i}-${'x'.repeat(1000)}`)),
    ),
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
