import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { BatchGetImageCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { GetExecutionHistoryCommand, ListExecutionsCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { contextFromEnv } from '../../cli/context.js';
import { main } from '../../cli/main.js';
import { BEHAVIOUR_ANNOTATION } from '../../local/cloud/ecr-images.js';
import { runSandbox } from '../../sandbox/sandbox.js';
import { until } from '../support/until.js';
import { fixturePath } from '../support/fixtures.js';

// `shipwatch sandbox --config my.yml --push web:v2 --serve`: the simulated
// account is made from the user's config, the push plays, then the sandbox
// stays up; a person at another terminal uses the CLI (through the printed
// export line, or finding it alone), pushes with the AWS CLI's PutImage and
// flips an alarm, and the sandbox reacts as AWS would.

const CONFIG = fixturePath('shipwatch.sandbox-user.yml');
const DISCOVERY = fileURLToPath(new URL(`../../.shipwatch/test-sandbox-${process.pid}.json`, import.meta.url));
const NO_SANDBOX = fixturePath('no-sandbox-here.json');
const credentials = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' };

/** Real milliseconds until `check` holds (the sandbox runs in the same process, its clock racing ahead). */
describe('sandbox --config --push --serve', () => {
  it('plays the push on an account made from the config, then serves the CLI, PutImage and SetAlarmState', async () => {
    const lines: string[] = [];
    const stop = new AbortController();
    let endpoint = '';
    const cli = async (argv: string[], env: NodeJS.ProcessEnv) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(argv, (g) => ({ ...contextFromEnv(g, env, NO_SANDBOX), out: (t) => out.push(t), err: (t) => err.push(t) }), {
        out: (t) => out.push(t),
        err: (t) => err.push(t),
      });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    const discovered = async (argv: string[]) => {
      const out: string[] = [];
      const code = await main(argv, (g) => ({ ...contextFromEnv(g, {}, DISCOVERY), out: (t) => out.push(t), err: () => undefined }), {
        out: (t) => out.push(t),
        err: () => undefined,
      });
      return { code, out: out.join('\n') };
    };

    const person = (async () => {
      const line = await until(async () => lines.find((l) => l.trim().startsWith('export SHIPWATCH_SANDBOX=')), 'the export line');
      endpoint = /SHIPWATCH_SANDBOX=(\S+)/.exec(line)![1]!;
      const env = { SHIPWATCH_SANDBOX: endpoint };
      const aws = { endpoint, region: 'us-east-1', credentials };

      // The CLI through the export line, and alone through the discovery file.
      const status = await cli(['status', '--json'], env);
      const found = await discovered(['history', 'web', '--json']);

      // A push at the endpoint, as `aws ecr put-image` sends it: a new manifest that behaves well.
      const ecr = new ECRClient(aws);
      const manifest = JSON.parse(
        (await ecr.send(new BatchGetImageCommand({ repositoryName: 'api', imageIds: [{ imageTag: 'v1' }] }))).images![0]!.imageManifest!,
      );
      manifest.annotations = { [BEHAVIOUR_ANNOTATION]: '{"errorRate":0.2}' };
      await ecr.send(new PutImageCommand({ repositoryName: 'api', imageTag: 'v2', imageManifest: JSON.stringify(manifest) }));
      const api = await until(async () => {
        const h = JSON.parse((await cli(['history', 'api', '--json'], env)).out);
        return h[0]?.tag === 'v2' && h[0].outcome ? h[0] : undefined;
      }, 'api:v2 to end');

      // An alarm flipped by hand inside web's guard window: the alarm rule rolls web:v2 back.
      await new CloudWatchClient(aws).send(
        new SetAlarmStateCommand({ AlarmName: 'web-errors', StateValue: 'ALARM', StateReason: 'flipped by hand to test the rollback' }),
      );
      const web = await until(async () => {
        const h = JSON.parse((await cli(['history', 'web', '--json'], env)).out);
        return h[0]?.outcome === 'rolled_back' ? h[0] : undefined;
      }, 'web:v2 to be rolled back');

      const sfn = new SFNClient(aws);
      const machines = await sfn.send(new ListStateMachinesCommand({}));
      const executions = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machines.stateMachines![0]!.stateMachineArn! }));
      const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: executions.executions![0]!.executionArn! }));
      const stats = await cli(['stats', '--json'], env);
      const discoveryWhileUp = existsSync(DISCOVERY);
      stop.abort();
      return { status, found, api, web, machines, history, stats, discoveryWhileUp };
    })();

    const run = await runSandbox({
      config: CONFIG,
      pushes: [{ repository: 'web', tag: 'v2' }],
      speed: Infinity,
      serve: stop.signal,
      serveSpeed: 600,
      discoveryFile: DISCOVERY,
      print: (l) => lines.push(l),
    });
    const seen = await person;

    // The push from the command line.
    expect(run.rows.map((r) => [r.service, r.outcome])).toEqual([['web', 'deployed']]);
    expect(run.ok).toBe(true);
    expect(lines.join('\n')).toContain(`config ${CONFIG}`);
    // The CLI, both ways.
    expect(seen.status.code).toBe(0);
    expect(JSON.parse(seen.status.out).map((s: { service: string; target: string }) => [s.service, s.target])).toEqual([
      ['web', 'ecs main/web'],
      ['api', 'eks apps/api/api'],
    ]);
    expect(JSON.parse(seen.found.out).map((r: { tag: string; outcome: string }) => [r.tag, r.outcome])).toEqual([['v2', 'deployed']]);
    // PutImage at the endpoint deployed to EKS; the alarm flipped by hand rolled ECS back.
    expect(seen.api).toMatchObject({ tag: 'v2', outcome: 'deployed' });
    expect(seen.web.reason).toMatch(/^alarm web-errors after deploy/);
    // Step Functions as the console reads it.
    expect(seen.machines.stateMachines).toEqual([expect.objectContaining({ name: 'shipwatch-sandbox-deploy', type: 'STANDARD' })]);
    expect(seen.history.events![0]).toMatchObject({ id: 1, type: 'ExecutionStarted' });
    expect(seen.history.events!.map((e) => e.type)).toContain('TaskStateEntered');
    expect(JSON.parse(seen.stats.out)).toMatchObject({ deploymentFrequency: { deployments: 2 }, changeFailureRate: { failed: 1, changes: 2 } });
    // Gone when it stops.
    expect(seen.discoveryWhileUp).toBe(true);
    expect(existsSync(DISCOVERY)).toBe(false);
  }, 900_000);
});
