import { describe, expect, it } from 'vitest';
import type { ApprovalView, DeploymentPage } from '../../cli/dashboard/data.js';
import { deploymentLive } from '../../cli/dashboard/render/pages.js';
import { trafficNow } from '../../cli/dashboard/render/progressive.js';
import { parseConfigText } from '../../shared/config/load.js';
import type { DeploymentRecord } from '../../shared/records/types.js';

// A progressive deployment's page: the traffic steps the record keeps (each
// judged step with its arithmetic, the share of the traffic now) and, at the
// pause, Promote and Abort, each a confirmed POST with the session token.

const service = parseConfigText(
  `
services:
  - name: search
    image: { repository: search, tags: ["v*"] }
    target: { eks: { cluster: shop, namespace: shop, deployment: search, container: web } }
    strategy: { type: canary, percent: 10, bakeMinutes: 5, pause: true }
    approval: { required: false, channel: C0DEPLOYS, approvers: [U0ALICE, S0SRE], timeoutMinutes: 30 }
    health: { alarms: [search-5xx], bakeMinutes: 10 }
`,
  'inline.yml',
).services[0]!;

const NOW = new Date('2026-11-02T10:50:00Z');
const DIGEST = 'sha256:9d1e5c3a7b2f48e6a0c4d8b1f3e5a7c9d2b4f6e8a0c2e4f6a8b0d2f4e6a8c0e2';
const SUMMARY = 'alarm search-5xx is OK; 5xx rate of the new revision worst 0.431%, > 2% in 0 of 5 periods, failure limit 1';
const judged = [{ step: 1, steps: 2, trafficPercent: 20, judgedAt: '2026-11-02T10:42:10.000Z', summary: SUMMARY }];
const paused: DeploymentRecord = {
  service: 'search',
  recordId: '20261102T103000Z-9d1e5c3a7b2f-1c0f9e2b',
  repository: 'search',
  tag: 'v2',
  digest: DIGEST,
  imageUri: `123456789012.dkr.ecr.us-east-1.amazonaws.com/search@${DIGEST}`,
  pushedAt: '2026-11-02T10:30:00.000Z',
  phase: 'awaiting_promotion',
  promotion: { approvalId: 'pause-1' },
  progress: {
    strategy: 'canary',
    position: { step: 1, steps: 2, trafficPercent: 20, detail: 'judged healthy', pauseId: 'step-1' },
    judged,
    detail: 'paused at step 1 of 2 (20% of traffic): judged healthy',
  },
  createdAt: '2026-11-02T10:30:00.000Z',
  updatedAt: '2026-11-02T10:42:10.000Z',
};
const promotion: ApprovalView = {
  approvalId: 'pause-1',
  service: 'search',
  recordId: paused.recordId,
  channel: 'C0DEPLOYS',
  approvers: ['U0ALICE', 'S0SRE'],
  allowSelfApproval: false,
  expiresAt: '2026-11-02T11:12:10.000Z',
  repository: 'search',
  tag: 'v2',
};
const page = (record: DeploymentRecord, over: Partial<DeploymentPage> = {}): DeploymentPage => ({
  now: NOW,
  service,
  record,
  rollbacks: [],
  promotion,
  isRunning: false,
  ...over,
});
const frame = { source: 'the sandbox', identity: 'arn:aws:sts::123456789012:assumed-role/sandbox-operator/you', token: 'session-token' };
const render = (p: DeploymentPage) => deploymentLive(frame, p).text;
const rows = (text: string) =>
  [...text.matchAll(/<tr data-traffic-step="(\d)" data-state="([\w-]+)"><th scope="row">([^<]+)<\/th><td>([^<]+)<\/td><td>([^<]+)<\/td>/g)].map((m) =>
    m.slice(1),
  );

describe('a progressive deployment on its page', () => {
  it('paused: the judged step with its arithmetic, 20% of the traffic now, and Promote and Abort, each confirmed, with the token', () => {
    const text = render(page(paused));

    expect(text).toContain('<p>canary: traffic 10% → 100%, each step judged over 5 min, pausing for promotion.</p>');
    expect(text).toContain('<p class="traffic-now" data-traffic="20">The new release gets <strong>20% of the traffic, at step 1 of 2</strong>.</p>');
    expect(rows(text)).toEqual([
      ['1', 'judged', '1 of 2', '20%', 'judged healthy'],
      ['2', 'pending', '2 of 2', '100% asked', 'to come'],
    ]);
    expect(text).toContain(`<td>10:42:10Z</td><td class="reason">${SUMMARY.replace('>', '&gt;')}</td>`);
    expect(text).toContain(
      'Paused at step 1 of 2 (20% of the traffic), judged healthy. Promote or abort asked of U0ALICE, S0SRE; the pause aborts by itself at 11:12:10Z (in 22m10s); the person who pushed may not decide.',
    );
    for (const [action, confirm] of [
      ['/actions/promote', 'Promote search:v2? The rest of the traffic shifts to it, then search is baked as a whole.'],
      ['/actions/abort', 'Abort search:v2? All traffic goes back to the previous revision and the release is rolled back.'],
    ]) {
      const form = new RegExp(
        `<form method="post" action="${action}" class="action" data-confirm="([^"]+)">\\s*<input type="hidden" name="token" value="session-token">\\s*<input type="hidden" name="service" value="search"><input type="hidden" name="recordId" value="${paused.recordId}"><input type="hidden" name="approvalId" value="pause-1">`,
      ).exec(text);
      expect(form?.[1]).toBe(confirm);
    }
  });

  it('promoted: no buttons, who promoted, the rest of the traffic shifting; then deployed: all of it', () => {
    const decision = { decision: 'approved' as const, by: 'arn:aws:sts::123456789012:assumed-role/sandbox-operator/you', at: '2026-11-02T10:45:00.000Z' };
    const progressing: DeploymentRecord = {
      ...paused,
      phase: 'progressing',
      progress: {
        strategy: 'canary',
        position: { step: 2, steps: 2, trafficPercent: 100, detail: 'rolling out' },
        judged,
        detail: 'step 2 of 2 (100% of traffic): rolling out',
        decision: { action: 'promote', by: decision.by, at: decision.at },
      },
    };
    const text = render(page(progressing, { promotion: { ...promotion, decision } }));
    // Done, the progress has no step under way: no position at all.
    const { position: _position, ...done } = progressing.progress!;
    const deployed = render(page({ ...progressing, phase: 'done', outcome: 'deployed', progress: done }, { promotion: { ...promotion, decision } }));

    expect(text).not.toContain('/actions/promote');
    expect(text).not.toContain('/actions/abort');
    expect(text).toContain('Paused at step 1 of 2 (20% of the traffic), judged healthy.');
    expect(text).toContain('<p class="decision" data-decision="promoted"><strong>promoted</strong> by you (role sandbox-operator) at 10:45:00Z</p>');
    expect(rows(text).map((r) => r.slice(1))).toEqual([
      ['judged', '1 of 2', '20%', 'judged healthy'],
      ['current', '2 of 2', '100%', 'under way'],
    ]);
    expect(deployed).toContain('data-traffic="100">The new release gets <strong>all of the traffic: the release was promoted and deployed</strong>');
    expect(rows(deployed).map((r) => r[1])).toEqual(['judged', 'promoted']);
  });

  it('aborted: none of the traffic, the step after the pause never reached, who aborted', () => {
    const decision = { decision: 'rejected' as const, by: 'U0ALICE', at: '2026-11-02T10:44:00.000Z' };
    const record: DeploymentRecord = {
      ...paused,
      phase: 'done',
      outcome: 'rolled_back',
      reason: 'Aborted: U0ALICE aborted the canary deployment at the pause (step-1)',
      progress: { ...paused.progress!, decision: { action: 'abort', by: 'U0ALICE', at: decision.at } },
    };
    const text = render(page(record, { promotion: { ...promotion, decision } }));

    expect(trafficNow(record)).toEqual({ percent: 0, text: 'none of the traffic: the deployment ended rolled back' });
    expect(text).toContain('<p class="decision" data-decision="aborted"><strong>aborted</strong> by Slack user U0ALICE at 10:44:00Z</p>');
    expect(rows(text).map((r) => [r[1], r[4]])).toEqual([
      ['judged', 'judged healthy'],
      ['not-reached', 'not reached'],
    ]);
    expect(text).not.toContain('/actions/promote');
  });

  it('unhealthy at its first step: that step says where it ended, with the verdict that ended it; the next one was never reached', () => {
    const detail = 'step 1 of 2 (20% of traffic), judging the new revision: 5xx rate of the new revision 9.1% > 2% in 2 of 3 periods';
    const reason = 'Unhealthy: step 1 of 2 (20% of traffic): 5xx rate of the new revision 9.88% > 2% in 2 of 2 periods, failure limit 1';
    // It never paused: no promotion on the record or on the page.
    const { promotion: _promotion, ...unpaused } = paused;
    const record: DeploymentRecord = {
      ...unpaused,
      phase: 'done',
      outcome: 'rolled_back',
      reason: `${reason}; rolled back to search@sha256:820e15b2ed4c`,
      progress: { strategy: 'canary', position: { step: 1, steps: 2, trafficPercent: 20, detail: '1 of 1 canary pods' }, judged: [], detail },
    };
    const { promotion: _pagePromotion, ...unpausedPage } = page(record);
    const text = render(unpausedPage);

    expect(rows(text).map((r) => [r[1], r[3], r[4]])).toEqual([
      ['stopped', '20%', 'ended rolled back at this step'],
      ['not-reached', '100% asked', 'not reached'],
    ]);
    expect(text).toContain(`<td></td><td class="reason">${reason.replace('>', '&gt;')}</td>`);
    expect(text).toContain('data-traffic="0"');
  });

  it('a pause nobody decided says it expired and aborted; a rolling service has no traffic steps at all', () => {
    const expired = render(page({ ...paused, phase: 'rolling_back' }, { promotion: { ...promotion, expiresAt: '2026-11-02T10:49:00.000Z' } }));
    // A rolling service: no progress and no promotion, on the record or on the page.
    const { progress: _progress, promotion: _promotion, ...rollingRecord } = paused;
    const { promotion: _pagePromotion, ...rollingPage } = page(rollingRecord, { service: { ...service, strategy: { type: 'rolling' } } });
    const rolling = render(rollingPage);

    expect(expired).toContain('<p class="decision" data-decision="expired"><strong>expired</strong>: nobody decided in time, so it aborted</p>');
    expect(expired).toContain('data-traffic="0">The new release gets <strong>none of the traffic: all of it goes back to the previous revision</strong>');
    expect(expired).not.toContain('/actions/promote');
    expect(rolling).not.toContain('Traffic steps');
    expect(rolling).not.toContain('id="pause-h"');
  });
});
