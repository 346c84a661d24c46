import { BatchGetImageCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { contextFromEnv } from '../../cli/context.js';
import { main } from '../../cli/main.js';
import { BEHAVIOUR_ANNOTATION } from '../../local/cloud/ecr-images.js';
import { runSandbox } from '../../sandbox/sandbox.js';
import type { DeploymentRecord } from '../../shared/records/types.js';
import { fixturePath } from '../support/fixtures.js';
import { until } from '../support/until.js';

// `shipwatch promote` against the sandbox (`shipwatch sandbox --serve`), the
// real state machine and handlers behind it: a push of reviews:v2 (a canary
// that pauses) is judged healthy at its first step and waits; the operator
// promotes it from another terminal, as their IAM identity; the workflow goes
// on to `deployed`, and the records keep who promoted. Before and after the
// pause, the commands refuse with exit 3 and say why, changing nothing.

const NO_SANDBOX = fixturePath('no-sandbox-here.json');
/** Who the sandbox's STS says the operator is. */
const OPERATOR = 'arn:aws:sts::123456789012:assumed-role/sandbox-operator/you';
const credentials = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' };

describe('shipwatch promote against the sandbox', () => {
  it('promotes a paused canary as the operator; the workflow goes on to deployed; nothing paused is refused with exit 3', async () => {
    const lines: string[] = [];
    const stop = new AbortController();
    const cli = async (argv: string[], env: NodeJS.ProcessEnv) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(argv, (g) => ({ ...contextFromEnv(g, env, NO_SANDBOX), out: (t) => out.push(t), err: (t) => err.push(t) }), {
        out: (t) => out.push(t),
        err: (t) => err.push(t),
      });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    const newest = async (env: NodeJS.ProcessEnv) => (JSON.parse((await cli(['history', 'reviews', '--json'], env)).out) as DeploymentRecord[])[0];

    const person = (async () => {
      const line = await until(async () => lines.find((l) => l.trim().startsWith('export SHIPWATCH_SANDBOX=')), 'the export line');
      const endpoint = /SHIPWATCH_SANDBOX=(\S+)/.exec(line)![1]!;
      const env = { SHIPWATCH_SANDBOX: endpoint };

      // Nothing to promote yet: reviews has no deployment, search never pauses, nope is no service.
      const before = await cli(['promote', 'reviews'], env);
      const neverPauses = await cli(['promote', 'search'], env);
      const unknown = await cli(['abort', 'nope'], env);

      // A push of reviews:v2 at the endpoint, as `aws ecr put-image` sends it: a new manifest that behaves well.
      const ecr = new ECRClient({ endpoint, region: 'us-east-1', credentials });
      const manifest = JSON.parse(
        (await ecr.send(new BatchGetImageCommand({ repositoryName: 'reviews', imageIds: [{ imageTag: 'v1' }] }))).images![0]!.imageManifest!,
      );
      manifest.annotations = { [BEHAVIOUR_ANNOTATION]: '{"errorRate":0.2}' };
      await ecr.send(new PutImageCommand({ repositoryName: 'reviews', imageTag: 'v2', imageManifest: JSON.stringify(manifest) }));
      const paused = await until(async () => {
        const record = await newest(env);
        return record?.tag === 'v2' && record.phase === 'awaiting_promotion' && record.promotion ? record : undefined;
      }, 'reviews:v2 to pause');

      const wrongRecord = await cli(['promote', 'reviews', '--record', '20261102T000000Z-000000000000-00000000'], env);
      const promoted = await cli(['promote', 'reviews', '--json'], env);
      // Decided: a second promote finds nothing paused; an abort of that record is refused.
      const again = await cli(['promote', 'reviews'], env);
      const lateAbort = await cli(['abort', 'reviews', '--record', paused.recordId], env);
      const ended = await until(async () => {
        const record = await newest(env);
        return record?.outcome ? record : undefined;
      }, 'reviews:v2 to end');
      stop.abort();
      return { before, neverPauses, unknown, paused, wrongRecord, promoted, again, lateAbort, ended };
    })();

    // One quick scenario first (a push blocked by its scan), then the sandbox serves at 300x.
    const run = await runSandbox({ scenario: 'critical-finding', speed: Infinity, serve: stop.signal, serveSpeed: 300, print: (l) => lines.push(l) });
    const seen = await person;

    expect(run.rows.map((r) => r.outcome)).toEqual(['blocked']);
    // Before the pause: refused, exit 3, with where things stand.
    expect(seen.before).toMatchObject({
      code: 3,
      err: 'shipwatch: nothing of reviews is paused for promotion: it has no deployments yet; nothing was changed',
    });
    expect(seen.neverPauses).toMatchObject({
      code: 3,
      err: 'shipwatch: search never pauses (strategy canary without pause: true): there is nothing to promote or abort',
    });
    expect(seen.unknown.code).toBe(3);
    expect(seen.unknown.err).toMatch(
      /^shipwatch: no service "nope" in \S+shipwatch\.sandbox\.yml \(services: checkout, payments, ledger, storefront, listings, inventory, orders, catalog, search, reviews\)$/,
    );
    expect(seen.wrongRecord).toMatchObject({
      code: 3,
      err: 'shipwatch: no record 20261102T000000Z-000000000000-00000000 for reviews (shipwatch history reviews lists them)',
    });
    // The sandbox said the pause waits for a person at the CLI.
    expect(lines.join('\n')).toMatch(/Slack asks #C0SANDBOXDEPLOYS for promotion: reviews: paused \(reviews:v2\)/);
    expect(lines.join('\n')).toMatch(/waiting for a decision: npx shipwatch promote reviews, or npx shipwatch abort reviews/);

    // The promotion: as the operator, in words and as JSON.
    expect(seen.promoted.err).toBe('');
    expect(seen.promoted.code).toBe(0);
    const promoted = JSON.parse(seen.promoted.out);
    expect(promoted).toMatchObject({
      service: 'reviews',
      record: seen.paused.recordId,
      tag: 'v2',
      approvalId: seen.paused.promotion!.approvalId,
      decision: 'promoted',
      by: OPERATOR,
      message: 'Promoted by you (role sandbox-operator): shifting the rest of the traffic to the new release.',
    });
    expect(seen.paused.progress).toMatchObject({
      strategy: 'canary',
      position: { step: 1, steps: 2, trafficPercent: 20 },
      judged: [{ step: 1, trafficPercent: 20 }],
    });

    // After it: already decided (while the workflow has not moved on yet), then nothing paused any more.
    const decided = 'Already promoted by you \\(role sandbox-operator\\) at \\d\\d:\\d\\d:\\d\\dZ: nothing was changed\\.';
    expect(seen.again.code).toBe(3);
    expect(seen.again.err).toMatch(
      new RegExp(
        `^shipwatch: (${decided}|nothing of reviews is paused for promotion: reviews:v2 \\(record ${seen.paused.recordId}\\) is (progressing|baking); nothing was changed)$`,
      ),
    );
    expect(seen.lateAbort.code).toBe(3);
    expect(seen.lateAbort.err).toMatch(
      new RegExp(
        `^shipwatch: (${decided}|reviews: reviews:v2 \\(record ${seen.paused.recordId}\\) is (progressing|baking), not paused for promotion; nothing was changed)$`,
      ),
    );

    // The records: deployed, who promoted (at the time they did), the judged step with its arithmetic.
    expect(seen.ended).toMatchObject({ recordId: seen.paused.recordId, outcome: 'deployed' });
    expect(seen.ended.progress).toMatchObject({
      decision: { action: 'promote', by: OPERATOR, at: promoted.at },
      judged: [
        { step: 1, steps: 2, trafficPercent: 20, summary: expect.stringMatching(/5xx rate of the new revision worst [\d.]+%, > 2% in 0 of \d+ periods/) },
      ],
    });
    expect(seen.ended.result?.progress).toMatchObject({ strategy: 'canary', promotedBy: OPERATOR });
    expect(seen.ended.reason).toMatch(/^deployed 123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/reviews@sha256:[a-f0-9]{64}; healthy through the bake/);
  }, 900_000);
});
