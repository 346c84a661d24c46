import { Argument, Option } from 'commander';
import { loadConfig } from '../../shared/config/load.js';
import { EXIT } from '../errors.js';
import { parseImageRef, type ImageRef } from '../options.js';
import { changeFor, resolveImage, type ServiceChange } from '../plan/change.js';
import { planPush } from '../plan/plan.js';
import { renderPlan } from '../plan/render.js';
import { examples, jsonOption, type RegisterCommand } from '../program.js';

/** `shipwatch plan <repository>:<tag>[@digest]`: what that push would do, from the config; with --aws, the exact change against what runs. */
export const planCommand: RegisterCommand = (program, run) => {
  program
    .command('plan')
    .description('what a push would do: the services it matches (and why not the others), scan policy, approval, bake, guard window, strategy')
    .addArgument(new Argument('<image>', 'the pushed image: <repository>:<tag>[@sha256:<digest>] or <repository>@sha256:<digest>').argParser(parseImageRef))
    .addOption(new Option('--aws', 'also read what runs now and show the exact change (task-definition image line, or the Kubernetes patch)').default(false))
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples([
        ['shipwatch plan checkout:v2', 'offline, from shipwatch.yml'],
        ['shipwatch plan payments:release-4.0 --config staging.yml', 'does release-4.0 need approval in staging?'],
        ['shipwatch plan checkout:v2 --aws --stage prod', 'and the exact change against what runs in prod'],
      ]),
    )
    .action(
      run(async (ctx, image: ImageRef, options: { aws: boolean; json?: boolean }) => {
        const reach = options.aws ? await ctx.reach() : undefined;
        const file = reach?.configFile ?? ctx.configFile;
        const config = loadConfig(file);
        const plan = planPush(config, image, ctx.now());
        let changes: Map<string, ServiceChange | Error> | undefined;
        let resolved: Awaited<ReturnType<typeof resolveImage>> | undefined;
        if (reach && plan.matched.length > 0) {
          resolved = await resolveImage(reach.clients, image);
          changes = new Map();
          for (const m of plan.matched) {
            changes.set(m.service, await changeFor(reach.clients, config, m.service, resolved.uri, ctx.now()).catch((e: Error) => e));
          }
        }
        if (options.json) {
          const change = (name: string) => {
            const c = changes?.get(name);
            return c instanceof Error ? { error: c.message } : c;
          };
          ctx.out(
            JSON.stringify(
              {
                config: file,
                ...plan,
                ...(resolved ? { resolved } : {}),
                matched: plan.matched.map((m) => ({ ...m, ...(changes ? { change: change(m.service) } : {}) })),
              },
              null,
              2,
            ),
          );
        } else {
          ctx.out(renderPlan(plan, changes, file));
          if (resolved && !resolved.pushed) ctx.out(`\n  (${image.repository}:${image.tag} is not in ECR yet: the digest is known once it is pushed)`);
        }
        return EXIT.ok;
      }),
    );
};
