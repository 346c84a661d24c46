// Cost per deployment and time to detect / roll back, measured by playing
// the sandbox's scenarios (the real state machine and handlers against the
// simulated cloud) and counting what they made the cloud do.
import type { Row, Usage } from '../sandbox/report.js';
import { PRICES } from './prices.js';

const usd = (x: number) => (x < 0.01 ? `$${x.toFixed(5)}` : `$${x.toFixed(4)}`);
const minutes = (s?: number) => (s === undefined ? '-' : `${(s / 60).toFixed(1)} min`);

function cost(u: Usage, leadSeconds: number) {
  const sfn = u.transitions * PRICES.stepFunctionsPerTransition;
  const lambda = u.lambdaInvocations * PRICES.lambdaPerRequest + (u.handlerMs / 1000) * PRICES.lambdaMemoryGb * PRICES.lambdaPerGbSecond;
  const cwRequests = Object.entries(u.awsCalls)
    .filter(([op]) => op === 'DescribeAlarms')
    .reduce((n, [, c]) => n + c, 0);
  const cloudwatch = u.metricsRequested * PRICES.cloudWatchPerMetric + cwRequests * PRICES.cloudWatchPerRequest;
  const writes = (u.dynamo.PutItem ?? 0) + (u.dynamo.UpdateItem ?? 0) + (u.dynamo.DeleteItem ?? 0);
  const reads = (u.dynamo.GetItem ?? 0) + (u.dynamo.Query ?? 0);
  const dynamo = writes * PRICES.dynamoPerWrite + reads * PRICES.dynamoPerRead;
  // The same deploy on CodePipeline V2: one action (ECS deploy, then a wait for
  // the bake) running for the whole lead time; the source action is left out.
  const codePipeline = (leadSeconds / 60) * PRICES.codePipelinePerActionMinute;
  return { sfn, lambda, cloudwatch, dynamo, writes, reads, total: sfn + lambda + cloudwatch + dynamo, codePipeline };
}

export async function sandboxFigures() {
  // Before the handlers load: their logger reads its level once, at import.
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const { runSandbox } = await import('../sandbox/sandbox.js');
  const { rows, usage, ok } = await runSandbox({ speed: Infinity, seed: 1, print: () => undefined });
  if (!ok) throw new Error('a sandbox scenario ended unexpectedly; figures would be meaningless');
  const rowOf = (s: string) => rows.find((r) => r.scenario === s)!;
  const useOf = (s: string) => usage.find((u) => u.scenario === s)!;
  return { rows, usage, rowOf, useOf };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rowOf, useOf, rows } = await sandboxFigures();
  const lines: string[] = [];
  lines.push('Cost per deployment (10-minute bake, event-driven; list prices us-east-1)');
  lines.push(
    '| deployment | transitions | Lambda invocations | Lambda GB-s | metrics requested | DynamoDB writes / reads | Step Functions | Lambda | CloudWatch | DynamoDB | **Shipwatch total** | CodePipeline V2, same deploy |',
  );
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [label, scenario, lead] of [
    ['happy deploy (ECS, alarm)', 'good-release', rowOf('good-release').leadTimeSeconds ?? 0],
    ['happy deploy (EKS, alarm)', 'eks-good-release', rowOf('eks-good-release').leadTimeSeconds ?? 0],
    [
      'happy deploy (ECS, alarm, 60-min bake, 1 call in 3 throttled)',
      'long-bake-sporadic-throttling',
      rowOf('long-bake-sporadic-throttling').leadTimeSeconds ?? 0,
    ],
    ['rollback (5xx metric math during bake, polled once a period)', '5xx-during-bake', durationOf(rowOf('5xx-during-bake'))],
    ['rollback (alarm during bake, event-driven)', 'alarm-during-bake', durationOf(rowOf('alarm-during-bake'))],
  ] as const) {
    const u = useOf(scenario);
    const c = cost(u, lead);
    lines.push(
      `| ${label} | ${u.transitions} | ${u.lambdaInvocations} | ${((u.handlerMs / 1000) * PRICES.lambdaMemoryGb).toFixed(2)} | ${u.metricsRequested} | ${c.writes} / ${c.reads} | ${usd(c.sfn)} | ${usd(c.lambda)} | ${usd(c.cloudwatch)} | ${usd(c.dynamo)} | **${usd(c.total)}** | ${usd(c.codePipeline)} |`,
    );
  }
  lines.push('');
  lines.push('Time to detect and to roll back (simulated time; floor = what the signal itself allows)');
  lines.push('| failure | detected after | physical floor | rolled back in |');
  lines.push('| --- | ---: | --- | ---: |');
  const detect = [
    [
      'tasks fail health checks (ECS circuit breaker)',
      'failing-tasks',
      '2 min: the breaker trips after 3 failed tasks (40 s each in the model); + the FAILED event (≤5 s)',
    ],
    [
      '5xx rate > 2% during the bake (metric math)',
      '5xx-during-bake',
      '3 min: 2 breaching 60 s periods (failureLimit 1) + 60 s ingestion; + ≤60 s (one look a period)',
    ],
    ['5xx alarm during the bake', 'alarm-during-bake', '2.5 min: 2 of 3 breaching 60 s periods + 30 s ingestion; + the alarm event (≤5 s)'],
    ['pods never ready (EKS progress deadline)', 'eks-pods-not-ready', '10 min: progressDeadlineSeconds 600; + ≤30 s poll (Kubernetes sends no event)'],
    ['alarm after the deploy (guard window)', 'alarm-after-deploy', '2.5 min: 2 of 3 breaching 60 s periods + 30 s ingestion; + the alarm event (≤5 s)'],
  ] as const;
  for (const [label, scenario, floor] of detect) {
    const r = rowOf(scenario);
    lines.push(`| ${label} | ${minutes(r.timeToDetectSeconds)} | ${floor} | ${minutes(r.timeToRollBackSeconds)} |`);
  }
  lines.push('');
  lines.push(`(${rows.length} pushes played; every outcome as expected)`);
  console.log(lines.join('\n'));
}

function durationOf(r: Row): number {
  const result = r.results?.[0];
  return result ? (Date.parse(result.finishedAt) - Date.parse(result.startedAt)) / 1000 : 0;
}
