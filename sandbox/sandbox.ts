import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Context } from 'aws-lambda';
import { startCloudServer } from '../local/cloud/http.js';
import { startKubeServer, type KubeServer } from '../local/cloud/kube-server.js';
import { profile } from '../local/cloud/profiles.js';
import type { CloudService } from '../local/cloud/world.js';
import { createRecordsTable, startLocalDynamo } from '../local/dynamo.js';
import type { StateEvent } from '../local/run-workflow.js';
import { installSimClock } from '../local/sim-clock.js';
import { StepFunctionsModel, type SimExecution } from '../local/sfn.js';
import { lambdaContext } from '../local/task-handlers.js';
import { VirtualTime } from '../local/virtual-time.js';
import { executionName } from '../shared/match/match-push.js';
import type { DeploymentResult } from '../shared/workflow/result.js';
import { alarmEvent } from './alarm-events.js';
import { measure, table, type Row, type Usage } from './report.js';
import { SCENARIOS, type Scenario } from './scenarios.js';
import { askDecision } from './terminal.js';
import { sandboxWorld } from './world.js';
import { faultInjector, faultyProxy, type FaultPlan } from '../local/faults.js';
import { signedClick } from '../local/slack/click.js';
import { LocalLambda } from '../local/lambda-runtime/environments.js';
import { loadPackage, type PackagedApp } from '../local/lambda-runtime/packaged.js';
import { taskHandlers, type LambdaHandler } from '../local/task-handlers.js';
import { scenarioCues } from './cues.js';
import { statusEvent } from './status-events.js';
import { startSlackStandIn } from '../local/slack/slack-server.js';

export interface SandboxOptions {
  scenario?: string;
  seed?: number;
  /** Simulated seconds per real second; Infinity runs flat out. */
  speed?: number;
  json?: string;
  print?: (line: string) => void;
  /**
   * A bad day in AWS: this share of every AWS call (ECS, ECR, CloudWatch,
   * Step Functions, DynamoDB, SSM, EKS) is throttled, fails with a 5xx,
   * times out or loses its connection, and as many Lambda invocations crash
   * (before or after doing their work). Deterministic for the seed.
   */
  faults?: FaultPlan;
  /**
   * A person answers approval requests at the terminal (undefined: nobody
   * there); otherwise each scenario's planned click is played. Only `a`/`approve`
   * and `r`/`reject` decide; anything else is asked again.
   */
  ask?: (question: string) => Promise<string | undefined>;
  /**
   * Run what `serverless package` wrote to this folder instead of the
   * sources: each function from its zip in an execution environment of its
   * own, the state machine as the CloudFormation template renders it.
   */
  artifacts?: string;
}

const SLACK_TOKEN = 'xoxb-sandbox-bot-token';
const SIGNING_SECRET = 'sandbox-signing-secret';
const DEFAULT_BOT_PARAMETER = '/shipwatch/slack-bot-token';
const DEFAULT_SIGNING_PARAMETER = '/shipwatch/slack-signing-secret';

const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:shipwatch-sandbox-deploy';
const CONFIG = fileURLToPath(new URL('./shipwatch.sandbox.yml', import.meta.url));
const TABLE = 'shipwatch-sandbox-records';
const START = Date.parse('2026-11-02T09:00:00Z');
let boundPort = 0;
let dynamoPort = 0;
let slackPort = 0;
let proxyPort = 0;
/** Per EKS cluster: the port of its Kubernetes API, kept across runs like the cloud's (a warm target keeps the endpoint). */
const kubePorts = new Map<string, number>();

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** The functions the sandbox invokes, from the sources (in this process) or from the package. */
interface Functions {
  handler(name: string): Handler;
  /** The Slack secrets' SSM parameter names the functions read (serverless.yml sets them per stage). */
  slackParameters?: { botToken?: string | undefined; signingSecret?: string | undefined };
  taskHandlers?: Record<string, LambdaHandler>;
  definition?: PackagedApp['definition'];
  close(): Promise<void>;
}

async function sourceFunctions(): Promise<Functions> {
  const entry: Record<string, () => Promise<{ handler: Handler }>> = {
    startDeployments: () => import('../functions/start-deployments.js'),
    alarmRollback: () => import('../functions/alarm-rollback.js'),
    closeRecord: () => import('../functions/close-record.js'),
    slackInteraction: () => import('../functions/slack-interaction.js') as Promise<{ handler: Handler }>,
  };
  const loaded = Object.fromEntries(await Promise.all(Object.entries(entry).map(async ([name, load]) => [name, (await load()).handler] as const)));
  return { handler: (name) => loaded[name] ?? taskHandlers[name]!, close: async () => undefined };
}

async function packagedFunctions(dir: string, now: () => number, env: Record<string, string>): Promise<Functions> {
  const app = await loadPackage(dir, { table: TABLE, stateMachineArn: STATE_MACHINE_ARN });
  const lambda = new LocalLambda(app.functions, now, env);
  const tasks = Object.fromEntries(Object.values(app.definition.taskFunctions).map((fn) => [fn, lambda.handler(fn)]));
  const slackEnv = app.functions.get('slackInteraction')?.env ?? {};
  return {
    handler: (name) => lambda.handler(name),
    slackParameters: { botToken: slackEnv.SLACK_BOT_TOKEN_PARAMETER, signingSecret: slackEnv.SLACK_SIGNING_SECRET_PARAMETER },
    taskHandlers: tasks,
    definition: app.definition,
    close: async () => {
      await lambda.close();
      await app.dispose();
    },
  };
}

/**
 * The whole pipeline on a laptop: the simulated cloud on 127.0.0.1, a real
 * local DynamoDB (dynalite) for the records, the real handlers reaching both
 * through AWS_ENDPOINT_URL_*, the real state machine, an EventBridge stand-in
 * that delivers ECR pushes and alarm state changes. Returns the summary rows.
 */
export async function runSandbox(options: SandboxOptions = {}): Promise<{ rows: Row[]; usage: Usage[]; ok: boolean; endpoint: string; injected: Record<string, number> }> {
  const print = options.print ?? ((line: string) => console.log(line));
  const scenarios = selectScenarios(options.scenario);
  const realStart = performance.now();
  const clock = installSimClock(START);
  const world = sandboxWorld(clock.now, options.seed ?? 1);
  clock.advance(30 * 60_000);
  const time = new VirtualTime(clock, options.speed ?? 600);
  const stamp = () => {
    const s = Math.round((clock.now() - START) / 1000);
    const hms = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, '0')).join(':');
    return `sim ${hms} | real ${((performance.now() - realStart) / 1000).toFixed(1).padStart(5)}s`;
  };
  const short = (text: string) => text.replace(/(sha256:[a-f0-9]{12})[a-f0-9]+/g, '$1…');
  const say = (who: string, text: string) => print(`  [${stamp()}] ${who.padEnd(20)} ${short(text)}`);

  const labels = new Map<string, string>();
  let last = '';
  const onState = (e: StateEvent) => {
    const label = labels.get(e.execution) ?? e.execution.slice(0, 20);
    let text: string | undefined;
    if (e.type === 'entered' && !/^(Route|ScanVerdict|AlreadyRunning)$/.test(e.state)) text = e.state;
    if (e.type === 'failed') text = `${e.state}: ${e.detail?.replace(/^NotYet\d+s: /, '')}`;
    if (!text || `${label}${text}` === last) return;
    last = `${label}${text}`;
    say(label, text);
  };
  let lastFinish = 0;
  const faults = options.faults ? faultInjector(options.faults) : undefined;
  let cues: ReturnType<typeof scenarioCues> | undefined;
  world.faults = (call) => cues?.fault(call) ?? faults?.decide(`${call.service}:${call.operation}`);
  // Crashed invocations alternate between before and after the work is done.
  let crashes = 0;
  const crash = faults ? (fn: string) => (faults.decide(`lambda:${fn}`) ? (crashes++ % 2 === 0 ? ('before' as const) : ('after' as const)) : undefined) : undefined;
  const dynamo = await startLocalDynamo(dynamoPort);
  dynamoPort = Number(new URL(dynamo.endpoint).port);
  await createRecordsTable(dynamo.endpoint, TABLE);
  // DynamoDB is reached through a proxy that can fail calls like DynamoDB does (when faults are asked for).
  const dynamoProxy = await faultyProxy(dynamo.endpoint, (site) => cues?.faultAt(site) ?? faults?.decide(site), proxyPort);
  proxyPort = Number(new URL(dynamoProxy.url).port);
  // The handlers' SDK clients live as long as the process, as in a warm Lambda,
  // so a second run in one process listens where the first one did.
  const server = await startCloudServer(
    async (service, operation, input) => {
      if (service !== 'sfn') return world.handle(service as CloudService, operation, input);
      const fault = faults?.decide(`sfn:${operation}`);
      if (fault) throw fault;
      return sfn.handle(operation, input);
    },
    boundPort,
  );
  boundPort = Number(new URL(server.url).port);
  // Each EKS cluster's Kubernetes API on its own HTTPS port; DescribeCluster returns it with the sandbox CA.
  const kubeServers: KubeServer[] = [];
  for (const [name, cluster] of world.eks.clusters) {
    const kube = await startKubeServer((request) => cluster.kubernetes.handle(request), kubePorts.get(name) ?? 0);
    kubePorts.set(name, Number(new URL(kube.url).port));
    world.eks.serve(name, kube.url);
    kubeServers.push(kube);
  }

  // Slack: a local stand-in for the Web API; the secrets live in the simulated Parameter Store.
  let current: Scenario | undefined;
  let interaction: Handler | undefined;
  const answered = new Map<string, 'approve' | 'reject'>();
  const slack = await startSlackStandIn({
    token: SLACK_TOKEN,
    userGroups: { S0SANDBOXSRE: ['U0SANDBOXSRE1', 'U0SANDBOXSRE2'] },
    port: slackPort,
    onEphemeral: (user, text) => say(`slack → ${user}`, text),
    onApproval: (asked) => {
      const plan = current?.approval;
      const label = current?.pushes[0] ? `${current.pushes[0].repository}:${current.pushes[0].tag}` : 'slack';
      say(label, `Slack asks #${asked.channel} for approval: ${asked.text}`);
      void (async () => {
        let decision: 'approve' | 'reject';
        let minutes = 0;
        // Time stands still while a person decides.
        const answer = options.ask ? await time.track(askDecision(options.ask, `  Approve ${label}? [a]pprove / [r]eject: `)) : undefined;
        if (answer !== undefined) {
          decision = answer;
          answered.set(asked.approvalId, decision);
        } else {
          decision = plan?.answer ?? 'approve';
          minutes = plan?.afterMinutes ?? 1;
        }
        if (minutes > 0) await time.sleep(minutes * 60_000);
        const user = plan?.as ?? 'U0SANDBOXYOU';
        // When Slack shows them an error (the endpoint failed or answered 5xx), a person clicks again a minute later.
        for (let attempt = 1; attempt <= 3; attempt += 1) {
          const click = signedClick({ approvalId: asked.approvalId, decision, user, channel: asked.channel, messageTs: asked.ts }, SIGNING_SECRET, new Date(clock.now()));
          say(label, `<@${user}> clicks ${decision === 'approve' ? 'Approve' : 'Reject'} (a signed request to the interaction endpoint)`);
          const status = await time.track(interaction!(click, lambdaContext('slackInteraction'))).then(
            (response) => (response as { statusCode: number }).statusCode,
            (error: Error) => `an error (${error.name})`,
          );
          say(label, `interaction endpoint answered ${status}`);
          if (status === 200) break;
          await time.sleep(60_000);
        }
      })();
    },
  });
  slackPort = Number(new URL(slack.url).port);

  const kubeRequestCount = () => [...world.eks.clusters.values()].reduce((n, c) => n + c.kubernetes.requests.length, 0);
  const saved = { ...process.env };
  const localEnv: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'sandbox',
    AWS_SECRET_ACCESS_KEY: 'sandbox',
    AWS_ENDPOINT_URL_ECS: server.url,
    AWS_ENDPOINT_URL_ECR: server.url,
    AWS_ENDPOINT_URL_CLOUDWATCH: server.url,
    AWS_ENDPOINT_URL_SFN: server.url,
    AWS_ENDPOINT_URL_EKS: server.url,
    AWS_ENDPOINT_URL_DYNAMODB: dynamoProxy.url,
    AWS_ENDPOINT_URL_SSM: server.url,
    AWS_ENDPOINT_URL_CLOUDTRAIL: server.url,
    SLACK_API_URL: slack.url,
    SHIPWATCH_TABLE: TABLE,
    SHIPWATCH_CONFIG: CONFIG,
    STATE_MACHINE_ARN,
    POWERTOOLS_LOG_LEVEL: process.env.SHIPWATCH_SANDBOX_LOG_LEVEL ?? 'SILENT',
    // The SDK's retries keep their count but do not sleep in real time (shared/aws/client-config.ts).
    SHIPWATCH_SDK_RETRY_DELAY_MS: '0',
  };
  Object.assign(process.env, localEnv);
  const functions = options.artifacts ? await packagedFunctions(options.artifacts, clock.now, localEnv) : await sourceFunctions();
  world.ssm.put(functions.slackParameters?.botToken ?? DEFAULT_BOT_PARAMETER, SLACK_TOKEN);
  world.ssm.put(functions.slackParameters?.signingSecret ?? DEFAULT_SIGNING_PARAMETER, SIGNING_SECRET);
  const onEntered = (e: StateEvent) => {
    if (e.type === 'entered') cues?.enter(e.state);
    onState(e);
  };
  const sfn = new StepFunctionsModel(
    time,
    STATE_MACHINE_ARN,
    { onState: onEntered, ...(crash ? { crash } : {}), ...(functions.taskHandlers ? { handlers: functions.taskHandlers } : {}), ...(functions.definition ? { definition: functions.definition } : {}) },
    (execution) => {
      lastFinish = clock.now();
      // EventBridge's part: the status-change rule delivers a FAILED, TIMED_OUT or ABORTED end to the closer.
      if (execution.status === 'FAILED') closing.push(closeEnded(execution));
    },
  );
  const closing: Promise<void>[] = [];
  const closeEnded = async (execution: SimExecution) => {
    const label = labels.get(execution.name) ?? execution.name;
    try {
      const out = (await invokeAsync(functions.handler('closeRecord'), statusEvent(execution, STATE_MACHINE_ARN, world.account, world.region), 'closeRecord')) as { closed: boolean; outcome?: string };
      if (out.closed) say(label, `the closer recorded ${out.outcome ?? 'an outcome'} for an execution that ended without one`);
    } catch (error) {
      // After Lambda's two retries the event goes to the function's failure destination.
      say(label, `the closer failed three times (${(error as Error).name}: ${(error as Error).message}); the event goes to its dead-letter queue`);
    }
  };
  print(`Shipwatch sandbox: simulated cloud at ${server.url} (aws --endpoint-url ${server.url} ecs describe-services --cluster prod --services checkout)`);
  for (const [name, cluster] of world.eks.clusters) {
    print(`EKS cluster ${name}: Kubernetes API at ${cluster.endpoint} (CA local/cloud/tls/ca.pem; token: aws eks get-token --cluster-name ${name})`);
  }
  print(`records in DynamoDB (dynalite) at ${dynamo.endpoint}, table ${TABLE}; config ${CONFIG}; seed ${options.seed ?? 1}, speed ${options.speed ?? 600}x\n`);

  const rows: Row[] = [];
  const usage: Usage[] = [];
  /**
   * EventBridge invokes Lambda asynchronously: a failed invocation is retried
   * twice, a minute then two minutes later, as Lambda does.
   */
  const invokeAsync = async (handler: Handler, event: unknown, fn: string): Promise<unknown> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await time.track(handler(event, lambdaContext(fn)));
      } catch (error) {
        if (attempt >= 2) throw error;
        say(fn, `failed (${(error as Error).name}); Lambda retries the event in ${attempt + 1} minute(s)`);
        await time.sleep((attempt + 1) * 60_000);
      }
    }
  };
  let watching = true;
  try {
    const startDeployments = functions.handler('startDeployments');
    const alarmRollback = functions.handler('alarmRollback');
    interaction = functions.handler('slackInteraction');
    const { history } = await import('../shared/records/queries.js');
    const { dynamoClient } = await import('../shared/aws/dynamodb.js');
    const records = { db: dynamoClient(), table: TABLE };

    // EventBridge's part for alarms: every simulated minute, deliver each
    // transition to ALARM to the real alarm handler.
    const states = new Map([...world.cloudwatch.alarms.keys()].map((n) => [n, world.cloudwatch.alarmState(n).state]));
    void (async () => {
      while (watching) {
        await time.sleep(60_000);
        for (const name of states.keys()) {
          const now = world.cloudwatch.alarmState(name);
          const before = states.get(name)!;
          if (now.state === before) continue;
          states.set(name, now.state);
          if (now.state !== 'ALARM') continue;
          say(`alarm ${name}`, `→ ALARM: ${now.reason}`);
          const out = (await invokeAsync(alarmRollback, alarmEvent(world, name, now, before), 'alarmRollback')) as { services: { service: string; decision: { action: string; why?: string } }[] };
          for (const s of out.services) say(`alarm ${name}`, `${s.service}: ${s.decision.action}${s.decision.why ? ` (${s.decision.why})` : ''}`);
        }
      }
    })();

    for (const scenario of scenarios) {
      current = scenario;
      cues = scenarioCues(world, scenario, say);
      const mark = { calls: world.calls.length, dynamo: new Map(dynamo.requests), slack: slack.calls.length, kube: kubeRequestCount(), executions: new Set(sfn.executions.keys()) };
      print(`▶ ${scenario.name}: ${scenario.title} (expect ${scenario.expect.join(', ')})`);
      const digests: { digest: string; label: string; service: string }[] = [];
      let pending = scenario.pushes.length;
      for (const push of scenario.pushes) {
        void (async () => {
          if (push.afterSeconds) await time.sleep(push.afterSeconds * 1000);
          const event = world.ecr.push(push.repository, push.tag, profile(push.behaviour));
          const label = `${push.repository}:${push.tag}`;
          digests.push({ digest: event.detail['image-digest'], label, service: push.repository });
          labels.set(executionName(push.repository, event.detail['image-digest']), label);
          say(label, `pushed ${event.detail['image-digest']}`);
          if (push.deliveredAfterSeconds) {
            say(label, `EventBridge delivers the push event ${push.deliveredAfterSeconds} s late`);
            await time.sleep(push.deliveredAfterSeconds * 1000);
          }
          const trigger = (await invokeAsync(startDeployments, event, 'startDeployments')) as { started: { executionArn: string }[] };
          trigger.started.forEach((s) => labels.set(s.executionArn.split(':').pop()!, label));
          pending -= 1;
        })();
      }
      let closed = false;
      await time.run(() => pending === 0 && sfn.idle && clock.now() >= lastFinish + (scenario.observeMinutes ?? 0) * 60_000);
      // The closer runs after the execution ends; wait for it as EventBridge would deliver to it.
      void Promise.all(closing.splice(0)).finally(() => {
        closed = true;
      });
      await time.run(() => closed);
      const calls = world.calls.slice(mark.calls).filter((c) => !c.error);
      const ran = [...sfn.executions.values()].filter((e) => !mark.executions.has(e.arn));
      usage.push({
        scenario: scenario.name,
        pushes: scenario.pushes.length,
        transitions: ran.reduce((n, e) => n + (e.run?.transitions ?? 0), 0),
        lambdaInvocations: scenario.pushes.length + ran.reduce((n, e) => n + Object.values(e.run?.invocations ?? {}).reduce((a, b) => a + b, 0), 0),
        handlerMs: Math.round(ran.reduce((n, e) => n + (e.run?.handlerMs ?? 0), 0)),
        awsCalls: calls.reduce<Record<string, number>>((acc, c) => ({ ...acc, [c.operation]: (acc[c.operation] ?? 0) + 1 }), {}),
        metricsRequested: calls.filter((c) => c.operation === 'GetMetricData').reduce((n, c) => n + ((c.input as { MetricDataQueries?: unknown[] }).MetricDataQueries?.length ?? 0), 0),
        dynamo: Object.fromEntries([...dynamo.requests].map(([op, n]) => [op, n - (mark.dynamo.get(op) ?? 0)]).filter(([, n]) => Number(n) > 0)),
        slackCalls: slack.calls.length - mark.slack,
        kubeRequests: kubeRequestCount() - mark.kube,
      });

      const order = new Map(scenario.pushes.map((p, i) => [`${p.repository}:${p.tag}`, i]));
      digests.sort((a, b) => order.get(a.label)! - order.get(b.label)!);
      for (const [i, pushed] of digests.entries()) {
        const record = (await history(records, pushed.service, 50)).find((r) => r.digest === pushed.digest);
        const executions = [...sfn.executions.values()].filter((e) => (JSON.parse(e.input) as { release: { digest: string } }).release.digest === pushed.digest);
        const results = executions.map((e) => e.run?.result).filter((r): r is DeploymentResult => Boolean(r));
        const outcome = record?.outcome ?? 'no outcome';
        // With a person answering, the expected outcome is whatever they chose.
        const chosen = record?.approval?.approvalId ? answered.get(record.approval.approvalId) : undefined;
        const expected = chosen ? (chosen === 'approve' ? 'deployed' : 'rejected') : (scenario.expect[i] ?? '?');
        rows.push({
          scenario: scenario.name,
          service: record?.service ?? pushed.service,
          image: `${pushed.label}@${pushed.digest.slice(7, 19)}`,
          outcome,
          expected,
          ok: outcome === expected,
          reason: record?.reason ?? executions.map((e) => e.error).join('; '),
          ...measure(scenario, results),
          transitions: executions.reduce((n, e) => n + (e.run?.transitions ?? 0), 0),
          lambdaInvocations: 1 + executions.reduce((n, e) => n + Object.values(e.run?.invocations ?? {}).reduce((a, b) => a + b, 0), 0),
          results,
        });
        const row = rows.at(-1)!;
        print(`  ${row.ok ? '✔' : '✘'} ${pushed.label} ${row.outcome}: ${short(row.reason)}`);
      }
      print('');
    }
  } finally {
    watching = false;
    await functions.close();
    await server.close();
    await Promise.all(kubeServers.map((k) => k.close()));
    await dynamo.close();
    await dynamoProxy.close();
    await slack.close();
    clock.uninstall();
    process.env = saved;
  }

  print(table(rows));
  const ok = rows.every((r) => r.ok);
  const kubeRequests = [...world.eks.clusters.values()].reduce((n, c) => n + c.kubernetes.requests.length, 0);
  print(`\n${rows.filter((r) => r.ok).length} of ${rows.length} pushes ended as expected; ${world.calls.length} AWS calls and ${kubeRequests} Kubernetes API requests answered by the simulated cloud.`);
  if (options.json) writeFileSync(options.json, `${JSON.stringify({ rows, usage, ok }, null, 2)}\n`);
  return { rows, usage, ok, endpoint: server.url, injected: Object.fromEntries(faults?.injected ?? []) };
}

function selectScenarios(name: string | undefined): Scenario[] {
  if (!name) return SCENARIOS;
  const found = SCENARIOS.filter((s) => s.name === name);
  if (found.length === 0) throw new Error(`no scenario "${name}"; scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  return found;
}
