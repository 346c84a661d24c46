import { loadConfig } from '../../shared/config/load.js';
import { EXIT, Refused, SetupError } from '../errors.js';
import { followExecution, serviceExecution, succeeded } from '../follow/follow.js';
import { examples, jsonOption, type RegisterCommand } from '../program.js';

/**
 * `shipwatch follow <service>`: the service's deployment (or rollback) under
 * way, live, to its outcome; with nothing under way, how the newest one went.
 */
export const followCommand: RegisterCommand = (program, run) => {
  program
    .command('follow')
    .description(
      "follow what a service is doing now (a push, a deploy, a rollback) to its outcome: each step with its time, the live health verdicts, the bake's progress",
    )
    .argument('<service>', 'a service name from the config (or from the records)')
    .addOption(jsonOption())
    .addHelpText(
      'after',
      `${examples([
        ['shipwatch follow checkout', 'the deployment under way, or the newest one replayed'],
        ['shipwatch follow checkout --json', 'only its result, as JSON, once it ends'],
      ])}\n\nExits 0 when it ends deployed (a rollback: rolled_back), 1 otherwise; 3 when the service has nothing to follow.`,
    )
    .action(
      run(async (ctx, service: string, options: { json?: boolean }) => {
        const reach = await ctx.reach();
        const config = loadConfig(reach.configFile);
        const stack = await reach.stack();
        if (!stack.stateMachineArn)
          throw new SetupError(
            `the state machine is unknown (${stack.source}): set STATE_MACHINE_ARN to the stack output DeployStateMachineArn, or use --stage`,
          );
        const found = await serviceExecution(stack.sfn, stack.records, stack.stateMachineArn, service);
        if (!found) {
          const known = config.services.some((s) => s.name === service);
          throw new Refused(
            known
              ? `${service}: Shipwatch has not deployed it yet, so there is nothing to follow`
              : `no service "${service}" in ${reach.configFile} or the records (services: ${config.services.map((s) => s.name).join(', ')})`,
          );
        }
        if (!options.json) {
          const record = found.record;
          const what = record
            ? `${record.repository}${record.tag ? `:${record.tag}` : ''} (record ${record.recordId}${record.requestedBy ? `, asked by ${record.requestedBy}` : ''})`
            : service;
          ctx.out(`${found.running ? 'following' : 'nothing under way; the newest:'} ${what}\nexecution ${found.executionArn}`);
          if (found.others.length > 0) ctx.out(`also running for ${service}: ${found.others.join(', ')}`);
        }
        const followed = await followExecution({ sfn: stack.sfn, sleep: (ms) => ctx.sleep(ms), out: (t) => ctx.out(t) }, found.executionArn, {
          quiet: Boolean(options.json),
        });
        if (options.json) {
          ctx.out(
            JSON.stringify(
              {
                service,
                executionArn: found.executionArn,
                ...(found.record ? { record: found.record.recordId } : {}),
                status: followed.status,
                result: followed.result ?? { error: followed.error },
              },
              null,
              2,
            ),
          );
        }
        return succeeded(followed) ? EXIT.ok : EXIT.failed;
      }),
    );
};
