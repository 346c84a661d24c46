// Long on purpose, for now: runSandbox wires one simulated account end to end (cloud, EventBridge,
// Slack, the functions from source or from the zips, the scenarios, the report) and its parts share
// that wiring's lifetime; the pieces that stand alone are already in sandbox/ and local/.
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
import { measure, table, type Row, type Usage } from './report.js';
import { SCENARIOS, type Scenario } from './scenarios.js';
import { askDecision } from './terminal.js';
import { sandboxWorld } from './world.js';
import { exposureOf } from './exposure.js';
import { channelsOf, worldFromConfig } from './world-from-config.js';
import { writeKubeconfig } from './kubeconfig.js';
import { CloudFormationModel } from '../local/cloud/query-protocol.js';
import { exportLine, SANDBOX_INFO_PATH, writeDiscovery, type SandboxInfo } from '../cli/sandbox-link.js';
import { loadConfig } from '../shared/config/load.js';
import { UsageError } from '../cli/errors.js';
import { faultInjector, faultyProxy, type FaultPlan } from '../local/faults.js';
import { signedClick } from '../local/slack/click.js';
import { LocalLambda } from '../local/lambda-runtime/environments.js';
import { loadPackage, type PackagedApp } from '../local/lambda-runtime/packaged.js';
import { taskHandlers, type LambdaHandler } from '../local/task-handlers.js';
import { scenarioCues } from './cues.js';
import { statusEvent } from './status-events.js';
import type { BusEvent } from '../local/cloud/events.js';
import { EventBus } from '../local/eventbridge/bus.js';
import { driveEcsHooks } from '../local/cloud/ecs-hook-driver.js';
import { pumpEvents } from '../local/eventbridge/pump.js';
import { declaredRules, rulesOf, type Rule } from '../local/eventbridge/rules.js';
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
  /** Your own config instead of the sandbox's: the simulated account is made from it (world-from-config.ts). */
  config?: string;
  /** Play these pushes instead of the scenarios (each expected to deploy). */
  pushes?: { repository: string; tag: string }[];
  /**
   * After the pushes, keep the simulated cloud up until this aborts: the CLI
   * (and the AWS CLI, kubectl) reach it, pushes and alarm changes made at its
   * endpoint play as in AWS. Time then moves at `serveSpeed` (default 60: a
   * simulated minute per second).
   */
  serve?: AbortSignal;
  serveSpeed?: number;
  /** Where to tell this clone's CLI that a sandbox runs (cli/sandbox-link.ts); none in tests. */
  discoveryFile?: string;
  /**
   * Serve the dashboard over the sandbox from the start, so the scenarios can
   * be watched live: they begin once it is first opened (or after
   * `dashboardWaitMs` of real time, 30 s by default). While serving, approval
   * requests wait for a person (the dashboard) instead of a planned click.
   */
  dashboard?: (info: SandboxInfo) => Promise<{ url: string; opened: Promise<void>; close(): Promise<void> }>;
  dashboardWaitMs?: number;
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
  /** EventBridge rules as the packaged template creates them (the sources use serverless.yml's). */
  rules?: Rule[];
  definition?: PackagedApp['definition'];
  /** The ARN deployRelease gives ECS for its lifecycle hook (the package's own, resolved like CloudFormation would). */
  ecsHookArn?: string | undefined;
  close(): Promise<void>;
}

/** From source, the hook's ARN and the role ECS assumes to invoke it, as serverless.yml would give them to deployRelease. */
const SOURCE_HOOK = {
  arn: 'arn:aws:lambda:us-east-1:123456789012:function:shipwatch-sandbox-ecsLifecycleHook',
  role: 'arn:aws:iam::123456789012:role/shipwatch-sandbox-EcsHookInvokeRole',
};

async function sourceFunctions(): Promise<Functions> {
  const entry: Record<string, () => Promise<{ handler: Handler }>> = {
    startDeployments: () => import('../functions/start-deployments.js'),
    alarmRollback: () => import('../functions/alarm-rollback.js'),
    closeRecord: () => import('../functions/close-record.js'),
    resumeWaiters: () => import('../functions/resume-waiters.js'),
    slackInteraction: () => import('../functions/slack-interaction.js') as Promise<{ handler: Handler }>,
    ecsLifecycleHook: () => import('../functions/ecs-lifecycle-hook.js'),
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
    rules: rulesOf(app.template, { stateMachineArn: STATE_MACHINE_ARN }),
    ecsHookArn: app.functions.get('deployRelease')?.env.SHIPWATCH_ECS_HOOK_ARN,
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
export async function runSandbox(
  options: SandboxOptions = {},
): Promise<{ rows: Row[]; usage: Usage[]; ok: boolean; endpoint: string; injected: Record<string, number> }> {
  const print = options.print ?? ((line: string) => console.log(line));
  const configFile = options.config ?? CONFIG;
  const config = options.config ? loadConfig(options.config) : undefined;
  const scenarios = options.pushes ? [pushScenario(options.pushes)] : selectScenarios(options.scenario);
  const realStart = performance.now();
  // Everything started is stopped again, in reverse, whatever happens: a sandbox
  // that fails (no loopback, a port taken) exits instead of hanging on open servers.
  const closers: (() => Promise<void> | void)[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await Promise.resolve(close()).catch(() => undefined);
  };
  const clock = installSimClock(START);
  closers.push(() => clock.uninstall());
  try {
    const world = config ? worldFromConfig(config, clock.now, options.seed ?? 1) : sandboxWorld(clock.now, options.seed ?? 1);
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
      if (e.type === 'failed' || e.type === 'looked') text = `${e.state}: ${e.detail}`;
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
    const crash = faults
      ? (fn: string) => (faults.decide(`lambda:${fn}`) ? (crashes++ % 2 === 0 ? ('before' as const) : ('after' as const)) : undefined)
      : undefined;
    const dynamo = await startLocalDynamo(dynamoPort);
    closers.push(() => dynamo.close());
    dynamoPort = Number(new URL(dynamo.endpoint).port);
    await createRecordsTable(dynamo.endpoint, TABLE);
    // DynamoDB is reached through a proxy that can fail calls like DynamoDB does (when faults are asked for).
    const dynamoProxy = await faultyProxy(dynamo.endpoint, (site) => cues?.faultAt(site) ?? faults?.decide(site), proxyPort);
    closers.push(() => dynamoProxy.close());
    proxyPort = Number(new URL(dynamoProxy.url).port);
    // What `--stage sandbox` finds through CloudFormation, and what GET /shipwatch/sandbox tells the CLI.
    const stacks = new CloudFormationModel(world.account, world.region);
    stacks.stacks.set('shipwatch-sandbox', { outputs: { RecordsTableName: TABLE, DeployStateMachineArn: STATE_MACHINE_ARN }, createdAt: START });
    let info: SandboxInfo | undefined;
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
      // One endpoint for every service: DynamoDB requests go on to dynalite.
      {
        forward: { DynamoDB_20120810: dynamo.endpoint },
        query: stacks.dispatch,
        info: { path: SANDBOX_INFO_PATH, answer: () => info && { ...info, now: clock.now() } },
      },
    );
    closers.push(() => server.close());
    boundPort = Number(new URL(server.url).port);
    // Each EKS cluster's Kubernetes API on its own HTTPS port; DescribeCluster returns it with the sandbox CA.
    const kubeServers: KubeServer[] = [];
    for (const [name, cluster] of world.eks.clusters) {
      const kube = await startKubeServer((request) => cluster.kubernetes.handle(request), kubePorts.get(name) ?? 0);
      kubePorts.set(name, Number(new URL(kube.url).port));
      world.eks.serve(name, kube.url);
      kubeServers.push(kube);
      closers.push(() => kube.close());
    }

    // Slack: a local stand-in for the Web API; the secrets live in the simulated Parameter Store.
    let current: Scenario | undefined;
    let interaction: Handler | undefined;
    let serving = false;
    const answered = new Map<string, 'approve' | 'reject'>();
    const slack = await startSlackStandIn({
      token: SLACK_TOKEN,
      userGroups: { S0SANDBOXSRE: ['U0SANDBOXSRE1', 'U0SANDBOXSRE2'] },
      channels: config ? channelsOf(config) : { C0SANDBOXDEPLOYS: 'deploys' },
      port: slackPort,
      onEphemeral: (user, text) => say(`slack → ${user}`, text),
      onApproval: (asked) => {
        const plan = current?.approval;
        const label = !serving && current?.pushes[0] ? `${current.pushes[0].repository}:${current.pushes[0].tag}` : 'slack';
        say(label, `Slack asks #${asked.channel} for ${asked.promotion ? 'promotion' : 'approval'}: ${asked.text}`);
        // Serving with the dashboard, a person decides there (or the request expires as its policy says).
        if (serving && options.dashboard)
          return say(label, `waiting for a decision: ${asked.promotion ? 'promote or abort' : 'approve or reject'} it in the dashboard`);
        // Serving with nobody at the terminal, a pause waits for `shipwatch promote` or `shipwatch abort` (or its expiry, which aborts).
        if (serving && asked.promotion && !options.ask) {
          const service = /^([\w-]+):/.exec(asked.text)?.[1] ?? '<service>';
          return say(label, `waiting for a decision: npx shipwatch promote ${service}, or npx shipwatch abort ${service}`);
        }
        void (async () => {
          let decision: 'approve' | 'reject';
          let minutes = 0;
          // Time stands still while a person decides.
          const question = asked.promotion ? `  Promote ${label}? [a]pprove promotes / [r]eject aborts: ` : `  Approve ${label}? [a]pprove / [r]eject: `;
          const answer = options.ask ? await time.track(askDecision(options.ask, question)) : undefined;
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
            const click = signedClick(
              { approvalId: asked.approvalId, decision, user, channel: asked.channel, messageTs: asked.ts },
              SIGNING_SECRET,
              new Date(clock.now()),
            );
            const button = asked.promotion ? (decision === 'approve' ? 'Promote' : 'Abort') : decision === 'approve' ? 'Approve' : 'Reject';
            say(label, `<@${user}> clicks ${button} (a signed request to the interaction endpoint)`);
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
    closers.push(() => slack.close());
    slackPort = Number(new URL(slack.url).port);
    info = {
      endpoint: server.url,
      region: world.region,
      table: TABLE,
      stateMachineArn: STATE_MACHINE_ARN,
      config: configFile,
      stage: 'sandbox',
      pid: process.pid,
      slackApiUrl: slack.url,
    };

    const kubeRequestCount = () => [...world.eks.clusters.values()].reduce((n, c) => n + c.kubernetes.requests.length, 0);
    const saved = { ...process.env };
    closers.push(() => {
      process.env = saved;
    });
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
      SHIPWATCH_CONFIG: configFile,
      STATE_MACHINE_ARN,
      POWERTOOLS_LOG_LEVEL: process.env.SHIPWATCH_SANDBOX_LOG_LEVEL ?? 'SILENT',
      // The SDK's retries keep their count but do not sleep in real time (shared/aws/client-config.ts).
      SHIPWATCH_SDK_RETRY_DELAY_MS: '0',
      SHIPWATCH_ECS_HOOK_ARN: SOURCE_HOOK.arn,
      SHIPWATCH_ECS_HOOK_ROLE_ARN: SOURCE_HOOK.role,
    };
    Object.assign(process.env, localEnv);
    const functions = options.artifacts ? await packagedFunctions(options.artifacts, clock.now, localEnv) : await sourceFunctions();
    closers.push(() => functions.close());
    world.ssm.put(functions.slackParameters?.botToken ?? DEFAULT_BOT_PARAMETER, SLACK_TOKEN);
    world.ssm.put(functions.slackParameters?.signingSecret ?? DEFAULT_SIGNING_PARAMETER, SIGNING_SECRET);
    let bus: EventBus | undefined;
    let pump: ReturnType<typeof pumpEvents> | undefined;
    const sfn = new StepFunctionsModel(
      time,
      STATE_MACHINE_ARN,
      {
        onState: (e) => {
          if (e.type === 'entered') cues?.enter(e.state);
          onState(e);
        },
        ...(crash ? { crash } : {}),
        ...(functions.taskHandlers ? { handlers: functions.taskHandlers } : {}),
        ...(functions.definition ? { definition: functions.definition } : {}),
      },
      (execution) => {
        lastFinish = clock.now();
        // EventBridge's part: the status-change rule delivers a FAILED, TIMED_OUT or ABORTED end to the closer.
        if (execution.status === 'FAILED') closing.push(bus!.put(statusEvent(execution, STATE_MACHINE_ARN, world.account, world.region) as BusEvent));
      },
    );
    const closing: Promise<void>[] = [];
    const example = config?.services.find((s) => s.target.ecs)?.target.ecs ?? { cluster: 'prod', service: 'checkout' };
    print(
      `Shipwatch sandbox: simulated cloud at ${server.url} (aws --endpoint-url ${server.url} ecs describe-services --cluster ${example.cluster} --services ${example.service})`,
    );
    for (const [name, cluster] of world.eks.clusters) {
      print(`EKS cluster ${name}: Kubernetes API at ${cluster.endpoint} (CA local/cloud/tls/ca.pem; token: aws eks get-token --cluster-name ${name})`);
    }
    print(
      `records in DynamoDB (dynalite) at ${dynamo.endpoint}, table ${TABLE}; config ${configFile}; seed ${options.seed ?? 1}, speed ${options.speed ?? 600}x\n`,
    );

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
    const summary = () => {
      print(table(rows));
      const kubeRequests = [...world.eks.clusters.values()].reduce((n, c) => n + c.kubernetes.requests.length, 0);
      print(
        `\n${rows.filter((r) => r.ok).length} of ${rows.length} pushes ended as expected; ${world.calls.length} AWS calls and ${kubeRequests} Kubernetes API requests answered by the simulated cloud.`,
      );
    };
    // The handlers load only now, once the environment points their SDK clients at the simulated cloud.
    {
      const startDeployments = functions.handler('startDeployments');
      interaction = functions.handler('slackInteraction');
      const { history } = await import('../shared/records/queries.js');
      // The sandbox reads the outcomes straight from dynalite: the faults it injects are for the
      // handlers' calls, not for the observer that reports what they did.
      const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
      const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
      const records = { db: DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamo.endpoint })), table: TABLE };

      // EventBridge: the rules serverless.yml declares (the packaged template's, over the
      // package), fed with what the simulated services announce, every few simulated seconds.
      const narrate = (target: string, what: string, out: unknown) => {
        if (target === 'alarmRollback')
          for (const r of (out as { services: { service: string; decision: { action: string; why?: string } }[] }).services)
            say(what, `${r.service}: ${r.decision.action}${r.decision.why ? ` (${r.decision.why})` : ''}`);
        if (target === 'resumeWaiters' && (out as { woken: string[] }).woken.length > 0)
          say('eventbridge', `${what} → resumeWaiters woke ${(out as { woken: string[] }).woken.map((e) => labels.get(e) ?? e).join(', ')}`);
        if (target === 'closeRecord' && (out as { closed?: boolean }).closed)
          say('eventbridge', `${what} → the closer recorded ${(out as { outcome?: string }).outcome} for an execution that ended without one`);
      };
      // The config being played, read once (the rules and every row's alarm figures use it).
      const playedConfig = config ?? loadConfig(CONFIG);
      bus = new EventBus(
        functions.rules ?? declaredRules(playedConfig, { stateMachineArn: STATE_MACHINE_ARN }),
        async (target, event) => {
          const alarmName = (event.detail as { alarmName?: string }).alarmName;
          const what = `${event['detail-type']}${alarmName ? ` ${alarmName}` : ''}`;
          try {
            narrate(target, what, await invokeAsync(functions.handler(target), event, target));
          } catch (error) {
            // After Lambda's two retries the event goes to the function's failure destination.
            say(target, `${what}: failed three times (${(error as Error).name}: ${(error as Error).message}); the event goes to its dead-letter queue`);
          }
        },
        (ms) => time.sleep(ms),
        clock.now,
      );
      pump = pumpEvents(world, time, bus);
      closers.push(() => pump?.stop());
      // ECS invokes the lifecycle hook of its canary, linear and blue/green deployments by ARN.
      const ecsHook = functions.handler('ecsLifecycleHook');
      world.lambda.register(functions.ecsHookArn ?? SOURCE_HOOK.arn, (event) => ecsHook(event, lambdaContext('ecsLifecycleHook')));
      const hooks = driveEcsHooks(world, time);
      closers.push(() => hooks.stop());
      /**
       * For a push an alarm caught during its workflow: simulated seconds from the
       * alarm's event reaching resumeWaiters to the rollback's UpdateService.
       */
      const alarmToAction = (service: string, executions: SimExecution[]): { alarmToActionSeconds?: number } => {
        const serviceConfig = playedConfig.services.find((x) => x.name === service);
        const ecs = serviceConfig?.target.ecs;
        if (!ecs || executions.length === 0) return {};
        const from = Math.min(...executions.map((e) => e.startedAt));
        const to = Math.max(...executions.map((e) => e.stoppedAt ?? e.startedAt));
        const alarm = bus?.log.find(
          (d) =>
            d.target === 'resumeWaiters' &&
            d.at >= from &&
            d.at <= to &&
            serviceConfig.health.alarms.includes(String((d.event.detail as { alarmName?: string }).alarmName)),
        );
        if (!alarm) return {};
        const acted = world.calls.find(
          (c) => c.operation === 'UpdateService' && !c.error && c.at >= alarm.at && (c.input as { service?: string }).service === ecs.service,
        );
        return acted ? { alarmToActionSeconds: (acted.at - alarm.at) / 1000 } : {};
      };

      /**
       * After the pushes: the cloud stays up for the CLI, the AWS CLI and
       * kubectl. A PutImage at the endpoint is delivered to the trigger as
       * EventBridge would; alarm transitions (SetAlarmState included) go on
       * reaching the alarm rule. Time moves at a pace a person can follow.
       */
      const serve = async (signal: AbortSignal) => {
        serving = true;
        const speed = options.serveSpeed ?? 60;
        time.setSpeed(speed);
        world.ecr.onPutImage = (event) => {
          const label = `${event.detail['repository-name']}:${event.detail['image-tag'] ?? event.detail['image-digest'].slice(7, 19)}`;
          say(label, `pushed ${event.detail['image-digest']} (PutImage at the endpoint)`);
          void (async () => {
            const trigger = (await invokeAsync(startDeployments, event, 'startDeployments')) as { started: { executionArn: string }[] };
            trigger.started.forEach((s) => labels.set(s.executionArn.split(':').pop()!, label));
            if (trigger.started.length === 0) say(label, `no service matches this push (npx shipwatch plan ${label} says why)`);
          })().catch((error: Error) => say(label, `the push was not delivered: ${error.message}`));
        };
        let kubeconfig: string | undefined;
        if (options.discoveryFile && info) {
          const remove = writeDiscovery(info, options.discoveryFile);
          closers.push(remove);
          if (world.eks.clusters.size > 0) {
            kubeconfig = join(dirname(options.discoveryFile), 'kubeconfig');
            writeKubeconfig(
              kubeconfig,
              [...world.eks.clusters.values()].map((c) => ({ name: c.name, endpoint: c.endpoint ?? '' })),
              world.region,
            );
            const written = kubeconfig;
            closers.push(() => rmSync(written, { force: true }));
          }
        }
        print(`\nThe sandbox stays up until Ctrl-C; simulated time now runs at ${speed}x. From another terminal:`);
        print(`  ${exportLine({ endpoint: server.url, region: world.region })}${kubeconfig ? ` KUBECONFIG=${kubeconfig}` : ''}`);
        if (kubeconfig) print('  kubectl get deploy -A                # the simulated EKS clusters (the token comes from aws eks get-token)');
        print("  npx shipwatch status                 # this clone's CLI also finds the sandbox by itself");
        print(`  aws ecr batch-get-image / put-image  # a push, as ECR would send it`);
        print(`  aws cloudwatch set-alarm-state --alarm-name NAME --state-value ALARM --state-reason test\n`);
        if (dashboardUrl) print(`Dashboard: ${dashboardUrl}\n`);
        await time.run(() => signal.aborted);
        print('\nsandbox stopping');
      };

      let dashboardUrl: string | undefined;
      if (options.dashboard && info) {
        const dashboard = await options.dashboard(info);
        closers.push(() => dashboard.close());
        dashboardUrl = dashboard.url;
        const waitMs = options.dashboardWaitMs ?? 30_000;
        print(
          `Dashboard: ${dashboard.url}\n  (127.0.0.1 only; the token in the URL is the session) — the scenarios start when it is opened, or in ${Math.round(waitMs / 1000)} s\n`,
        );
        // Simulated time stands still until someone watches.
        let waited: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([dashboard.opened, new Promise((resolve) => (waited = setTimeout(resolve, waitMs)))]);
        clearTimeout(waited);
      }
      for (const scenario of scenarios) {
        current = scenario;
        cues = scenarioCues(world, scenario, say);
        bus.plan(scenario.events);
        const mark = {
          calls: world.calls.length,
          dynamo: new Map(dynamo.requests),
          slack: slack.calls.length,
          kube: kubeRequestCount(),
          executions: new Set(sfn.executions.keys()),
        };
        print(`▶ ${scenario.name}: ${scenario.title} (expect ${scenario.expect.join(', ')})`);
        const digests: { digest: string; label: string; service: string }[] = [];
        let pending = scenario.pushes.length;
        // A push that cannot be delivered at all ends the run (non-zero) instead of leaving it waiting forever.
        let fatal: Error | undefined;
        for (const push of scenario.pushes) {
          void (async () => {
            if (push.afterSeconds) await time.sleep(push.afterSeconds * 1000);
            const event = world.ecr.push(push.repository, push.tag, profile(push.behaviour));
            const label = `${push.repository}:${push.tag}`;
            digests.push({ digest: event.detail['image-digest'], label, service: push.repository });
            labels.set(executionName(push.repository, event.detail['image-digest'], event.id), label);
            say(label, `pushed ${event.detail['image-digest']}`);
            if (push.deliveredAfterSeconds) {
              say(label, `EventBridge delivers the push event ${push.deliveredAfterSeconds} s late`);
              await time.sleep(push.deliveredAfterSeconds * 1000);
            }
            const trigger = (await invokeAsync(startDeployments, event, 'startDeployments')) as { started: { executionArn: string }[] };
            trigger.started.forEach((s) => labels.set(s.executionArn.split(':').pop()!, label));
            pending -= 1;
          })().catch((error: Error) => {
            fatal = error;
          });
        }
        await time.run(() => fatal !== undefined || (pending === 0 && sfn.idle && clock.now() >= lastFinish + (scenario.observeMinutes ?? 0) * 60_000));
        if (fatal) throw fatal;
        // The closer runs after an execution ends; wait for it as EventBridge would deliver to it.
        let closed = false;
        void Promise.all(closing.splice(0)).finally(() => {
          closed = true;
        });
        await time.run(() => closed && pump!.settled);
        const calls = world.calls.slice(mark.calls).filter((c) => !c.error);
        const ran = [...sfn.executions.values()].filter((e) => !mark.executions.has(e.arn));
        usage.push({
          scenario: scenario.name,
          pushes: scenario.pushes.length,
          transitions: ran.reduce((n, e) => n + (e.run?.transitions ?? 0), 0),
          lambdaInvocations: scenario.pushes.length + ran.reduce((n, e) => n + Object.values(e.run?.invocations ?? {}).reduce((a, b) => a + b, 0), 0),
          lambdaErrors: ran.reduce((n, e) => n + Object.values(e.run?.lambdaErrors ?? {}).reduce((a, b) => a + b, 0), 0),
          handlerMs: Math.round(ran.reduce((n, e) => n + (e.run?.handlerMs ?? 0), 0)),
          awsCalls: calls.reduce<Record<string, number>>((acc, c) => {
            acc[c.operation] = (acc[c.operation] ?? 0) + 1;
            return acc;
          }, {}),
          metricsRequested: calls
            .filter((c) => c.operation === 'GetMetricData')
            .reduce((n, c) => n + ((c.input as { MetricDataQueries?: unknown[] }).MetricDataQueries?.length ?? 0), 0),
          dynamo: Object.fromEntries([...dynamo.requests].map(([op, n]) => [op, n - (mark.dynamo.get(op) ?? 0)]).filter(([, n]) => Number(n) > 0)),
          slackCalls: slack.calls.length - mark.slack,
          kubeRequests: kubeRequestCount() - mark.kube,
        });

        const order = new Map(scenario.pushes.map((p, i) => [`${p.repository}:${p.tag}`, i]));
        digests.sort((a, b) => order.get(a.label)! - order.get(b.label)!);
        for (const [i, pushed] of digests.entries()) {
          const record = (await history(records, pushed.service, 50)).find((r) => r.digest === pushed.digest);
          const executions = [...sfn.executions.values()].filter(
            (e) => (JSON.parse(e.input) as { release: { digest: string } }).release.digest === pushed.digest,
          );
          const results = executions.map((e) => e.run?.result).filter((r): r is DeploymentResult => Boolean(r));
          const outcome = record?.outcome ?? 'no outcome';
          // With a person answering, the expected outcome is whatever they chose: a rejection ends it, a pause's answer decides the rest.
          const approved = record?.approval?.approvalId ? answered.get(record.approval.approvalId) : undefined;
          const promoted = record?.promotion?.approvalId ? answered.get(record.promotion.approvalId) : undefined;
          const chosen = approved === 'reject' ? 'rejected' : promoted ? (promoted === 'approve' ? 'deployed' : 'rolled_back') : approved && 'deployed';
          const expected = chosen || (scenario.expect[i] ?? '?');
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
            lambdaErrors: executions.reduce((n, e) => n + Object.values(e.run?.lambdaErrors ?? {}).reduce((a, b) => a + b, 0), 0),
            ...alarmToAction(record?.service ?? pushed.service, executions),
            ...exposureOf(
              world,
              playedConfig.services.find((x) => x.name === (record?.service ?? pushed.service)),
              `${world.ecr.registry}/${pushed.service}@${pushed.digest}`,
              results,
            ),
            results,
          });
          const row = rows.at(-1)!;
          print(
            `  ${row.ok ? '✔' : '✘'} ${pushed.label} ${row.outcome}${row.exposurePercent === undefined ? '' : ` (served ${row.exposurePercent}% of the requests)`}: ${short(row.reason)}`,
          );
        }
        print('');
      }
      // Serving, the results come first: a person reads them before using the sandbox.
      if (options.serve) {
        summary();
        await serve(options.serve);
      }
    }
    await closeAll();
    if (!options.serve) summary();
    const ok = rows.every((r) => r.ok);
    if (options.json) writeFileSync(options.json, `${JSON.stringify({ rows, usage, ok }, null, 2)}\n`);
    return { rows, usage, ok, endpoint: server.url, injected: Object.fromEntries(faults?.injected ?? []) };
  } finally {
    await closeAll();
  }
}

/** `--push repo:tag`: one scenario of the given pushes, each a good release expected to deploy. */
function pushScenario(pushes: { repository: string; tag: string }[]): Scenario {
  return {
    name: 'push',
    title: `push ${pushes.map((p) => `${p.repository}:${p.tag}`).join(', ')}`,
    pushes: pushes.map((p, i) => ({ ...p, behaviour: {}, afterSeconds: i * 15 })),
    expect: pushes.map(() => 'deployed'),
  };
}

function selectScenarios(name: string | undefined): Scenario[] {
  if (!name) return SCENARIOS;
  const found = SCENARIOS.filter((s) => s.name === name);
  if (found.length === 0) throw new UsageError(`no scenario "${name}"; scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  return found;
}
