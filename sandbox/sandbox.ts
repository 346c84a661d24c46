import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Context } from 'aws-lambda';
import { startCloudServer } from '../local/cloud/http.js';
import { profile } from '../local/cloud/profiles.js';
import type { CloudService } from '../local/cloud/world.js';
import type { StateEvent } from '../local/run-workflow.js';
import { installSimClock } from '../local/sim-clock.js';
import { StepFunctionsModel, type SimExecution } from '../local/sfn.js';
import { lambdaContext } from '../local/task-handlers.js';
import { VirtualTime } from '../local/virtual-time.js';
import { measure, table, type Row } from './report.js';
import { SCENARIOS, type Scenario } from './scenarios.js';
import { sandboxWorld } from './world.js';

export interface SandboxOptions {
  scenario?: string;
  seed?: number;
  /** Simulated seconds per real second; Infinity runs flat out. */
  speed?: number;
  json?: string;
  print?: (line: string) => void;
}

const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:shipwatch-sandbox-deploy';
const CONFIG = fileURLToPath(new URL('./shipwatch.sandbox.yml', import.meta.url));
const START = Date.parse('2026-11-02T09:00:00Z');
let boundPort = 0;

/**
 * The whole pipeline on a laptop: the simulated cloud on 127.0.0.1, the real
 * handlers reaching it through AWS_ENDPOINT_URL_*, the real state machine,
 * one push per scenario. Returns the rows of the summary table.
 */
export async function runSandbox(options: SandboxOptions = {}): Promise<{ rows: Row[]; ok: boolean; endpoint: string }> {
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

  const labels = new Map<string, string>();
  let current = '';
  let last = '';
  const short = (text: string) => text.replace(/(sha256:[a-f0-9]{12})[a-f0-9]+/g, '$1…');
  const onState = (e: StateEvent) => {
    const label = labels.get(e.execution) ?? current;
    let text: string | undefined;
    if (e.type === 'entered' && !/^(ScanVerdict|AlreadyRunning)$/.test(e.state)) text = e.state;
    if (e.type === 'failed') text = `${e.state}: ${e.detail?.replace(/^NotYet\d+s: /, '')}`;
    if (!text) return;
    const line = `  [${stamp()}] ${label.padEnd(20)} ${short(text)}`;
    if (line.slice(line.indexOf(']')) !== last) print(line);
    last = line.slice(line.indexOf(']'));
  };
  const sfn = new StepFunctionsModel(time, STATE_MACHINE_ARN, { onState });
  // The handlers' SDK clients live as long as the process, as in a warm Lambda,
  // so a second run in one process listens where the first one did.
  const server = await startCloudServer(
    (service, operation, input) => (service === 'sfn' ? sfn.handle(operation, input) : world.handle(service as CloudService, operation, input)),
    boundPort,
  );
  boundPort = Number(new URL(server.url).port);

  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'sandbox',
    AWS_SECRET_ACCESS_KEY: 'sandbox',
    AWS_ENDPOINT_URL_ECS: server.url,
    AWS_ENDPOINT_URL_ECR: server.url,
    AWS_ENDPOINT_URL_CLOUDWATCH: server.url,
    AWS_ENDPOINT_URL_SFN: server.url,
    SHIPWATCH_CONFIG: CONFIG,
    STATE_MACHINE_ARN,
    POWERTOOLS_LOG_LEVEL: process.env.SHIPWATCH_SANDBOX_LOG_LEVEL ?? 'SILENT',
  });
  print(`Shipwatch sandbox: simulated cloud at ${server.url} (aws --endpoint-url ${server.url} ecs describe-services --cluster prod --services checkout)`);
  print(`config ${CONFIG}, seed ${options.seed ?? 1}, speed ${options.speed ?? 600}x\n`);

  const rows: Row[] = [];
  try {
    const { handler: startDeployments } = await import('../functions/start-deployments.js');
    for (const scenario of scenarios) {
      print(`▶ ${scenario.name}: ${scenario.title} (expect ${scenario.expect})`);
      const before = new Set(sfn.executions.keys());
      const event = world.ecr.push(scenario.repository, scenario.tag, profile(scenario.behaviour));
      const label = `${scenario.repository}:${scenario.tag}`;
      current = label;
      const trigger = (await time.track(startDeployments(event, lambdaContext('startDeployments') as Context))) as { started: { executionArn: string }[] };
      trigger.started.forEach((s) => labels.set(s.executionArn.split(':').pop()!, label));
      await time.run(() => sfn.idle);
      const started = [...sfn.executions.values()].filter((e) => !before.has(e.arn));
      if (started.length === 0) rows.push(missingRow(scenario, label));
      for (const execution of started) rows.push(rowOf(scenario, label, execution));
      const row = rows.at(-1)!;
      print(`  ${row.ok ? '✔' : '✘'} ${row.outcome}: ${short(row.reason)}\n`);
    }
  } finally {
    await server.close();
    clock.uninstall();
    process.env = saved;
  }

  print(table(rows));
  const ok = rows.every((r) => r.ok);
  print(`\n${rows.filter((r) => r.ok).length} of ${rows.length} scenarios ended as expected; ${world.calls.length} AWS calls answered by the simulated cloud.`);
  if (options.json) writeFileSync(options.json, `${JSON.stringify({ rows, ok }, null, 2)}\n`);
  return { rows, ok, endpoint: server.url };
}

function selectScenarios(name: string | undefined): Scenario[] {
  if (!name) return SCENARIOS;
  const found = SCENARIOS.filter((s) => s.name === name);
  if (found.length === 0) throw new Error(`no scenario "${name}"; scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  return found;
}

function rowOf(scenario: Scenario, label: string, e: SimExecution): Row {
  const result = e.run?.result;
  const outcome = result?.outcome ?? `error (${e.error})`;
  const invocations = Object.values(e.run?.invocations ?? {}).reduce((a, b) => a + b, 0) + 1;
  return {
    scenario: scenario.name,
    service: result?.service ?? e.name,
    image: `${label}@${result?.digest.slice(7, 19) ?? '?'}`,
    outcome,
    expected: scenario.expect,
    ok: outcome === scenario.expect,
    reason: result?.reason ?? e.error ?? '',
    ...(result ? measure(scenario, result) : {}),
    transitions: e.run?.transitions ?? 0,
    lambdaInvocations: invocations,
    ...(result ? { result } : {}),
  };
}

function missingRow(scenario: Scenario, label: string): Row {
  return { scenario: scenario.name, service: '-', image: label, outcome: 'no execution', expected: scenario.expect, ok: false, reason: 'the push started no deployment', transitions: 0, lambdaInvocations: 1 };
}
