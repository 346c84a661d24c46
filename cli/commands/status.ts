import { loadConfig } from '../../shared/config/load.js';
import { allStates, history } from '../../shared/records/queries.js';
import type { DeploymentRecord } from '../../shared/records/types.js';
import { EXIT } from '../errors.js';
import { examples, jsonOption, type RegisterCommand } from '../program.js';
import { ago, serviceStatuses } from '../status/service-status.js';
import { table } from '../table.js';

/** `checkout:2` for a task definition, `catalog@sha256:84b15ecf52b6` for an image. */
const shortRevision = (revision: string) =>
  revision
    .split('/')
    .pop()!
    .replace(/(@sha256:[a-f0-9]{12})[a-f0-9]+$/, '$1');

/** Records looked at per service for pushes still under way (a burst of pushes is the most there is at once). */
const RECENT = 25;

/** `shipwatch status`: every configured service, what is in flight (step, since when), the last deployment and the last good release. */
export const statusCommand: RegisterCommand = (program, run) => {
  program
    .command('status')
    .description('every configured service: what is in flight (step, since when), the last deployment, the last good release')
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples([
        ['shipwatch status', 'every service in the config'],
        ['shipwatch status --stage prod --region eu-west-1', 'the stack shipwatch-prod in eu-west-1'],
        ["shipwatch status --json | jq '.[] | select(.inFlight | length > 0)'", 'only services with something in flight'],
      ]),
    )
    .action(
      run(async (ctx, options: { json?: boolean }) => {
        const reach = await ctx.reach();
        const config = loadConfig(reach.configFile);
        const { records } = await reach.stack();
        const states = await allStates(records);
        const names = [...new Set([...config.services.map((s) => s.name), ...states.map((s) => s.service)])];
        const unfinished = new Map<string, DeploymentRecord[]>();
        await Promise.all(
          names.map(async (name) =>
            unfinished.set(
              name,
              (await history(records, name, RECENT)).filter((r) => r.phase !== 'done'),
            ),
          ),
        );
        const now = ctx.now();
        const rows = serviceStatuses(config.services, states, unfinished, now);
        if (options.json) {
          ctx.out(JSON.stringify(rows, null, 2));
          return EXIT.ok;
        }
        ctx.out(
          table(
            ['service', 'target', 'in flight', 'last deployment', 'last good'],
            rows.map((s) => [
              s.configured ? s.service : `${s.service} (not in config)`,
              s.target ?? '-',
              s.inFlight.length > 0
                ? s.inFlight.map((f) => `${f.tag ?? f.recordId} ${f.step} since ${f.since.slice(11, 16)}Z (${ago(f.since, now)})`).join('; ')
                : '-',
              s.lastDeployment ? `${s.lastDeployment.recordId} ${s.lastDeployment.outcome}` : 'never deployed by Shipwatch',
              s.lastGood ? `${s.lastGood.recordId} (${shortRevision(s.lastGood.revision)})` : '-',
            ]),
          ),
        );
        return EXIT.ok;
      }),
    );
};
