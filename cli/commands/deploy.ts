import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { Option } from 'commander';
import { loadConfig } from '../../shared/config/load.js';
import { deployExecutionName } from '../../shared/match/match-push.js';
import { getState, runningRelease } from '../../shared/records/admission.js';
import { recordIdOf } from '../../shared/records/keys.js';
import { history } from '../../shared/records/queries.js';
import { registryHost, type Release } from '../../shared/release/release.js';
import { deploymentInput } from '../../shared/trigger/start-deployments.js';
import { deployTag, findImage } from '../deploy/image.js';
import { EXIT, Refused, SetupError } from '../errors.js';
import { followExecution, succeeded } from '../follow/follow.js';
import { parseTagOrDigest } from '../options.js';
import { examples, jsonOption, type RegisterCommand } from '../program.js';

/**
 * `shipwatch deploy <service> <tag|digest>`: a deployment of an image already
 * in ECR, started as a push starts one (the same input, so the same scan
 * gate, approval and lease), with who asked on its record. The way to deploy
 * an image again after a rejection, an expiry, a block or a rollback.
 */
export const deployCommand: RegisterCommand = (program, run) => {
  program
    .command('deploy')
    .description(
      'deploy an image already in ECR, as a push would (scan gate, approval, one deployment at a time): the way to retry after a rejection, an expiry, a block or a rollback',
    )
    .argument('<service>', 'a service name from the config')
    .argument('<image>', "a tag of the service's repository, or a digest (sha256:…)", parseTagOrDigest)
    .addOption(new Option('--follow', "follow it to its outcome: each step with its time, the live health verdicts, the bake's progress").default(false))
    .addOption(jsonOption())
    .addHelpText(
      'after',
      examples([
        ['shipwatch deploy payments release-4.2', 'deploy the image tagged release-4.2 again (say, after a rejection)'],
        ['shipwatch deploy checkout sha256:8f64f257737e…', 'deploy an image by its digest'],
        ['shipwatch deploy checkout v4 --follow', 'and follow it to its outcome'],
      ]) +
        "\n\nThe record keeps who asked (sts:GetCallerIdentity). A tag must match the service's image.tags, as a push of it would;" +
        '\na digest deploys under one of its tags that does. Exits 0 once started (with --follow: once deployed, else 1); 3 when refused.',
    )
    .action(
      run(async (ctx, service: string, ref: { tag: string } | { digest: string }, options: { follow: boolean; json?: boolean }) => {
        const reach = await ctx.reach();
        const config = loadConfig(reach.configFile);
        const serviceConfig = config.services.find((s) => s.name === service);
        if (!serviceConfig) throw new Refused(`no service "${service}" in ${reach.configFile} (services: ${config.services.map((s) => s.name).join(', ')})`);
        const stack = await reach.stack();
        if (!stack.stateMachineArn)
          throw new SetupError(
            `the state machine is unknown (${stack.source}): set STATE_MACHINE_ARN to the stack output DeployStateMachineArn, or use --stage`,
          );

        const ecr = reach.clients.ecr();
        const image = await findImage(ecr, serviceConfig, ref);
        const tag = deployTag(serviceConfig, image, ref);
        const running = runningRelease(await getState(stack.records, service), image.digest);
        if (running)
          throw new Refused(`${service} already runs ${image.repository}@${image.digest} (last good release ${running.recordId}); nothing to deploy`);
        const caller = (await reach.clients.sts().send(new GetCallerIdentityCommand({}))).Arn;
        if (!caller) throw new SetupError('sts:GetCallerIdentity named no caller: Shipwatch records who asked for a deployment');

        // As EventBridge times a push: whole seconds, so "newest push wins" compares like with like.
        const now = ctx.now();
        const name = deployExecutionName(service, image.digest, now);
        const region = await ecr.config.region();
        const registry = registryHost(image.account, region);
        const release: Release = {
          repository: image.repository,
          registry,
          digest: image.digest,
          ...(tag ? { tag } : {}),
          imageUri: `${registry}/${image.repository}@${image.digest}`,
          pushedAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
          // The request's own id: the record id is made of it, as a push's is of its event's.
          eventId: name,
          region,
          requestedBy: caller,
        };
        const earlier = (await history(stack.records, service, 25)).find((r) => r.digest === image.digest && r.outcome);
        const started = await stack.sfn.send(
          new StartExecutionCommand({ stateMachineArn: stack.stateMachineArn, name, input: JSON.stringify(deploymentInput(release, serviceConfig)) }),
        );
        const summary = {
          service,
          image: `${image.repository}${tag ? `:${tag}` : ''}@${image.digest}`,
          record: recordIdOf(release),
          requestedBy: caller,
          executionArn: started.executionArn,
          ...(earlier ? { earlier: { record: earlier.recordId, tag: earlier.tag, outcome: earlier.outcome, reason: earlier.reason } } : {}),
        };
        if (!options.json) {
          ctx.out(`deploying ${summary.image} to ${service}, asked by ${caller}`);
          if (earlier)
            ctx.out(`this image last ended ${earlier.outcome}${earlier.tag ? ` as ${earlier.tag}` : ''} (record ${earlier.recordId}): ${earlier.reason ?? ''}`);
          ctx.out(`record ${summary.record}\nexecution ${started.executionArn}`);
        }
        if (!options.follow) {
          if (options.json) ctx.out(JSON.stringify(summary, null, 2));
          return EXIT.ok;
        }
        if (!options.json) ctx.out('following it (Ctrl-C stops following, not the deployment)…');
        const followed = await followExecution({ sfn: stack.sfn, sleep: (ms) => ctx.sleep(ms), out: (t) => ctx.out(t) }, started.executionArn!, {
          quiet: Boolean(options.json),
        });
        if (options.json)
          ctx.out(
            JSON.stringify(
              {
                ...summary,
                status: followed.status,
                outcome: followed.result?.outcome,
                reason: followed.result?.reason ?? followed.error,
                steps: followed.result?.steps,
              },
              null,
              2,
            ),
          );
        return succeeded(followed) ? EXIT.ok : EXIT.failed;
      }),
    );
};
