import { BatchGetImageCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BEHAVIOUR_ANNOTATION } from '../../local/cloud/ecr-images.js';
import { sandboxProcess } from '../support/sandbox-process.js';

// The dashboard in a real browser (Debian's chromium, headless), over
// `shipwatch sandbox --dashboard` run as a person runs it: watch a release
// roll back live while its bake chart fills in, approve a waiting push and
// see the workflow go on, and check that another page in the same browser
// cannot act; then, over a second sandbox, watch a canary roll back at its
// first traffic step and promote a paused canary. Screenshots go to
// test-artifacts/browser/ (git-ignored).

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/browser/', import.meta.url));
// evil.test resolves to the dashboard's own address, as a DNS-rebinding attacker's name would.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP evil.test 127.0.0.1',
];

let sandbox: ReturnType<typeof sandboxProcess>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let url: URL;
let endpoint: string;

const shot = (name: string, p: Page = page) => p.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
/** A marker that only a full page load removes: the page must change without one. */
const mark = (p: Page) => p.evaluate(() => ((globalThis as unknown as { __noReload: boolean }).__noReload = true));
const notReloaded = (p: Page) => p.evaluate(() => (globalThis as unknown as { __noReload?: boolean }).__noReload === true);
const points = async (p: Page, alarm: string) => Number((await p.locator(`figure[data-alarm="${alarm}"] svg.health-chart`).getAttribute('data-points')) ?? 0);

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get update && apt-get install -y chromium (.ci/run does this)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

/** `shipwatch sandbox --dashboard` playing `scenario`, and a fresh browser context with one page. */
function watchSandbox(scenario: string) {
  beforeAll(async () => {
    // 30 simulated seconds a second: the ten-minute bake takes twenty seconds, slow enough to watch.
    sandbox = sandboxProcess(['--dashboard', '--scenario', scenario, '--speed', '30', '--no-interactive']);
    url = new URL((await sandbox.line(/^Dashboard: (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/))[1]!);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    const code = await sandbox?.stop();
    // Stopped by Ctrl-C while serving, after the scenario ended as expected.
    expect(code).toBe(0);
  });
}

describe('the dashboard in a browser, over the sandbox', () => {
  watchSandbox('alarm-during-bake');

  it('watches a release roll back live: the steps advance, the bake chart fills in, the alarm turns red, the outcome arrives without a reload', async () => {
    // Opening it starts the scenario; the session token leaves the address bar.
    await page.goto(url.href);
    expect(page.url()).toBe(`${url.origin}/`);
    await mark(page);
    await expect.poll(() => page.locator('#live-status').getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
    // The push appears in flight on the overview by itself.
    const inFlight = page.locator('tr[data-service="checkout"] [data-in-flight] a');
    await inFlight.waitFor({ timeout: 60_000 });
    expect(await notReloaded(page)).toBe(true);
    await shot('01-services-in-flight');
    await inFlight.click();
    await page.waitForURL(/\/services\/checkout\/deployments\/\d{8}T\d{6}Z-[0-9a-f]{12}-[0-9a-f]{8}$/);
    await mark(page);

    // The bake begins, and its chart gets a period at a time.
    const chart = page.locator('figure[data-alarm="checkout-5xx"] svg.health-chart');
    await chart.waitFor({ timeout: 60_000 });
    await expect.poll(() => points(page, 'checkout-5xx'), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
    const first = await points(page, 'checkout-5xx');
    await expect(page.locator('tr[data-step="bake"].running progress')).toBeTruthy();
    await shot('02-deployment-baking');
    await expect.poll(() => points(page, 'checkout-5xx'), { timeout: 60_000 }).toBeGreaterThanOrEqual(first + 2);
    expect(await page.locator('section.health').getAttribute('data-live')).toBe('yes');
    await shot('03-deployment-bake-filling-in');

    // The alarm fires: rolled back, live.
    await page.locator('.outcome-line [data-outcome="rolled_back"]').waitFor({ timeout: 90_000 });
    expect(await notReloaded(page)).toBe(true);
    expect(Number(await page.locator('#live').getAttribute('data-updates'))).toBeGreaterThan(3);
    await expect.poll(() => page.locator('tr[data-step="rollback"]').count(), { timeout: 10_000 }).toBe(1);
    await page.locator('tr[data-step="finish"]').waitFor({ timeout: 60_000 });
    await expect.poll(async () => page.locator('figure[data-alarm="checkout-5xx"] [data-alarm-state="ALARM"]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await page.locator('figure[data-alarm="checkout-5xx"] [data-state="breach"]').count()).toBeGreaterThan(0);
    expect(await page.locator('.outcome-line').textContent()).toMatch(/rolled back\s+Unhealthy: alarm checkout-5xx is ALARM since .*Threshold Crossed/);
    expect(await page.locator('table.steps tbody th').allTextContents()).toEqual([
      'admit',
      'scan',
      'lease',
      'deploy',
      'rollout',
      'bake',
      'rollback',
      'record outcome',
    ]);
    expect(await page.locator('figure[data-alarm="checkout-5xx"] svg.health-chart').textContent()).toContain('verdict: unhealthy, rolled back');
    // Also the README's picture (docs/dashboard-deployment.png is this one, copied).
    await shot('04-deployment-rolled-back');
  });

  it('approves a waiting push in the dashboard and sees the workflow go on; a stale page is told it is too late', async () => {
    // Serving now: a push that needs approval, as `aws ecr put-image` sends it.
    endpoint = (await sandbox.line(/^\s*export SHIPWATCH_SANDBOX=(\S+)/))[1]!;
    const ecr = new ECRClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } });
    const manifest = JSON.parse(
      (await ecr.send(new BatchGetImageCommand({ repositoryName: 'payments', imageIds: [{ imageTag: 'release-1' }] }))).images![0]!.imageManifest!,
    );
    manifest.annotations = { [BEHAVIOUR_ANNOTATION]: '{"errorRate":0.2}' };
    await ecr.send(new PutImageCommand({ repositoryName: 'payments', imageTag: 'release-4.2', imageManifest: JSON.stringify(manifest) }));

    await page.goto(`${url.origin}/`);
    const waiting = page.locator('tr[data-service="payments"] [data-in-flight] a');
    await waiting.waitFor({ timeout: 60_000 });
    await waiting.click();
    await page.locator('.approval .waiting').waitFor({ timeout: 60_000 });
    expect(await page.locator('.approval').textContent()).toContain('the person who pushed may not approve');

    // A second tab, without JavaScript, opened on the same request before anyone decides.
    const staleContext = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1000, height: 700 } });
    const other = await staleContext.newPage();
    await other.goto(`${url.origin}/?token=${url.searchParams.get('token')}`);
    await other.goto(page.url());
    await other.locator('form[action="/actions/approve"] button').waitFor();

    // Approve: the dialog asks, the answer says who, the workflow goes on.
    await page.locator('form[action="/actions/approve"] button').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/Approve payments:release-4\.2\? It deploys to payments once approved\.[\s\S]*you \(role sandbox-operator\)/);
    await shot('05-approve-confirm');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect
      .poll(() => page.locator('#action-status').textContent(), { timeout: 30_000 })
      .toBe('Approved by you (role sandbox-operator): the deployment goes on.');
    await page.locator('.decision[data-decision="approved"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('.decision[data-decision="approved"]').textContent()).toMatch(/^approved by you \(role sandbox-operator\) at \d\d:\d\d:\d\dZ$/);
    await page.locator('tr[data-step="rollout"]').waitFor({ timeout: 60_000 });
    await shot('06-approved-deploying');
    await page.locator('.outcome-line [data-outcome="deployed"]').waitFor({ timeout: 120_000 });
    expect(await page.locator('table.steps tbody th').allTextContents()).toEqual([
      'admit',
      'scan',
      'approval',
      'lease',
      'deploy',
      'rollout',
      'bake',
      'record outcome',
    ]);
    expect(await page.locator('figure[data-check="5xx rate"] .verdict-text').textContent()).toMatch(
      /^5xx rate worst [\d.]+%, > 2% in 0 of \d+ periods, failure limit 1$/,
    );
    expect(await page.locator('figure[data-check="5xx rate"] svg.health-chart').textContent()).toContain('bake ended: healthy');
    expect(await page.locator('section[aria-labelledby="scan-h"]').textContent()).toContain('scan passed: no findings');
    await shot('07-approved-deployed');

    // The stale tab still shows Approve; the server says it is too late, and who decided.
    await other.locator('form[action="/actions/approve"] button').click();
    await other.getByRole('button', { name: 'Confirm' }).click();
    await other.locator('.result-gone').waitFor();
    expect(await other.locator('h1').textContent()).toBe('No longer possible');
    expect(await other.locator('.result-gone').textContent()).toMatch(
      /^Already approved by you \(role sandbox-operator\) at \d\d:\d\d:\d\dZ: nothing was changed\.$/,
    );
    await shot('08-stale-approve-refused', other);
    await staleContext.close();
  });

  it('refuses an action from another origin or without the token, and a page reached under another host name', async () => {
    // Another site in the same browser: a form that posts a rollback to the dashboard (the cookie goes along, being same-site).
    const attacker: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><title>attacker</title><p id="read">…</p>
<form id="f" method="post" action="${url.origin}/actions/rollback"><input name="service" value="checkout"><input name="confirmed" value="1"></form>
<script>
fetch('${url.origin}/', { credentials: 'include' }).then((r) => r.text()).then(() => { document.getElementById('read').textContent = 'read it'; }, (e) => { document.getElementById('read').textContent = 'blocked: ' + e.name; });
</script>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    const attackerOrigin = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
    const evil = await context.newPage();
    await evil.goto(`${attackerOrigin}/`);
    // The same-origin policy keeps the dashboard's pages (and the token in them) from it.
    await expect.poll(() => evil.locator('#read').textContent(), { timeout: 10_000 }).toBe('blocked: TypeError');
    const [answer] = await Promise.all([
      evil.waitForResponse(`${url.origin}/actions/rollback`),
      evil.locator('#f').evaluate((f) => (f as unknown as { submit(): void }).submit()),
    ]);
    expect(answer.status()).toBe(403);
    expect(await evil.locator('.result-refused').textContent()).toBe(
      `Refused: this action came from another origin (${attackerOrigin}); only the dashboard's own page (${url.origin}) may act.`,
    );
    await shot('09-other-origin-refused', evil);
    await evil.close();
    attacker.close();

    // From the dashboard's own page, but without the token: refused too.
    await page.goto(`${url.origin}/services/checkout`);
    const noToken = await page.evaluate(async () => {
      const r = await fetch('/actions/rollback', {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: 'service=checkout&confirmed=1',
      });
      return { status: r.status, body: await r.json() };
    });
    expect(noToken).toEqual({ status: 403, body: { status: 'refused', message: 'Refused: the action did not carry the session token.' } });

    // DNS rebinding: a name that resolves to 127.0.0.1 is still not the dashboard's host.
    const rebound = await context.newPage();
    const response = await rebound.goto(`http://evil.test:${url.port}/`);
    expect(response?.status()).toBe(403);
    expect(await rebound.locator('main p').textContent()).toBe(`This dashboard answers only at http://127.0.0.1:${url.port}.`);
    await rebound.close();

    // Nothing was rolled back: checkout has nothing in flight and its history is as the scenario left it.
    await page.reload();
    expect(await page.locator('dl.facts').textContent()).toMatch(/in flight\s*nothing/);
    expect(await page.locator('table.history tbody tr').count()).toBe(1);
  });
});

describe('progressive delivery in a browser, over the sandbox', () => {
  watchSandbox('eks-canary-bad');

  it('watches a canary roll back live: the new release at its first traffic step, then all traffic back, without a reload', async () => {
    await page.goto(url.href);
    await mark(page);
    const inFlight = page.locator('tr[data-service="search"] [data-in-flight] a');
    await inFlight.waitFor({ timeout: 60_000 });
    expect(await page.locator('tr[data-service="search"]').textContent()).toContain('canary: traffic 20% → 100%, each step judged over 5 min');
    await inFlight.click();
    await page.waitForURL(/\/services\/search\/deployments\/\d{8}T\d{6}Z-[0-9a-f]{12}-[0-9a-f]{8}$/);
    await mark(page);

    // The first step: search-canary's pod serves its share while the new revision is judged.
    await page.locator('tr[data-traffic-step="1"][data-state="current"]').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.locator('.traffic-now').getAttribute('data-traffic'), { timeout: 60_000 }).toBe('20');
    expect(await page.locator('.traffic-now').textContent()).toBe('The new release gets 20% of the traffic, at step 1 of 2.');
    expect(await page.locator('tr[data-traffic-step="2"] td').allTextContents()).toEqual(['100% asked', 'to come', '', '']);
    await shot('10-canary-first-step');

    // Unhealthy at that step: rolled back, live.
    await page.locator('.outcome-line [data-outcome="rolled_back"]').waitFor({ timeout: 90_000 });
    expect(await notReloaded(page)).toBe(true);
    expect(await page.locator('.outcome-line').textContent()).toMatch(
      /rolled back\s+Unhealthy: step 1 of 2 \(20% of traffic\): 5xx rate of the new revision [\d.]+% > 2% in 2 of \d+ periods, failure limit 1; rolled back to /,
    );
    expect(await page.locator('.traffic-now').getAttribute('data-traffic')).toBe('0');
    expect(await page.locator('tr[data-traffic-step="1"]').getAttribute('data-state')).toBe('stopped');
    expect(await page.locator('tr[data-traffic-step="2"]').getAttribute('data-state')).toBe('not-reached');
    await page.locator('tr[data-step="finish"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('table.steps tbody th').allTextContents()).toEqual([
      'admit',
      'scan',
      'lease',
      'deploy',
      'traffic steps',
      'rollback',
      'record outcome',
    ]);
    await shot('11-canary-rolled-back');
  });

  it('promotes a paused canary from the dashboard and sees the workflow go on to deployed', async () => {
    // Serving now: a push of reviews (a canary that pauses), as `aws ecr put-image` sends it.
    endpoint = (await sandbox.line(/^\s*export SHIPWATCH_SANDBOX=(\S+)/))[1]!;
    const ecr = new ECRClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } });
    const manifest = JSON.parse(
      (await ecr.send(new BatchGetImageCommand({ repositoryName: 'reviews', imageIds: [{ imageTag: 'v1' }] }))).images![0]!.imageManifest!,
    );
    manifest.annotations = { [BEHAVIOUR_ANNOTATION]: '{"errorRate":0.2}' };
    await ecr.send(new PutImageCommand({ repositoryName: 'reviews', imageTag: 'v2', imageManifest: JSON.stringify(manifest) }));

    await page.goto(`${url.origin}/`);
    const waiting = page.locator('tr[data-service="reviews"] [data-in-flight] a');
    await waiting.waitFor({ timeout: 60_000 });
    await waiting.click();
    await mark(page);
    // Judged healthy at its first step, then paused for a person.
    await page.locator('.pause .waiting').waitFor({ timeout: 90_000 });
    expect(await page.locator('.pause').textContent()).toMatch(
      /Paused at step 1 of 2 \(20% of the traffic\), judged healthy\. Promote or abort asked of U0SANDBOXYOU, S0SANDBOXSRE; the pause aborts by itself at \d\d:\d\d:\d\dZ/,
    );
    expect(await page.locator('.traffic-now').getAttribute('data-traffic')).toBe('20');
    expect(await page.locator('tr[data-traffic-step="1"][data-state="judged"] td.reason').textContent()).toMatch(
      /5xx rate of the new revision worst [\d.]+%, > 2% in 0 of \d+ periods, failure limit 1/,
    );
    await shot('12-canary-paused');

    // Without the token, from the dashboard's own page: refused, nothing decided.
    const noToken = await page.evaluate(async () => {
      const r = await fetch('/actions/promote', {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: 'service=reviews&confirmed=1',
      });
      return { status: r.status, body: await r.json() };
    });
    expect(noToken).toEqual({ status: 403, body: { status: 'refused', message: 'Refused: the action did not carry the session token.' } });

    // Promote: the dialog says what follows; the answer says it shifts the rest of the traffic.
    await page.locator('form[action="/actions/promote"] button').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(
      /Promote reviews:v2\? The rest of the traffic shifts to it, then reviews is baked as a whole\.[\s\S]*you \(role sandbox-operator\)/,
    );
    await shot('13-promote-confirm');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect
      .poll(() => page.locator('#action-status').textContent(), { timeout: 30_000 })
      .toBe('Promoted by you (role sandbox-operator): shifting the rest of the traffic to the new release.');
    await page.locator('.pause .decision[data-decision="promoted"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('.pause .decision').textContent()).toMatch(/^promoted by you \(role sandbox-operator\) at \d\d:\d\d:\d\dZ$/);
    expect(await page.locator('form[action="/actions/promote"]').count()).toBe(0);

    // The workflow goes on: the rest of the traffic, the bake, deployed.
    await page.locator('.outcome-line [data-outcome="deployed"]').waitFor({ timeout: 120_000 });
    expect(await notReloaded(page)).toBe(true);
    expect(await page.locator('.traffic-now').textContent()).toBe('The new release gets all of the traffic: the release was promoted and deployed.');
    expect(await page.locator('table.traffic-steps tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')))).toEqual([
      'judged',
      'promoted',
    ]);
    expect(await page.locator('table.steps tbody th').allTextContents()).toEqual([
      'admit',
      'scan',
      'lease',
      'deploy',
      'traffic steps',
      'promotion',
      'traffic steps',
      'rollout',
      'bake',
      'record outcome',
    ]);
    // The bake's chart reads the new revision's own metric, as the bake did ({revision} = the image deployed).
    expect(await page.locator('figure[data-check="5xx rate of the new revision"] .verdict-text').textContent()).toMatch(
      /^5xx rate of the new revision worst [\d.]+%, > 2% in 0 of \d+ periods, failure limit 1$/,
    );
    await shot('14-canary-promoted-deployed');
  });
});
