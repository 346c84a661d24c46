import { BatchGetImageCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { awsClients } from '../../cli/aws-clients.js';
import type { Reach } from '../../cli/context.js';
import { startDashboard, type Dashboard } from '../../cli/dashboard/start.js';
import type { SandboxInfo } from '../../cli/sandbox-link.js';
import { BEHAVIOUR_ANNOTATION } from '../../local/cloud/ecr-images.js';
import { dynamoApprovals } from '../../shared/records/approvals.js';
import { getRecord, history } from '../../shared/records/queries.js';
import { runSandbox } from '../../sandbox/sandbox.js';
import { firstLiveEvent, send } from '../support/dashboard-http.js';
import { until } from '../support/until.js';

// The dashboard over a running sandbox, driven over HTTP as a browser would
// drive it (the browser itself: test/browser/): who may reach it, and what
// an approval and a rollback through it do to the workflow and the records.

/** Keys the sandbox accepts like any others; they must never reach a page. */
const CREDENTIALS = { accessKeyId: 'AKIADASHBOARDTEST01', secretAccessKey: 'dashboard/secret/never+in+a+page' };
const OPERATOR = 'arn:aws:sts::123456789012:assumed-role/sandbox-operator/you';

/** What `shipwatch dashboard` reaches for a sandbox, with the test's own keys. */
const reachOf = (info: SandboxInfo): Reach => {
  const clients = awsClients({ region: info.region, endpoint: info.endpoint, credentials: CREDENTIALS });
  const stack = {
    records: { db: clients.dynamo(), table: info.table },
    sfn: clients.sfn(),
    stateMachineArn: info.stateMachineArn,
    source: `the sandbox at ${info.endpoint}`,
  };
  return { clients, configFile: info.config, label: stack.source, slack: { tokenParameter: '/shipwatch/slack-bot-token' }, stack: async () => stack };
};

describe('the dashboard over the sandbox (HTTP)', () => {
  it('lets in only its own session and page, and approves and rolls back as the operator, through the workflow', async () => {
    const stop = new AbortController();
    let dashboard: Dashboard | undefined;
    let info: SandboxInfo | undefined;
    const seen: string[] = [];
    const lines: string[] = [];

    const person = (async () => {
      const d = await until(async () => dashboard, 'the dashboard');
      const port = d.port;
      const host = `127.0.0.1:${port}`;
      const origin = `http://${host}`;
      const keep = <T extends { body: string }>(a: T) => {
        seen.push(a.body);
        return a;
      };

      // Signing in: the printed URL's token becomes a cookie and leaves the address bar.
      const noSession = keep(await send(port, { headers: { host } }));
      const wrongToken = keep(await send(port, { path: '/?token=not-the-token', headers: { host } }));
      const signIn = await send(port, { path: `/?token=${d.token}`, headers: { host } });
      const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
      const first = keep(await send(port, { headers: { host, cookie } }));
      // DNS rebinding: the same request addressed to another host name.
      const rebound = keep(await send(port, { headers: { host: `evil.example:${port}`, cookie } }));

      // Once the scenario has played and the sandbox serves: a push that needs approval, as `aws ecr put-image` sends it.
      await until(async () => lines.find((l) => l.includes('The sandbox stays up')), 'the sandbox to serve');
      const overview = keep(await send(port, { headers: { host, cookie } }));
      const aws = { endpoint: info!.endpoint, region: 'us-east-1', credentials: CREDENTIALS };
      const ecr = new ECRClient(aws);
      const manifest = JSON.parse(
        (await ecr.send(new BatchGetImageCommand({ repositoryName: 'payments', imageIds: [{ imageTag: 'release-1' }] }))).images![0]!.imageManifest!,
      );
      manifest.annotations = { [BEHAVIOUR_ANNOTATION]: '{"errorRate":0.2}' };
      await ecr.send(new PutImageCommand({ repositoryName: 'payments', imageTag: 'release-4.2', imageManifest: JSON.stringify(manifest) }));
      const records = { db: awsClients(aws).dynamo(), table: info!.table };
      const waiting = await until(
        async () => (await history(records, 'payments', 1)).find((r) => r.tag === 'release-4.2' && r.phase === 'awaiting_approval' && r.approval?.approvalId),
        'the approval request',
      );
      const taskToken = (await dynamoApprovals(records).get(waiting.approval!.approvalId))!.taskToken;
      const page = `/services/payments/deployments/${waiting.recordId}`;
      const deploymentPage = keep(await send(port, { path: page, headers: { host, cookie } }));
      const live = await firstLiveEvent(port, { host, cookie }, page);
      seen.push(live.data);

      const form = (fields: Record<string, string>) =>
        new URLSearchParams({
          service: 'payments',
          recordId: waiting.recordId,
          approvalId: waiting.approval!.approvalId,
          confirmed: '1',
          ...fields,
        }).toString();
      const post = async (path: string, headers: Record<string, string>, body: string) =>
        keep(
          await send(port, {
            method: 'POST',
            path,
            headers: { host, cookie, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', ...headers },
            body,
          }),
        );
      // CSRF: another site in the same browser gets the cookie sent along, but neither its Origin nor the token.
      const otherOrigin = await post('/actions/approve', { origin: 'http://127.0.0.1:9' }, form({ token: d.token }));
      const noToken = await post('/actions/approve', { origin }, form({}));
      const approved = await post('/actions/approve', { origin }, form({ token: d.token }));
      const late = await post('/actions/reject', { origin }, form({ token: d.token }));
      const deployed = await until(async () => {
        const r = await getRecord(records, 'payments', waiting.recordId);
        return r?.outcome ? r : undefined;
      }, 'the approved push to end');
      const decision = (await dynamoApprovals(records).get(waiting.approval!.approvalId))?.decision;

      // A rollback of what now runs, started from the dashboard.
      const rollback = await post('/actions/rollback', { origin }, new URLSearchParams({ service: 'payments', token: d.token, confirmed: '1' }).toString());
      const rolledBack = await until(async () => {
        const r = await getRecord(records, 'payments', waiting.recordId);
        return r?.outcome === 'rolled_back' ? r : undefined;
      }, 'the rollback to end');
      const afterwards = keep(await send(port, { path: page, headers: { host, cookie } }));

      // Another push, rejected in the dashboard: it ends rejected, by the operator.
      await ecr.send(
        new PutImageCommand({
          repositoryName: 'payments',
          imageTag: 'release-4.3',
          imageManifest: JSON.stringify({ ...manifest, annotations: { [BEHAVIOUR_ANNOTATION]: '{"errorRate":0.3}' } }),
        }),
      );
      const next = await until(
        async () => (await history(records, 'payments', 1)).find((r) => r.tag === 'release-4.3' && r.phase === 'awaiting_approval' && r.approval?.approvalId),
        'the second approval request',
      );
      const reject = await post(
        '/actions/reject',
        { origin },
        new URLSearchParams({ service: 'payments', recordId: next.recordId, approvalId: next.approval!.approvalId, token: d.token, confirmed: '1' }).toString(),
      );
      const rejected = await until(async () => {
        const r = await getRecord(records, 'payments', next.recordId);
        return r?.outcome ? r : undefined;
      }, 'the rejected push to end');
      return {
        reject,
        rejected,
        noSession,
        wrongToken,
        signIn,
        first,
        overview,
        rebound,
        deploymentPage,
        live,
        otherOrigin,
        noToken,
        approved,
        late,
        deployed,
        decision,
        rollback,
        rolledBack,
        afterwards,
        taskToken,
      };
    })().finally(() => stop.abort());

    const run = await runSandbox({
      scenario: 'critical-finding',
      speed: Infinity,
      serve: stop.signal,
      serveSpeed: 600,
      print: (line) => lines.push(line),
      dashboard: async (i) => {
        info = i;
        dashboard = await startDashboard(reachOf(i), { tickMs: 50 });
        return dashboard;
      },
    });
    const s = await person;

    expect(run.rows.map((r) => r.outcome)).toEqual(['blocked']);
    // Who may reach it.
    expect(s.noSession.status).toBe(401);
    expect(s.wrongToken.status).toBe(401);
    expect(s.signIn.status).toBe(303);
    expect(s.signIn.headers.location).toBe('/');
    expect(String(s.signIn.headers['set-cookie'])).toMatch(/^shipwatch_dashboard_\d+=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    // The first page opened starts the scenarios; once served, the overview shows what they did.
    expect(s.first.status).toBe(200);
    expect(lines.findIndex((l) => l.startsWith('Dashboard: http://127.0.0.1:'))).toBeLessThan(lines.findIndex((l) => l.startsWith('▶ critical-finding')));
    expect(s.overview.status).toBe(200);
    expect(s.overview.headers['content-security-policy']).toContain("script-src 'self'");
    expect(s.overview.headers['x-frame-options']).toBe('DENY');
    expect(s.overview.body).toContain(`title="${OPERATOR}">acting as you (role sandbox-operator)`);
    expect(s.overview.body).toMatch(/<tr data-service="checkout">[\s\S]*data-outcome="blocked"/);
    expect(s.rebound.status).toBe(403);
    // The deployment page while it waits, and the same over server-sent events.
    expect(s.deploymentPage.body).toContain('Waiting for a decision.');
    expect(s.deploymentPage.body).toContain('action="/actions/approve"');
    expect(s.live.status).toBe(200);
    expect(s.live.contentType).toMatch(/^text\/event-stream/);
    expect(s.live.data).toContain('Waiting for a decision.');
    // Refused: another origin, no token. Then the operator approves, and a late reject says it is too late.
    expect([s.otherOrigin.status, JSON.parse(s.otherOrigin.body)]).toEqual([
      403,
      { status: 'refused', message: expect.stringMatching(/another origin \(http:\/\/127\.0\.0\.1:9\)/) },
    ]);
    expect([s.noToken.status, JSON.parse(s.noToken.body)]).toEqual([
      403,
      { status: 'refused', message: 'Refused: the action did not carry the session token.' },
    ]);
    expect([s.approved.status, JSON.parse(s.approved.body)]).toEqual([
      200,
      { status: 'done', message: 'Approved by you (role sandbox-operator): the deployment goes on.' },
    ]);
    expect([s.late.status, JSON.parse(s.late.body).status]).toEqual([409, 'gone']);
    expect(JSON.parse(s.late.body).message).toMatch(/^Already approved by you \(role sandbox-operator\) at \S+: nothing was changed\.$/);
    // The workflow went on, and the records keep who decided.
    expect(s.decision).toMatchObject({ decision: 'approved', by: OPERATOR });
    expect(s.deployed.outcome).toBe('deployed');
    expect(s.deployed.result?.approval).toMatchObject({ decision: 'approved', by: OPERATOR });
    expect([s.rollback.status, JSON.parse(s.rollback.body).message]).toEqual([
      200,
      expect.stringMatching(/^Rolling payments back from payments:\d+ to payments:\d+ \(execution payments-rollback-\d+\)\.$/),
    ]);
    expect(s.rolledBack.reason).toMatch(
      new RegExp(`^rolled back by ${OPERATOR.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} with the Shipwatch dashboard; rolled back to arn:aws:ecs:`),
    );
    expect(s.afterwards.body).toContain('data-outcome="rolled_back"');
    expect([s.reject.status, JSON.parse(s.reject.body).message]).toEqual([
      200,
      'Rejected by you (role sandbox-operator): the push ends rejected, nothing changes.',
    ]);
    expect(s.rejected.outcome).toBe('rejected');
    expect(s.rejected.reason).toMatch(/^rejected by arn:aws:sts::123456789012:assumed-role\/sandbox-operator\/you at 2026-\S+Z$/);
    // Never to the page: the AWS keys, or the approval's task token (a capability).
    expect(s.taskToken).toMatch(/^payments-/);
    expect(seen.length).toBeGreaterThan(10);
    for (const body of seen) {
      expect(body).not.toContain(CREDENTIALS.secretAccessKey);
      expect(body).not.toContain(CREDENTIALS.accessKeyId);
      expect(body).not.toContain(s.taskToken);
    }
  }, 900_000);
});
