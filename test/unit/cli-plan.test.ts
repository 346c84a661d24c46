import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseImageRef } from '../../cli/options.js';
import { planPush } from '../../cli/plan/plan.js';
import { parseConfigText } from '../../shared/config/load.js';

// `shipwatch plan`, offline: what a push would do, decided by the same shared/
// functions the workflow uses (matching, approval policy, scan ignores).

const SANDBOX_CONFIG = fileURLToPath(new URL('../../sandbox/shipwatch.sandbox.yml', import.meta.url));
const config = parseConfigText(readFileSync(SANDBOX_CONFIG, 'utf8'), 'shipwatch.sandbox.yml');
const NOW = new Date('2026-11-02T10:00:00Z');

describe('shipwatch plan (offline)', () => {
  it('names the matched service and, for the others, why not', () => {
    const plan = planPush(config, parseImageRef('checkout:v2'), NOW);

    expect(plan.matched.map((m) => m.service)).toEqual(['checkout']);
    expect(plan.notMatched).toEqual([
      { service: 'payments', why: 'repository is payments, not checkout' },
      { service: 'ledger', why: 'repository is ledger, not checkout' },
      ...['storefront', 'listings', 'inventory', 'orders'].map((s) => ({ service: s, why: `repository is ${s}, not checkout` })),
      { service: 'catalog', why: 'repository is catalog, not checkout' },
      { service: 'search', why: 'repository is search, not checkout' },
      { service: 'reviews', why: 'repository is reviews, not checkout' },
    ]);
    const [checkout] = plan.matched;
    expect(checkout!.scan).toMatchObject({
      blockAt: 'HIGH',
      ignoring: [{ id: 'CVE-2026-0001', until: '2099-12-31', reason: expect.stringMatching(/^only reachable/) }],
      expired: [],
    });
    expect(checkout!.approval).toEqual({ needed: false, why: 'no approval policy' });
    expect(checkout!.health).toMatchObject({
      alarms: ['checkout-5xx'],
      bakeMinutes: 10,
      pollSeconds: 30,
      rolloutTimeoutMinutes: 15,
      guardMinutes: 60,
      fixForward: false,
    });
    expect(checkout!.strategy).toMatch(/^ECS rolling update of prod\/checkout: a new revision of its task definition where only container app's image changes/);
  });

  it('describes a canary on EKS: the canary beside the Deployment, its steps, the promotion', () => {
    const [search] = planPush(config, parseImageRef('search:v2'), NOW).matched;

    expect(search!.strategy).toBe(
      'canary by replica ratio beside Deployment shop/search on shop (docs/progressive-eks.md): search-canary runs the new image for 20% of the pods, each step judged 5 min on the new revision; then the RollingUpdate of search (container web, pinned to the digest) and the canary deleted; an unhealthy step deletes the canary, search unchanged',
    );
  });

  it('a tag outside the globs matches nothing, and says which globs', () => {
    const plan = planPush(config, parseImageRef('checkout:latest'), NOW);

    expect(plan.matched).toEqual([]);
    expect(plan.notMatched[0]).toEqual({ service: 'checkout', why: 'tag latest matches none of ["v*"]' });
  });

  it('approval follows the tag globs: release-4.0 needs it, from whom, release-3.1 does not', () => {
    const needs = planPush(config, parseImageRef('payments:release-4.0'), NOW).matched[0]!.approval;
    const free = planPush(config, parseImageRef('payments:release-3.1'), NOW).matched[0]!.approval;

    expect(needs).toEqual({
      needed: true,
      why: 'tag release-4.0 matches approval.required ["release-4*"]',
      channel: 'C0SANDBOXDEPLOYS',
      approvers: ['U0SANDBOXYOU', 'S0SANDBOXSRE'],
      timeoutMinutes: 30,
      onTimeout: 'reject',
      selfApproval: false,
    });
    expect(free).toEqual({ needed: false, why: 'tag release-3.1 matches none of approval.required ["release-4*"]' });
  });

  it('an ignore entry past its day no longer hides its finding', () => {
    const plan = planPush(config, parseImageRef('checkout:v9'), new Date('2100-01-01T00:00:00Z'));

    expect(plan.matched[0]!.scan).toMatchObject({ ignoring: [], expired: [{ id: 'CVE-2026-0001', until: '2099-12-31' }] });
  });

  it('parses image references as docker names them, and says what is wrong with the others', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseImageRef('checkout:v2')).toEqual({ repository: 'checkout', tag: 'v2' });
    expect(parseImageRef(`team/checkout:v2@${digest}`)).toEqual({ repository: 'team/checkout', tag: 'v2', digest });
    expect(parseImageRef(`123456789012.dkr.ecr.us-east-1.amazonaws.com/checkout@${digest}`)).toEqual({ repository: 'checkout', digest });
    expect(() => parseImageRef('checkout')).toThrow(InvalidArgumentError);
    expect(() => parseImageRef('checkout')).toThrow('no tag or digest');
    expect(() => parseImageRef('checkout:v2@sha256:abc')).toThrow('"sha256:abc" is not an image digest');
  });
});
