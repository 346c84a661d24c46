import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cliHarness } from '../support/cli-context.js';
import { simulatedAccount } from '../support/simulated-account.js';

// `shipwatch plan --aws` against the sandbox's account over the real wire
// protocols: the exact change against what runs now.

const SANDBOX_CONFIG = fileURLToPath(new URL('../../sandbox/shipwatch.sandbox.yml', import.meta.url));
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function setup() {
  const account = await simulatedAccount();
  close = () => account.close();
  const cli = cliHarness({ configFile: SANDBOX_CONFIG, clients: account.clients, slack: account.slack });
  return { ...account, cli };
}

describe('shipwatch plan --aws', () => {
  it("ECS: the next task-definition revision, of which only the container's image line changes", async () => {
    const { world, cli } = await setup();
    const v2 = world.ecr.push('checkout', 'v2', { healthy: true, errorRate: 0.3, requestsPerMinute: 1200, findings: [], scanSeconds: 20 });
    const running = world.ecs.imageOf(world.ecs.services.get('prod/checkout')!.taskDefinition, 'app')!;

    expect(await cli.run(['plan', 'checkout:v2', '--aws'])).toBe(0);

    const out = cli.take().out;
    const uri = `123456789012.dkr.ecr.us-east-1.amazonaws.com/checkout@${v2.detail['image-digest']}`;
    expect(out).toContain(
      [
        '    change:    register checkout:2 from checkout:1 (runs now), then UpdateService',
        '               containerDefinitions[name=app].image',
        `               - ${running}`,
        `               + ${uri}`,
        '               nothing else changes',
      ].join('\n'),
    );
  });

  it('EKS: the strategic merge patch sent, with the resourceVersion precondition, against the running image', async () => {
    const { world, cli } = await setup();
    const v2 = world.ecr.push('catalog', 'v2', { healthy: true, errorRate: 0.3, requestsPerMinute: 1200, findings: [], scanSeconds: 20 });
    const deployment = world.eks.cluster('shop').kubernetes.deployment('shop', 'catalog')!;
    const running = deployment.spec.template.spec.containers.find((c) => c.name === 'web')!.image;

    expect(await cli.run(['plan', `catalog:v2`, '--aws', '--json'])).toBe(0);

    const plan = JSON.parse(cli.take().out);
    const uri = `123456789012.dkr.ecr.us-east-1.amazonaws.com/catalog@${v2.detail['image-digest']}`;
    expect(plan.resolved).toEqual({ uri, digest: v2.detail['image-digest'], pushed: true });
    expect(plan.matched[0].change).toEqual({
      service: 'catalog',
      current: { revision: `shop/shop/catalog (resourceVersion ${deployment.metadata.resourceVersion})`, image: running },
      image: uri,
      eks: {
        patch: {
          metadata: {
            resourceVersion: deployment.metadata.resourceVersion,
            annotations: { 'shipwatch/last-deploy': JSON.stringify({ container: 'web', from: running, to: uri }) },
          },
          spec: { template: { spec: { containers: [{ name: 'web', image: uri }] } } },
        },
      },
      alreadyRunning: false,
      firing: [],
    });
  });

  it('a tag not pushed yet is planned with a placeholder digest, and says so', async () => {
    const { cli } = await setup();

    expect(await cli.run(['plan', 'checkout:v9', '--aws'])).toBe(0);

    const out = cli.take().out;
    expect(out).toContain('               + 123456789012.dkr.ecr.us-east-1.amazonaws.com/checkout@<digest of v9 once pushed>');
    expect(out).toContain('(checkout:v9 is not in ECR yet: the digest is known once it is pushed)');
  });
});
