import { Option } from 'commander';
import { loadConfig } from '../../shared/config/load.js';
import { allStates } from '../../shared/records/queries.js';
import { EXIT, Refused } from '../errors.js';
import { parseSpan } from '../options.js';
import { examples, jsonOption, type RegisterCommand } from '../program.js';
import { computeStats, type Stats } from '../stats/dora.js';
import { duration, type Spread } from '../stats/percentile.js';
import { recordsSince } from '../stats/read.js';
import { table } from '../table.js';

const spreadText = (s: Spread) => (s.count === 0 ? 'no data' : `median ${duration(s.median)}, p90 ${duration(s.p90)} (${s.count})`);
const percent = (x: number | undefined) => (x === undefined ? '-' : `${(x * 100).toFixed(1).replace(/\.0$/, '')}%`);

function render(s: Stats, span: string): string {
  const f = s.deploymentFrequency;
  const cfr = s.changeFailureRate;
  const ttr = s.timeToRestore;
  const o = s.outcomes;
  return [
    `Shipwatch stats, last ${span} (${s.since.slice(0, 16)}Z to ${s.until.slice(0, 16)}Z), ${s.services.length === 1 ? `service ${s.services[0]}` : `${s.services.length} services`}`,
    '',
    table(
      ['DORA key', 'value', 'how'],
      [
        ['deployment frequency', `${f.deployments} (${f.perDay.toFixed(2)}/day, ${f.perWeek.toFixed(1)}/week)`, 'pushes that reached deployed'],
        ['lead time for changes', spreadText(s.leadTime), 'push to deployed'],
        ['change failure rate', `${percent(cfr.rate)} (${cfr.failed} of ${cfr.changes})`, 'rolled back / (deployed + rolled back)'],
        [
          'time to restore',
          `${spreadText(ttr)}${ttr.notRestored ? `; ${ttr.notRestored} not restored (rollback_failed)` : ''}`,
          'failure detected to last good release running',
        ],
      ],
    ),
    '',
    table(
      ['step', 'count', 'median', 'p90'],
      (
        [
          ['scan', s.steps.scan],
          ['approval wait', s.steps.approvalWait],
          ['rollout', s.steps.rollout],
          ['bake', s.steps.bake],
        ] as const
      ).map(([name, sp]) => [name, String(sp.count), duration(sp.median), duration(sp.p90)]),
    ),
    '',
    `outcomes: ${Object.entries(o)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}${s.inFlight ? `; ${s.inFlight} in flight` : ''}`,
    `not deployed: ${o.blocked} blocked, ${o.rejected} rejected, ${o.expired} expired`,
  ].join('\n');
}

/** `shipwatch stats`: DORA's four keys from the records table, each step's median and p90, and the refusals. */
export const statsCommand: RegisterCommand = (program, run) => {
  program
    .command('stats')
    .description(
      "DORA's four keys from the records (deployment frequency, lead time, change failure rate, time to restore), each step's median and p90, the refusals",
    )
    .addOption(new Option('--since <span>', 'how far back: 30d, 12h, 2w, 90m (pushes in that window)').argParser(parseSpan).default(parseSpan('30d'), '30d'))
    .addOption(new Option('--service <name>', 'one service only (default: every service in the config and the records)'))
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `${examples([
        ['shipwatch stats', 'the last 30 days, every service'],
        ['shipwatch stats --since 2w --service checkout', 'two weeks of checkout'],
        ['shipwatch stats --stage prod --json | jq .changeFailureRate', 'for a dashboard'],
      ])}\n\nThe README ("shipwatch stats") defines each figure and where the definition comes from.`,
    )
    .action(
      run(async (ctx, options: { since: { text: string; ms: number }; service?: string; json?: boolean }) => {
        const reach = await ctx.reach();
        const config = loadConfig(reach.configFile);
        const { records } = await reach.stack();
        const known = [...new Set([...config.services.map((s) => s.name), ...(await allStates(records)).map((s) => s.service)])];
        if (options.service && !known.includes(options.service))
          throw new Refused(`no service "${options.service}" in ${reach.configFile} or the records (services: ${known.join(', ')})`);
        const services = options.service ? [options.service] : known;
        const until = ctx.now();
        const since = new Date(until.getTime() - options.since.ms);
        const all = (await Promise.all(services.map((s) => recordsSince(records, s, since)))).flat();
        const stats = computeStats(all, services, since, until);
        ctx.out(options.json ? JSON.stringify(stats, null, 2) : render(stats, options.since.text));
        return EXIT.ok;
      }),
    );
};
