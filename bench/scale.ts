// Scale: 200 services, each receiving a burst of 5 pushes, through the real
// trigger, state machine and handlers against the simulated cloud (HTTP) and
// dynalite, in virtual time. Checks what must never happen and reports cost.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 200);
const PUSHES = Number(process.env.BENCH_PUSHES ?? 5);
const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:shipwatch-bench-deploy';
const TABLE = 'shipwatch-bench-records';
const name = (i: number) => `s${String(i).padStart(3, '0')}`;

// The config is written first: the trigger validates it at import (cold start).
const dir = mkdtempSync(join(tmpdir(), 'shipwatch-scale-'));
const configFile = join(dir, 'shipwatch.yml');
writeFileSync(
  configFile,
  `services:\n${Array.from({ length: SERVICES }, (_, i) => `  - name: ${name(i)}\n    image: { repository: ${name(i)}, tags: ["v*"] }\n    target: { ecs: { cluster: scale, service: ${name(i)}, container: app } }\n    health: { bakeMinutes: 2, pollSeconds: 30 }\n`).join('')}`,
);
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const { installSimClock } = await import('../local/sim-clock.js');
const { World } = await import('../local/cloud/world.js');
const { profile } = await import('../local/cloud/profiles.js');
const { startCloudServer } = await import('../local/cloud/http.js');
const { createRecordsTable, startLocalDynamo } = await import('../local/dynamo.js');
const { VirtualTime } = await import('../local/virtual-time.js');
const { StepFunctionsModel } = await import('../local/sfn.js');
const { lambdaContext } = await import('../local/task-handlers.js');

const clock = installSimClock(Date.parse('2026-11-02T09:00:00Z'));
const world = new World(clock.now, 1);
for (let i = 0; i < SERVICES; i++) {
  world.ecr.createRepository(name(i), true);
  const first = world.ecr.push(name(i), 'v0', profile());
  world.ecs.createService('scale', name(i), {
    family: name(i),
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'app', image: `${world.ecr.registry}/${name(i)}@${first.detail['image-digest']}`, essential: true }],
  });
}
clock.advance(30 * 60_000);
const time = new VirtualTime(clock, Infinity);
// Handler calls take no simulated time here: fewer distinct wake-ups, same orchestration.
const sfn = new StepFunctionsModel(time, STATE_MACHINE_ARN, { invocationMs: 0 });
const dynamo = await startLocalDynamo();
await createRecordsTable(dynamo.endpoint, TABLE);
const server = await startCloudServer((service, operation, input) =>
  service === 'sfn' ? sfn.handle(operation, input) : world.handle(service as 'ecs', operation, input),
);
Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_ENDPOINT_URL_ECS: server.url,
  AWS_ENDPOINT_URL_ECR: server.url,
  AWS_ENDPOINT_URL_CLOUDWATCH: server.url,
  AWS_ENDPOINT_URL_SFN: server.url,
  AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
  SHIPWATCH_TABLE: TABLE,
  SHIPWATCH_CONFIG: configFile,
  STATE_MACHINE_ARN,
});
const { handler: startDeployments } = (await import('../functions/start-deployments.js')) as { handler: (e: unknown, c: Context) => Promise<unknown> };
const { history } = await import('../shared/records/queries.js');
const { dynamoClient } = await import('../shared/aws/dynamodb.js');

// Each service gets PUSHES pushes 10 s apart; the services start 1 s apart.
const pushes: { service: string; tag: string; digest: string; order: number }[] = [];
let pending = SERVICES * PUSHES;
const wall0 = performance.now();
const cpu0 = process.cpuUsage();
for (let i = 0; i < SERVICES; i++) {
  for (let p = 1; p <= PUSHES; p++) {
    void (async () => {
      await time.sleep((i % 60) * 1000 + (p - 1) * 10_000);
      const event = world.ecr.push(name(i), `v${p}`, profile());
      pushes.push({ service: name(i), tag: `v${p}`, digest: event.detail['image-digest'], order: p });
      await time.track(startDeployments(event, lambdaContext('startDeployments')));
      pending -= 1;
    })();
  }
}
await time.run(() => pending === 0 && sfn.idle);
const wallSeconds = (performance.now() - wall0) / 1000;
const cpu = process.cpuUsage(cpu0);

const records = { db: dynamoClient(), table: TABLE };
let lost = 0;
let overlapping = 0;
let notNewest = 0;
const outcomes: Record<string, number> = {};
for (let i = 0; i < SERVICES; i++) {
  const rows = await history(records, name(i), 50);
  const mine = pushes.filter((p) => p.service === name(i));
  for (const push of mine) {
    const record = rows.find((r) => r.digest === push.digest);
    if (!record?.outcome) lost += 1;
    else outcomes[record.outcome] = (outcomes[record.outcome] ?? 0) + 1;
  }
  // Deployments of one service never overlap: each one's deploy..finish window is disjoint from the others'.
  const windows = rows
    .map((r) =>
      r.result?.steps.find((s) => s.step === 'deploy')?.endedAt && r.result
        ? [Date.parse(r.result.steps.find((s) => s.step === 'deploy')!.endedAt!), Date.parse(r.result.finishedAt)]
        : undefined,
    )
    .filter((w): w is number[] => Boolean(w))
    .sort((a, b) => a[0]! - b[0]!);
  for (let k = 1; k < windows.length; k++) if (windows[k]![0]! < windows[k - 1]![1]!) overlapping += 1;
  const newest = mine.sort((a, b) => b.order - a.order)[0]!;
  const running = world.ecs.imageOf(world.ecs.services.get(`scale/${name(i)}`)!.taskDefinition, 'app');
  if (!running?.endsWith(newest.digest)) notNewest += 1;
}
const executions = [...sfn.executions.values()];
const handlerMs = executions.reduce((n, e) => n + (e.run?.handlerMs ?? 0), 0);
console.log(`Scale: ${SERVICES} services × a burst of ${PUSHES} pushes (${SERVICES * PUSHES} pushes), bake 2 minutes`);
console.log('| measure | result |');
console.log('| --- | ---: |');
console.log(`| pushes lost (no recorded outcome) | ${lost} |`);
console.log(`| overlapping deployments of one service | ${overlapping} |`);
console.log(`| services not on their newest image | ${notNewest} |`);
console.log(
  `| outcomes | ${Object.entries(outcomes)
    .map(([o, n]) => `${n} ${o}`)
    .join(', ')} |`,
);
console.log(`| executions / state transitions | ${executions.length} / ${executions.reduce((n, e) => n + (e.run?.transitions ?? 0), 0)} |`);
console.log(`| wall time (one process: handlers, simulated cloud, dynalite) | ${wallSeconds.toFixed(1)} s |`);
console.log(`| handler wall time per push, 1000 pushes in flight in one process | ${(handlerMs / (SERVICES * PUSHES)).toFixed(0)} ms |`);
console.log(`| process CPU per push | ${((cpu.user + cpu.system) / 1000 / (SERVICES * PUSHES)).toFixed(1)} ms |`);
await server.close();
await dynamo.close();
clock.uninstall();
process.exit(lost + overlapping + notNewest === 0 ? 0 : 1);
