import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cliHarness } from '../support/cli-context.js';
import { simulatedAccount } from '../support/simulated-account.js';
import { fixturePath } from '../support/fixtures.js';

// `shipwatch validate --aws` against the sandbox's account over the real wire
// protocols: the AWS APIs, the cluster's Kubernetes API (version, Deployment,
// SubjectAccessReview) and the Slack stand-in.

const SANDBOX_CONFIG = fileURLToPath(new URL('../../sandbox/shipwatch.sandbox.yml', import.meta.url));
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** `configFile`: an absolute path (a fixture's, or the sandbox's own config). */
async function validate(configFile: string, ...args: string[]) {
  const account = await simulatedAccount();
  close = () => account.close();
  const cli = cliHarness({ configFile, clients: account.clients, slack: account.slack });
  const code = await cli.run(['validate', '--aws', ...args]);
  return { code, ...cli.take() };
}

describe('shipwatch validate --aws', () => {
  it("passes the sandbox's own config, each resource checked and answered", async () => {
    const { code, out } = await validate(SANDBOX_CONFIG);

    expect(code).toBe(0);
    const rows = out.split('\n').filter((l) => /^(ok|WARN|ERROR)\s/.test(l));
    expect(
      rows.map((r) =>
        r
          .split(/\s{2,}/)
          .slice(0, 3)
          .join(' | '),
      ),
    ).toEqual([
      'ok | ecr checkout | exists, scans',
      'ok | ecr payments | exists, scans',
      'ok | ecr ledger | exists, scans',
      'ok | ecr storefront | exists, scans',
      'ok | ecr listings | exists, scans',
      'ok | ecr inventory | exists, scans',
      'ok | ecr orders | exists, scans',
      'ok | ecr catalog | exists, scans',
      'ok | ecr search | exists, scans',
      'ok | ecr reviews | exists, scans',
      'ok | ecs prod/checkout | service exists',
      'ok | ecs prod/checkout | task definition readable',
      'ok | ecs prod/checkout | container in task definition',
      'ok | ecs prod/payments | service exists',
      'ok | ecs prod/payments | task definition readable',
      'ok | ecs prod/payments | container in task definition',
      'ok | ecs prod/ledger | service exists',
      'ok | ecs prod/ledger | task definition readable',
      'ok | ecs prod/ledger | container in task definition',
      'ok | ecs prod/storefront | service exists',
      'ok | ecs prod/storefront | traffic shifting (canary)',
      'ok | ecs prod/storefront | each step judged on the new revision',
      'ok | ecs prod/storefront | task definition readable',
      'ok | ecs prod/storefront | container in task definition',
      'ok | ecs prod/listings | service exists',
      'ok | ecs prod/listings | traffic shifting (linear)',
      'ok | ecs prod/listings | each step judged on the new revision',
      'ok | ecs prod/listings | task definition readable',
      'ok | ecs prod/listings | container in task definition',
      'ok | ecs prod/inventory | service exists',
      'ok | ecs prod/inventory | traffic shifting (blueGreen)',
      'ok | ecs prod/inventory | each step judged on the new revision',
      'ok | ecs prod/inventory | task definition readable',
      'ok | ecs prod/inventory | container in task definition',
      'ok | ecs prod/orders | service exists',
      'ok | ecs prod/orders | traffic shifting (canary)',
      'ok | ecs prod/orders | each step judged on the new revision',
      'ok | ecs prod/orders | task definition readable',
      'ok | ecs prod/orders | container in task definition',
      'ok | eks shop | cluster answers',
      'ok | eks shop/shop/catalog | Deployment and container exist',
      'ok | eks shop/shop/catalog | group shipwatch-deployers may get, patch',
      'ok | eks shop/shop/search | Deployment and container exist',
      'ok | eks shop/shop/search | group shipwatch-deployers may get, patch',
      'ok | eks shop/shop/search | group shipwatch-deployers may create, delete (canary)',
      'ok | eks shop/shop/search | a Service spreads requests over both',
      'ok | eks shop/shop/search | replicas give a meaningful ratio',
      'ok | eks shop/shop/reviews | Deployment and container exist',
      'ok | eks shop/shop/reviews | group shipwatch-deployers may get, patch',
      'ok | eks shop/shop/reviews | group shipwatch-deployers may create, delete (canary)',
      'ok | eks shop/shop/reviews | a Service spreads requests over both',
      'ok | eks shop/shop/reviews | replicas give a meaningful ratio',
      'ok | alarm checkout-5xx | exists',
      'ok | alarm ledger-5xx | exists',
      'ok | alarm storefront-5xx | exists',
      'ok | alarm listings-5xx | exists',
      'ok | alarm inventory-5xx | exists',
      'ok | alarm orders-5xx | exists',
      'ok | alarm catalog-5xx | exists',
      'ok | alarm search-5xx | exists',
      'ok | alarm reviews-5xx | exists',
      'ok | metric payments/5xx rate | returns data (last hour)',
      'ok | metric storefront/5xx rate | returns data (last hour)',
      'ok | metric listings/5xx rate | returns data (last hour)',
      'ok | metric inventory/5xx rate | returns data (last hour)',
      'ok | metric orders/5xx rate | returns data (last hour)',
      'ok | metric search/5xx rate of the new revision | returns data (last hour)',
      'ok | metric reviews/5xx rate of the new revision | returns data (last hour)',
      'ok | slack /shipwatch/slack-bot-token | bot token works',
      'ok | slack #deploys | bot in channel',
    ]);
    expect(out).toMatch(/ok\s+eks shop\s+cluster answers\s+Kubernetes v1\.31\.2-eks-sandbox at https:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/ok\s+metric payments\/5xx rate\s+returns data \(last hour\)\s+\d+ datapoints, latest [\d.]+% \(threshold > 2%\)/);
    expect(out).toMatch(
      /ok\s+eks shop\/shop\/search\s+a Service spreads requests over both\s+Service search selects app=search: the pods of search and of search-canary alike/,
    );
    expect(out).toMatch(/ok\s+eks shop\/shop\/search\s+replicas give a meaningful ratio\s+20% asked: 1 canary pod beside 4 = 20%/);
    expect(out).toMatch(
      /ok\s+metric search\/5xx rate of the new revision\s+returns data \(last hour\)\s+\d+ datapoints, latest [\d.]+% \(threshold > 2%\) for the running revision \(\{revision\} = search@sha256:[a-f0-9]{8}/,
    );
    expect(out).toMatch(/70 checks: 70 ok, 0 warnings, 0 errors$/);
  });

  it('answers each missing or wrong resource with what to fix, and exits 1', async () => {
    const { code, out } = await validate(fixturePath('shipwatch.validate.yml'), '--json');

    expect(code).toBe(1);
    const { checks } = JSON.parse(out) as { checks: { resource: string; check: string; status: string; detail: string; fix?: string; services: string[] }[] };
    const problems = checks.filter((c) => c.status !== 'ok').map((c) => [c.status, c.resource, c.check, c.detail, c.fix]);
    expect(problems).toEqual([
      [
        'error',
        'ecr admin',
        'exists, scans',
        'no repository admin in this account and region',
        expect.stringMatching(/^check image\.repository of admin, or create it: aws ecr create-repository --repository-name admin/),
      ],
      [
        'error',
        'ecs prod/checkout',
        'container in task definition',
        expect.stringMatching(/^checkout:\d+ has no container "web" \(it has app, log-router\)$/),
        'set target.ecs.container of admin to one of: app, log-router',
      ],
      [
        'error',
        'eks shop/search/search',
        'Deployment and container exist',
        'no Deployment search in namespace search',
        expect.stringContaining('check target.eks.namespace and target.eks.deployment of search'),
      ],
      [
        'error',
        'eks shop/search/search',
        'group shipwatch-deployers may get, patch',
        'not allowed: get, patch',
        expect.stringContaining('bind a Role with verbs get and patch on deployments (apiGroup apps) in namespace search to group shipwatch-deployers'),
      ],
      [
        'error',
        'alarm checkout-5xx-typo',
        'exists',
        'no alarm named checkout-5xx-typo in this account and region',
        expect.stringContaining('fix health.alarms of admin'),
      ],
      [
        'warning',
        'metric admin/requests',
        'returns data (last hour)',
        'no datapoints in the last hour',
        expect.stringContaining('check the namespace, metric name, dimensions'),
      ],
      ['error', 'slack C0NOBOTHERE', 'bot in channel', 'no channel C0NOBOTHERE that the bot can see', expect.stringContaining('check the channel id')],
    ]);
  });

  it('without --aws checks the file alone, offline, with the same messages as packaging', async () => {
    const cli = cliHarness({ configFile: fixturePath('shipwatch.validate.yml') });

    expect(await cli.run(['validate'])).toBe(0);
    expect(cli.take().out).toMatch(/shipwatch\.validate\.yml is a valid Shipwatch config: 5 services\n {2}checkout: checkout:v\* → ecs prod\/checkout\n/);
    expect(await cli.run(['validate', '--config', fixturePath('shipwatch.invalid.yml')])).toBe(1);
    expect(cli.take().err).toBe(
      `${fixturePath('shipwatch.invalid.yml')} is not a valid Shipwatch config:\n  services[0].target.ecs.container: missing (expected string)\n  services[0].health.bakeMinute: unknown key (did you mean "bakeMinutes"?)`,
    );
    expect(await cli.run(['validate', '--config', fixturePath('shipwatch.nope.yml')])).toBe(1);
    expect(cli.take().err).toMatch(/^cannot read the Shipwatch config .*shipwatch\.nope\.yml: ENOENT/);
  });
});
