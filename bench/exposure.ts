// Exposure: the share of requests a bad release served before it was rolled
// back, for the same bad image (5xx on 9% of its requests) deployed to three
// identical services behind their own load balancers, with a rolling update,
// an ECS canary (10%, each step judged 4 minutes) and an ECS linear rollout
// (25% steps, 4 minutes each). The real state machine and handlers, the
// simulated ECS's own engine and Shipwatch's lifecycle hook, in virtual time;
// the same health policy (5xx rate > 2% on the new revision's target group,
// failureLimit 1) everywhere. Rounds are interleaved in a shuffled order, each
// round one seed for all three, so every strategy sees the same traffic noise.
//
//   tsx bench/exposure.ts [--rounds N] [--seed N]
import { parseArgs } from 'node:util';
import { seededRandom, shuffle, summary } from './stats.js';

const { values: args } = parseArgs({ options: { rounds: { type: 'string' }, seed: { type: 'string' } } });
const ROUNDS = Number(args.rounds ?? process.env.BENCH_ROUNDS ?? 5);
const SEED = Number(args.seed ?? process.env.BENCH_SEED ?? 1);
const TABLE = 'shipwatch-bench-exposure';
const BAD = { errorRate: 9 };

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const { albOf, healthYaml, progressiveWorld, writeConfig } = await import('../test/support/progressive-world.js');
const { createRecordsTable, startLocalDynamo } = await import('../local/dynamo.js');

const STRATEGIES = [
  { name: 'rolling', label: 'rolling update', strategy: '{ type: rolling }' },
  { name: 'canary', label: 'ECS canary 10%, 4 min per step', strategy: '{ type: canary, percent: 10, bakeMinutes: 4 }' },
  { name: 'linear', label: 'ECS linear 25%, 4 min per step', strategy: '{ type: linear, stepPercent: 25, bakeMinutes: 4 }' },
] as const;
const file = writeConfig(
  `services:\n${STRATEGIES.map((s) => `  - name: ${s.name}\n    image: { repository: ${s.name}, tags: ["v*"] }\n    target: { ecs: { cluster: bench, service: ${s.name}, container: app } }\n    strategy: ${s.strategy}\n${healthYaml(s.name)}`).join('')}`,
);
const dynamo = await startLocalDynamo();
Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
  SHIPWATCH_SDK_RETRY_DELAY_MS: '0',
});

interface Run {
  outcome: string;
  /** Requests the bad release served / all requests, from its first request to its last. */
  share: number;
  badRequests: number;
  /** Minutes the bad release served any traffic. */
  exposedMinutes: number;
  /** Bad requests as minutes of the whole service's traffic. */
  fullTrafficMinutes: number;
}

async function play(name: (typeof STRATEGIES)[number]['name'], seed: number, round: number): Promise<Run> {
  const table = `${TABLE}-${round}-${name}`;
  await createRecordsTable(dynamo.endpoint, table);
  process.env.SHIPWATCH_TABLE = table;
  const w = await progressiveWorld(file, seed);
  try {
    const pushed = await w.push(name, 'v2', BAD);
    await w.settle();
    const image = `${w.world.ecr.registry}/${name}@${pushed.detail['image-digest']}`;
    const lb = albOf(name).loadBalancer;
    const from = Date.parse(w.results()[0]!.startedAt);
    // Minute by minute: when the bad image served, and how much of the traffic.
    let bad = 0;
    let all = 0;
    let first: number | undefined;
    let last: number | undefined;
    for (let t = from; t < w.clock.now(); t += 60_000) {
      const served = w.world.alb.requestsByImage(lb, t, t + 60_000);
      const b = served.get(image) ?? 0;
      if (b > 0) {
        first ??= t;
        last = t + 60_000;
      }
      if (first !== undefined && (last === undefined || t < last)) all += [...served.values()].reduce((a, x) => a + x, 0);
      bad += b;
    }
    const exposedMinutes = first !== undefined && last !== undefined ? (last - first) / 60_000 : 0;
    return { outcome: w.results()[0]!.outcome, share: all > 0 ? bad / all : 0, badRequests: bad, exposedMinutes, fullTrafficMinutes: bad / 1200 };
  } finally {
    w.restore();
  }
}

const random = seededRandom(SEED);
const runs = new Map<string, Run[]>(STRATEGIES.map((s) => [s.name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const s of shuffle(STRATEGIES, random)) runs.get(s.name)!.push(await play(s.name, SEED + round, round));
}
await dynamo.close();

const fmt = (xs: number[], digits = 1, scale = 1) => {
  const { median, q1, q3 } = summary(xs.map((x) => x * scale));
  return `${median.toFixed(digits)} [${q1.toFixed(digits)}–${q3.toFixed(digits)}]`;
};
console.log(
  `Exposure of a bad release (5xx on 9% of its requests), ${ROUNDS} interleaved rounds (seeds ${SEED}–${SEED + ROUNDS - 1}); median [first–third quartile]`,
);
console.log('| strategy | outcome | share of requests served by the bad release while exposed | exposed for | bad requests | as minutes of all traffic |');
console.log('| --- | --- | ---: | ---: | ---: | ---: |');
for (const s of STRATEGIES) {
  const r = runs.get(s.name)!;
  const outcomes = [...new Set(r.map((x) => x.outcome))].join(', ');
  console.log(
    `| ${s.label} | ${outcomes} | ${fmt(
      r.map((x) => x.share),
      1,
      100,
    )}% | ${fmt(r.map((x) => x.exposedMinutes))} min | ${fmt(
      r.map((x) => x.badRequests),
      0,
    )} | ${fmt(r.map((x) => x.fullTrafficMinutes))} |`,
  );
}
if ([...runs.values()].flat().some((r) => r.outcome !== 'rolled_back')) {
  console.error('a bad release was not rolled back: the figures are meaningless');
  process.exit(1);
}
process.exit(0);
