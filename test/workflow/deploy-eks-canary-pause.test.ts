import { describe, expect, it } from 'vitest';
import { recordsDb } from '../../shared/aws/dynamodb.js';
import { dynamoApprovals } from '../../shared/records/approvals.js';
import { history } from '../../shared/records/queries.js';
import { usePausedCanary } from '../support/paused-canary.js';
import { useLocalDynamo } from '../support/records.js';
import { useKubeApiServer } from '../support/world-fixture.js';

// A paused EKS canary through the real state machine, every Task the real
// handler, in virtual time: search-canary is judged healthy at its first
// step, then the workflow waits (RequestPromotion) until an approver clicks
// Promote or Abort in Slack (a signed click to the real interaction handler),
// or until the approval timeout, which aborts. What the records table keeps
// is asserted, not only the execution's result.

useLocalDynamo();
useKubeApiServer();
const { given, promotionRequest, clickWhenPaused, slack } = usePausedCanary();

describe('a paused EKS canary, decided in Slack', () => {
  it('Promote: judged at its first step, paused, promoted by a person, the rest of the traffic shifted; the records keep who promoted and the judged step', async () => {
    // Prepare
    const env = await given();
    const seen = clickWhenPaused(env, 6, 'approve', 'U0ALICE');

    // Act
    const pushed = await env.push('v2');
    await env.settle();

    // Assess: the execution
    const [execution] = env.sfn.executions.values();
    const result = execution!.run!.result;
    expect(seen.answer?.statusCode).toBe(200);
    expect(result.outcome).toBe('deployed');
    expect(result.steps.map((s) => s.step)).toEqual(['scan', 'deploy', 'progress', 'rollout', 'bake']);
    expect(result.progress).toMatchObject({ strategy: 'canary', promotedBy: 'U0ALICE', judged: [{ step: 1, steps: 2, trafficPercent: 20 }] });
    // The canary served at its share while it waited; search changed only after the click.
    expect(seen.canaryPods).toBe(1);
    const promoted = env.kubernetes.requests.find((r) => r.method === 'PATCH' && r.path.endsWith('/deployments/search'));
    expect(promoted).toBeDefined();
    expect(env.image()).toBe(pushed);
    expect(env.canary()).toBeUndefined();

    // Assess: the records table
    const [record] = await history(env.records, 'search');
    expect(record).toMatchObject({ outcome: 'deployed', phase: 'done' });
    expect(record!.promotion?.approvalId).toBe(promotionRequest().approvalId);
    expect(record!.progress).toMatchObject({
      strategy: 'canary',
      decision: { action: 'promote', by: 'U0ALICE', at: new Date(seen.clickedAt!).toISOString() },
      judged: [
        {
          step: 1,
          steps: 2,
          trafficPercent: 20,
          summary: expect.stringMatching(/^alarm search-5xx is OK; 5xx rate of the new revision worst \d+(\.\d+)?%, > 2% in 0 of \d+ periods, failure limit 1/),
        },
      ],
    });
    expect(record!.result?.progress).toMatchObject({ promotedBy: 'U0ALICE' });
    const phases = record!.phaseLog!.map((p) => p.phase);
    expect(phases.slice(phases.indexOf('awaiting_promotion'))).toEqual(['awaiting_promotion', 'progressing', 'baking']);
    const stored = await dynamoApprovals(recordsDb()).get(record!.promotion!.approvalId);
    expect(stored?.decision).toEqual({ decision: 'approved', by: 'U0ALICE', at: new Date(seen.clickedAt!).toISOString() });

    // Assess: Slack asked for a promotion, then showed who promoted
    expect(promotionRequest().text).toMatch(/paused/i);
    const updates = slack()
      .callsTo('chat.update')
      .map((c) => JSON.stringify(c.body.blocks));
    expect(updates.some((b) => b.includes('Promoted by <@U0ALICE>'))).toBe(true);
  });

  it('Abort: an approver group member aborts at the pause; the canary is deleted, search never changed, rolled_back naming who aborted', async () => {
    // Prepare
    const env = await given();
    const seen = clickWhenPaused(env, 3, 'reject', 'U0GROUPIE');

    // Act
    await env.push('v2');
    await env.settle();

    // Assess
    const [execution] = env.sfn.executions.values();
    const result = execution!.run!.result;
    expect(seen.answer?.statusCode).toBe(200);
    expect(result.outcome).toBe('rolled_back');
    expect(result.reason).toMatch(
      /^Aborted: U0GROUPIE aborted the canary deployment at the pause \(step-1\); all traffic goes back to \S+search@sha256:[a-f0-9]{64}; rolled back to \S+search@sha256:[a-f0-9]{64}( \(rollback already under way, adopted\))?$/,
    );
    expect(env.canary()).toBeUndefined();
    expect(env.image()).toBe(env.initialImage);
    expect(env.kubernetes.deployment('shop', 'search')!.metadata.generation).toBe(1);
    expect(env.kubernetes.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([
      '/apis/apps/v1/namespaces/shop/deployments/search-canary',
    ]);

    const [record] = await history(env.records, 'search');
    expect(record).toMatchObject({ outcome: 'rolled_back', reason: result.reason });
    expect(record!.progress).toMatchObject({
      decision: { action: 'abort', by: 'U0GROUPIE', at: new Date(seen.clickedAt!).toISOString() },
      judged: [{ step: 1, trafficPercent: 20 }],
    });
    expect(record!.result?.progress?.promotedBy).toBeUndefined();
    expect(record!.phaseLog!.map((p) => p.phase)).toContain('rolling_back');
    const updates = slack()
      .callsTo('chat.update')
      .map((c) => JSON.stringify(c.body.blocks));
    expect(updates.some((b) => b.includes('Aborted by <@U0GROUPIE>'))).toBe(true);
  });

  it('nobody decides before the approval timeout: aborted by the timeout, the canary deleted, rolled_back', async () => {
    // Prepare
    const env = await given(20);
    let pausedAt = 0;
    env.on((e) => {
      if (e.state === 'RequestPromotion' && e.type === 'entered') pausedAt = env.clock.now();
    });

    // Act
    await env.push('v2');
    await env.settle();

    // Assess
    const [execution] = env.sfn.executions.values();
    const result = execution!.run!.result;
    expect(result.outcome).toBe('rolled_back');
    expect(result.reason).toMatch(
      /^Aborted: nobody \(the pause expired after 20 minutes\) aborted the canary deployment at the pause \(step-1\); all traffic goes back to /,
    );
    expect(Date.parse(result.finishedAt) - pausedAt).toBeGreaterThanOrEqual(20 * 60_000);
    expect(env.canary()).toBeUndefined();
    expect(env.image()).toBe(env.initialImage);

    const [record] = await history(env.records, 'search');
    expect(record).toMatchObject({ outcome: 'rolled_back' });
    expect(record!.progress?.decision).toMatchObject({ action: 'abort', by: 'nobody (the pause expired after 20 minutes)' });
    const stored = await dynamoApprovals(recordsDb()).get(record!.promotion!.approvalId);
    expect(stored?.decision).toBeUndefined();
  });

  it("a promotion late in a long pause is not counted against the progress limit: the time at the pause is the approval's", async () => {
    // Prepare: a 60-minute pause, promoted after 50; the traffic steps' own limit is 2 × 15 + 2 × 5 = 40 minutes.
    const env = await given(60);
    const seen = clickWhenPaused(env, 50, 'approve', 'U0ALICE');

    // Act
    const pushed = await env.push('v2');
    await env.settle();

    // Assess
    const [execution] = env.sfn.executions.values();
    expect(seen.answer?.statusCode).toBe(200);
    expect(execution!.run!.result).toMatchObject({ outcome: 'deployed', progress: { promotedBy: 'U0ALICE' } });
    expect(env.image()).toBe(pushed);
  });
});
