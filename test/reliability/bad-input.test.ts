import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, type DescribeAlarmsCommandInput } from '@aws-sdk/client-cloudwatch';
import { DescribeImageScanFindingsCommand, DescribeRepositoriesCommand, ECRClient, StartImageScanCommand } from '@aws-sdk/client-ecr';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { handler as acquireLease } from '../../functions/acquire-lease.js';
import { handler as admitRelease } from '../../functions/admit-release.js';
import { handler as alarmRollback } from '../../functions/alarm-rollback.js';
import { handler as checkHealth } from '../../functions/check-health.js';
import { handler as closeRecord } from '../../functions/close-record.js';
import { handler as deployRelease } from '../../functions/deploy-release.js';
import { handler as finishDeployment } from '../../functions/finish-deployment.js';
import { handler as requestApproval } from '../../functions/request-approval.js';
import { handler as rollBack } from '../../functions/roll-back.js';
import { handler as scanImage } from '../../functions/scan-image.js';
import { handler as slackInteraction } from '../../functions/slack-interaction.js';
import { handler as startDeployments } from '../../functions/start-deployments.js';
import { handler as watchRollout } from '../../functions/watch-rollout.js';
import type { SlackStandIn } from '../../local/slack/slack-server.js';
import { lambdaContext } from '../../local/task-handlers.js';
import { parseConfigText } from '../../shared/config/load.js';
import { logger } from '../../shared/lambda/logger.js';
import { executionName } from '../../shared/match/match-push.js';
import { dynamoApprovals } from '../../shared/records/approvals.js';
import type { RecordsDb } from '../../shared/records/db.js';
import { recordSk, servicePk, STATE_SK } from '../../shared/records/keys.js';
import { freshRecordsTable, useLocalDynamo } from '../support/records.js';
import { startSsmStandIn } from '../support/ssm-stand-in.js';
import { serveSlackApiUrl, startTestSlack } from '../support/slack.js';
import { CATEGORIES, HANDLER_ENTRIES, type Case, type Category, type Entry, type HandlerEntry } from './case.js';
import { CASES } from './cases.js';
import { VALID_CONFIG_TEXT } from './cases/config.js';
import { alarmEvent, statusEvent } from '../support/reliability/events.js';
import { slackRequest } from '../support/reliability/slack-requests.js';
import { workflowState } from '../support/reliability/states.js';
import {
  ADMISSION,
  APPROVALS,
  DEPLOYMENT,
  GROUP,
  GROUP_MEMBER,
  NOW,
  PREVIOUS,
  pushEvent,
  RECORD_ID,
  RELEASE,
  SIGNING_SECRET,
  STATE_MACHINE_ARN,
  taskDefinition,
  WEB,
  WEB_WITH_APPROVAL,
} from '../support/reliability/world.js';

// Bad input at every entry point: each case is refused with an error (or an
// answer) that names what is wrong, and nothing is written anywhere: no AWS
// write command to any mocked client, the records table (a real dynalite table,
// seeded with a realistic service) exactly as it was, and no Slack message
// posted or updated. The mocks answer every read as a healthy world would, so
// an entry point that fails to refuse goes on to write, and the case fails.

type Handler = (event: unknown, context: Context) => Promise<unknown>;
const HANDLERS: Record<HandlerEntry, Handler> = {
  'start-deployments': startDeployments,
  'alarm-rollback': alarmRollback,
  'close-record': closeRecord,
  'admit-release': admitRelease,
  'scan-image': scanImage,
  'acquire-lease': acquireLease,
  'deploy-release': deployRelease,
  'watch-rollout': watchRollout,
  'check-health': checkHealth,
  'roll-back': rollBack,
  'finish-deployment': finishDeployment,
  'request-approval': requestApproval,
};
const interaction = slackInteraction as unknown as (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
/** Cold starts: the module is imported afresh, so its top-level config and environment reads run again. */
const COLD_START = {
  'start-deployments': () => import('../../functions/start-deployments.js'),
  'alarm-rollback': () => import('../../functions/alarm-rollback.js'),
};

// Every AWS client an entry point could use; `mockClient` mocks all instances.
const ecs = mockClient(ECSClient);
const ecr = mockClient(ECRClient);
const cloudwatch = mockClient(CloudWatchClient);
const sfn = mockClient(SFNClient);

/** Commands that only read; anything else sent to AWS is a write. */
const READ = /^(Describe|List|Get|BatchGet)/;
function awsWrites(): string[] {
  const named = (service: string, calls: readonly { args: readonly unknown[] }[]) =>
    calls.map((c) => `${service} ${(c.args[0] as object).constructor.name.replace(/Command$/, '')}`);
  return [
    ...named('ecs', ecs.calls()),
    ...named('ecr', ecr.calls()),
    ...named('cloudwatch', cloudwatch.calls()),
    ...named('sfn', sfn.calls()),
    // SSM: the stand-in answers GetParameter, a read, and nothing else.
    ...ssm.calls.filter((c) => c.target !== 'AmazonSSM.GetParameter').map((c) => `ssm ${c.target}`),
  ].filter((call) => !READ.test(call.split(' ')[1]!));
}

const SERVICE_ARN = 'arn:aws:ecs:us-east-1:123456789012:service/prod/web';
/** prod/web runs web:42 (the previous push), rolled out half an hour ago. */
const RUNNING: Service = {
  serviceName: 'web',
  serviceArn: SERVICE_ARN,
  status: 'ACTIVE',
  taskDefinition: taskDefinition(42),
  desiredCount: 2,
  runningCount: 2,
  deploymentController: { type: 'ECS' },
  deployments: [
    {
      id: 'ecs-svc/2',
      status: 'PRIMARY',
      taskDefinition: taskDefinition(42),
      desiredCount: 2,
      runningCount: 2,
      failedTasks: 0,
      rolloutState: 'COMPLETED',
      createdAt: new Date(NOW.getTime() - 30 * 60_000),
    },
  ],
};

/** A healthy world answering every read, and accepting every write (which the case then fails on). */
function answerAsAHealthyWorld(slack: SlackStandIn): void {
  ecs.on(DescribeServicesCommand).resolves({ services: [RUNNING], failures: [] });
  ecs.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: {
      taskDefinitionArn: taskDefinition(42),
      family: 'web',
      revision: 42,
      status: 'ACTIVE',
      containerDefinitions: [{ name: 'app', image: `${RELEASE.registry}/web@${PREVIOUS.digest}`, essential: true }],
    },
    tags: [],
  });
  ecs.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: taskDefinition(43) } });
  ecs.on(UpdateServiceCommand).callsFake((input: { taskDefinition?: string }) => ({
    service: { ...RUNNING, deployments: [{ id: 'ecs-svc/3', status: 'PRIMARY', taskDefinition: input.taskDefinition, rolloutState: 'IN_PROGRESS' }] },
  }));
  ecr
    .on(DescribeImageScanFindingsCommand)
    .resolves({ imageScanStatus: { status: 'COMPLETE', description: 'The scan was completed successfully.' }, imageScanFindings: { findings: [] } });
  ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [{ repositoryName: 'web', imageScanningConfiguration: { scanOnPush: false } }] });
  ecr.on(StartImageScanCommand).resolves({});
  cloudwatch.on(DescribeAlarmsCommand).callsFake((input: DescribeAlarmsCommandInput) => ({
    MetricAlarms: (input.AlarmNames ?? []).map((AlarmName) => ({
      AlarmName,
      StateValue: 'OK',
      StateReason: 'Threshold Crossed: no datapoints were breaching',
    })),
    CompositeAlarms: [],
  }));
  cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
  sfn
    .on(StartExecutionCommand)
    .callsFake((input: { name?: string }) => ({ executionArn: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${input.name}`, startDate: NOW }));
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(SendTaskFailureCommand).resolves({});
  sfn.on(StopExecutionCommand).resolves({ stopDate: NOW });
  // The closer reads the error of a FAILED execution (the status change event has none).
  sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED', error: 'States.TaskFailed', cause: 'the task failed' });
  // The Slack secrets; any other name is SSM's own ParameterNotFound (whose message is empty).
  ssm.store.put('/shipwatch/slack-bot-token', slack.token);
  ssm.store.put('/shipwatch/slack-signing-secret', SIGNING_SECRET);
}

/**
 * The records table as a running Shipwatch has it: the previous push deployed
 * ten minutes ago, this push admitted and newest, three approvals (waiting,
 * decided, expired). Bad input must leave every item exactly as it is.
 */
async function seedRecords(r: RecordsDb): Promise<void> {
  const put = (Item: Record<string, unknown>) => r.db.send(new PutCommand({ TableName: r.table, Item }));
  const previousImage = `${RELEASE.registry}/web@${PREVIOUS.digest}`;
  await put({
    pk: servicePk('web'),
    sk: recordSk(PREVIOUS.recordId),
    kind: 'record',
    service: 'web',
    recordId: PREVIOUS.recordId,
    repository: 'web',
    tag: 'v1.2.2',
    digest: PREVIOUS.digest,
    imageUri: previousImage,
    pushedAt: PREVIOUS.pushedAt,
    phase: 'done',
    outcome: 'deployed',
    reason: 'healthy through the bake',
    previousRevision: taskDefinition(41),
    revision: taskDefinition(42),
    platform: 'ecs',
    createdAt: PREVIOUS.pushedAt,
    updatedAt: PREVIOUS.finishedAt,
  });
  await put({
    pk: servicePk('web'),
    sk: recordSk(RECORD_ID),
    kind: 'record',
    service: 'web',
    recordId: RECORD_ID,
    repository: RELEASE.repository,
    tag: RELEASE.tag,
    digest: RELEASE.digest,
    imageUri: RELEASE.imageUri,
    pushedAt: RELEASE.pushedAt,
    executionName: executionName('web', RELEASE.digest, RELEASE.eventId),
    phase: 'admitted',
    createdAt: ADMISSION.admittedAt,
    updatedAt: ADMISSION.admittedAt,
  });
  await put({
    pk: servicePk('web'),
    sk: STATE_SK,
    service: 'web',
    newest: { recordId: RECORD_ID, pushedAt: RELEASE.pushedAt },
    lastGood: { recordId: PREVIOUS.recordId, revision: taskDefinition(42), imageUri: previousImage, digest: PREVIOUS.digest, deployedAt: PREVIOUS.finishedAt },
    lastDeployment: {
      recordId: PREVIOUS.recordId,
      outcome: 'deployed',
      revision: taskDefinition(42),
      previousRevision: taskDefinition(41),
      platform: 'ecs',
      finishedAt: PREVIOUS.finishedAt,
    },
  });
  const approvals = dynamoApprovals(r);
  for (const a of APPROVALS) await approvals.create(a);
}

async function tableItems(r: RecordsDb): Promise<Record<string, unknown>[]> {
  const out = await r.db.send(new ScanCommand({ TableName: r.table, ConsistentRead: true }));
  const key = (item: Record<string, unknown>) => `${String(item.pk)}|${String(item.sk)}`;
  return (out.Items ?? []).sort((a, b) => key(a).localeCompare(key(b)));
}

useLocalDynamo();
let slack: SlackStandIn;
let ssm: Awaited<ReturnType<typeof startSsmStandIn>>;
let records: RecordsDb;
let logs: MockInstance[] = [];
const savedEndpoints = { AWS_ENDPOINT_URL_EKS: process.env.AWS_ENDPOINT_URL_EKS, AWS_ENDPOINT_URL_CLOUDTRAIL: process.env.AWS_ENDPOINT_URL_CLOUDTRAIL };

beforeAll(async () => {
  ssm = await startSsmStandIn();
  process.env.AWS_ENDPOINT_URL_SSM = ssm.url;
  // EKS DescribeCluster and CloudTrail LookupEvents go over the wire, not through a client mocked here: no
  // service in these cases reaches them, and if one did, it would fail fast here instead of reaching AWS.
  process.env.AWS_ENDPOINT_URL_EKS = 'http://127.0.0.1:9';
  process.env.AWS_ENDPOINT_URL_CLOUDTRAIL = 'http://127.0.0.1:9';
});

beforeAll(async () => {
  slack = await startTestSlack();
  return serveSlackApiUrl(slack);
});

afterAll(async () => {
  for (const mock of [ecs, ecr, cloudwatch, sfn]) mock.restore();
  for (const [key, value] of Object.entries(savedEndpoints)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  delete process.env.AWS_ENDPOINT_URL_SSM;
  await ssm.close();
});

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  records = await freshRecordsTable();
  await seedRecords(records);
  for (const mock of [ecs, ecr, cloudwatch, sfn]) mock.reset();
  ssm.calls.length = 0;
  slack.reset();
  slack.userGroups.set(GROUP, [GROUP_MEMBER]);
  answerAsAHealthyWorld(slack);
  logs = [vi.spyOn(logger, 'info'), vi.spyOn(logger, 'warn')];
});

afterEach(() => {
  for (const spy of logs) spy.mockRestore();
  vi.useRealTimers();
});

type Outcome = { ok: true; value: unknown } | { ok: false; error: Error };

async function run(c: Case): Promise<Outcome> {
  try {
    switch (c.kind) {
      case 'event':
        return { ok: true, value: await HANDLERS[c.entry](structuredClone(c.event), lambdaContext(c.entry)) };
      case 'slack':
        return { ok: true, value: await interaction(structuredClone(c.request), lambdaContext('slack-interaction')) };
      case 'config':
        return { ok: true, value: parseConfigText(c.text, 'shipwatch.yml') };
      case 'cold-start': {
        const saved = Object.fromEntries(Object.keys(c.env).map((k) => [k, process.env[k]]));
        for (const [k, v] of Object.entries(c.env)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
        try {
          vi.resetModules();
          return { ok: true, value: await COLD_START[c.entry]() };
        } finally {
          for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
          }
        }
      }
    }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/** What the case was answered with, for the assertion message. */
const shown = (outcome: Outcome) =>
  outcome.ok ? `returned ${JSON.stringify(outcome.value)?.slice(0, 600)}` : `threw ${outcome.error.name}: ${outcome.error.message}`;

function assertRefused(c: Case, outcome: Outcome): void {
  const { expect: wanted } = c;
  if ('throws' in wanted) {
    expect(outcome.ok, shown(outcome)).toBe(false);
    if (outcome.ok) return;
    expect({ name: outcome.error.name, message: outcome.error.message }).toEqual({ name: wanted.throws, message: expect.stringMatching(wanted.message) });
    return;
  }
  expect(outcome.ok, shown(outcome)).toBe(true);
  if (!outcome.ok) return;
  if ('status' in wanted) {
    const response = outcome.value as APIGatewayProxyStructuredResultV2;
    expect({ statusCode: response.statusCode, body: response.body }).toEqual({ statusCode: wanted.status, body: expect.stringMatching(wanted.body) });
    return;
  }
  // Ignored: the result or a log line must say why.
  const said = JSON.stringify({ result: outcome.value, logs: logs.flatMap((spy) => spy.mock.calls) });
  expect(said).toMatch(wanted.ignores);
}

const title = (c: Case) =>
  `[${c.category}] ${c.kind === 'cold-start' ? `${c.entry} (cold start)` : c.entry}: ${c.name}${c.bug ? ` — known bug: ${c.bug}` : ''}`;

describe('bad input is refused with a clear error, and nothing is written', () => {
  for (const c of CASES) {
    // A known bug stays visible: the case runs, and must fail until the entry point is fixed.
    const test = c.bug ? it.fails : it;
    test(title(c), async () => {
      // Prepare
      const before = await tableItems(records);
      const undo = c.prepare?.({ slack });

      // Act
      let outcome: Outcome;
      try {
        outcome = await run(c);
      } finally {
        undo?.();
      }

      // Assess: refused, for the stated reason…
      assertRefused(c, outcome);
      // …and no write anywhere: AWS, the records table, Slack messages.
      expect(awsWrites()).toEqual([]);
      expect(await tableItems(records)).toEqual(before);
      expect(slack.callsTo('chat.postMessage').map((call) => call.body)).toEqual([]);
      expect(slack.callsTo('chat.update').map((call) => call.body)).toEqual([]);
    });
  }
});

// The same checks would see a write: good input, through the same harness, writes.
describe('controls: good input through the same harness does write', () => {
  const context = (name: string) => lambdaContext(name);

  it('the base push starts one execution per matching service (web, worker)', async () => {
    const result = await startDeployments(pushEvent(), context('start-deployments'));
    expect(result.started.map((s) => s.service)).toEqual(['web', 'worker']);
    expect(awsWrites()).toEqual(['sfn StartExecution', 'sfn StartExecution']);
  });

  it('the base alarm, a minute old, ten minutes after the last deploy and still in ALARM, starts a rollback execution', async () => {
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'web-5xx-alarm', StateValue: 'ALARM' }], CompositeAlarms: [] });
    const result = (await alarmRollback(alarmEvent(), context('alarm-rollback'))) as { services: { decision: { action: string } }[] };
    expect(result.services.map((s) => s.decision.action)).toEqual(['rollback']);
    expect(awsWrites()).toEqual(['sfn StartExecution']);
  });

  it('the base status change closes the record of the execution that died', async () => {
    const before = await tableItems(records);
    expect(await closeRecord(statusEvent(), context('close-record'))).toMatchObject({ recordId: RECORD_ID, closed: true });
    expect(await tableItems(records)).not.toEqual(before);
  });

  it('the base state deploys (RegisterTaskDefinition, UpdateService), and rolls back to web:41 (UpdateService)', async () => {
    await deployRelease(workflowState(), context('deploy-release'));
    await rollBack(workflowState({ deploy: { ...structuredClone(DEPLOYMENT), previousRevision: taskDefinition(41) } }), context('roll-back'));
    expect(awsWrites()).toEqual(['ecs RegisterTaskDefinition', 'ecs UpdateService', 'ecs UpdateService']);
  });

  it('the base state takes the lease and asks for approval in Slack', async () => {
    const before = await tableItems(records);
    await acquireLease({ phase: 'deploying', state: workflowState() }, context('acquire-lease'));
    await requestApproval(
      { taskToken: 'AQCEAAAAKgAAAAMAAAAAAAAAAfake==', state: workflowState({ service: structuredClone(WEB_WITH_APPROVAL) }) },
      context('request-approval'),
    );
    expect(await tableItems(records)).not.toEqual(before);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it("the approver's signed click decides: SendTaskSuccess, the decision stored, the message updated", async () => {
    const before = await tableItems(records);
    const response = await interaction(slackRequest(), context('slack-interaction'));
    expect(response.statusCode).toBe(200);
    expect(awsWrites()).toEqual(['sfn SendTaskSuccess']);
    expect(await tableItems(records)).not.toEqual(before);
    expect(slack.callsTo('chat.update')).toHaveLength(1);
  });

  it('the base config text parses, and WEB is the test config', () => {
    expect(parseConfigText(VALID_CONFIG_TEXT, 'shipwatch.yml').services.map((s) => s.name)).toEqual(['web']);
    expect(WEB.health.alarms).toEqual(['web-5xx-alarm']);
  });
});

describe('summary', () => {
  it('covers every category and every entry point; prints the count per category', () => {
    const perCategory = new Map<Category, number>(CATEGORIES.map((c) => [c, 0]));
    for (const c of CASES) perCategory.set(c.category, (perCategory.get(c.category) ?? 0) + 1);
    for (const [category, count] of perCategory) console.log(`bad-input ${category} ${count}`);
    console.log(`bad-input total ${CASES.length}`);
    console.log(`bad-input known-bugs ${CASES.filter((c) => c.bug).length}`);

    // The README's reliability table quotes these numbers: change both together.
    expect(Object.fromEntries(perCategory)).toEqual({
      malformed: 23,
      truncated: 19,
      foreign: 46,
      oversized: 6,
      'config-typo': 32,
      'slack-forged': 8,
      'slack-replayed': 4,
      'slack-stale': 5,
      'slack-unauthorized': 6,
      'slack-malformed': 14,
      'state-malformed': 27,
    });
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    const entries = new Set<Entry>(CASES.map((c) => c.entry));
    const every: Entry[] = [...HANDLER_ENTRIES, 'slack-interaction', 'config'];
    expect(every.filter((e) => !entries.has(e))).toEqual([]);
    expect(new Set(CASES.map(title)).size).toBe(CASES.length);
  });
});
