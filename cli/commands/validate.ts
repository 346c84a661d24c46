import { Option } from 'commander';
import { loadConfig } from '../../shared/config/load.js';
import type { Config } from '../../shared/config/schema.js';
import { EXIT } from '../errors.js';
import { examples, jsonOption, type RegisterCommand } from '../program.js';
import { table } from '../table.js';
import type { Check } from '../validate/check.js';
import { runChecks } from '../validate/run-checks.js';

const MARK = { ok: 'ok', warning: 'WARN', error: 'ERROR' } as const;

const targetOf = (s: Config['services'][number]) =>
  s.target.ecs ? `ecs ${s.target.ecs.cluster}/${s.target.ecs.service}` : `eks ${s.target.eks!.cluster}/${s.target.eks!.namespace}/${s.target.eks!.deployment}`;

/**
 * `shipwatch validate [--aws]`: the config against the schema (the same
 * messages as `serverless package`); with --aws, read-only checks against the
 * account, each answered with what to fix.
 */
export const validateCommand: RegisterCommand = (program, run) => {
  program
    .command('validate')
    .description('check the config against the schema; with --aws, check every resource it names in the account (read-only)')
    .addOption(
      new Option(
        '--aws',
        'also check the account with your credentials: repositories, services, task definitions, alarms, metrics, clusters, access, Slack',
      ).default(false),
    )
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `${examples([
        ['shipwatch validate', 'shipwatch.yml against the schema, offline'],
        ['shipwatch validate --config staging.yml', 'another config file'],
        ['shipwatch validate --aws --stage prod --profile ops', 'and every resource it names, with the ops profile'],
        ['shipwatch validate --aws --json | jq \'.checks[] | select(.status != "ok")\'', 'only what needs fixing'],
      ])}\n\nExits 0 when everything checked is fine (warnings included), 1 on any error.`,
    )
    .action(
      run(async (ctx, options: { aws: boolean; json?: boolean }) => {
        const reach = options.aws ? await ctx.reach() : undefined;
        const file = reach?.configFile ?? ctx.configFile;
        let config: Config;
        try {
          config = loadConfig(file);
        } catch (error) {
          if ((error as Error).name !== 'ConfigError') throw error;
          if (options.json) ctx.out(JSON.stringify({ config: file, valid: false, error: (error as Error).message }, null, 2));
          else ctx.err((error as Error).message);
          return EXIT.failed;
        }
        const services = config.services.map((s) => ({ name: s.name, repository: s.image.repository, tags: s.image.tags, target: targetOf(s) }));
        if (!reach) {
          if (options.json) ctx.out(JSON.stringify({ config: file, valid: true, services }, null, 2));
          else
            ctx.out(
              `${file} is a valid Shipwatch config: ${services.length} service${services.length === 1 ? '' : 's'}\n${services.map((s) => `  ${s.name}: ${s.repository}:${s.tags.join('|')} → ${s.target}`).join('\n')}\n(shipwatch validate --aws also checks them in the account)`,
            );
          return EXIT.ok;
        }
        const checks = await runChecks(reach.clients, config, reach.slack, ctx.now());
        const count = (status: Check['status']) => checks.filter((c) => c.status === status).length;
        if (options.json) {
          ctx.out(JSON.stringify({ config: file, valid: true, against: reach.label, services, checks }, null, 2));
        } else {
          ctx.out(`${file}: valid; checking ${reach.label}\n`);
          ctx.out(
            table(
              ['result', 'resource', 'check', 'detail'],
              checks.map((c) => [MARK[c.status], c.resource, c.check, c.detail]),
            ),
          );
          const problems = checks.filter((c) => c.status !== 'ok');
          if (problems.length > 0)
            ctx.out(`\nTo fix:\n${problems.map((c) => `  ${MARK[c.status]} ${c.resource} (${c.services.join(', ')}): ${c.fix}`).join('\n')}`);
          ctx.out(
            `\n${checks.length} checks: ${count('ok')} ok, ${count('warning')} warning${count('warning') === 1 ? '' : 's'}, ${count('error')} error${count('error') === 1 ? '' : 's'}`,
          );
        }
        return count('error') > 0 ? EXIT.failed : EXIT.ok;
      }),
    );
};
