import { describe, expect, it } from 'vitest';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID, SLACK_LIMITS } from '../../shared/slack/constants.js';
import {
  DEPLOYMENT_PHASES,
  deploymentMessage,
  truncate,
  type ActionsBlock,
  type ButtonElement,
  type DeploymentView,
  type MessageBlock,
  type SlackMessage,
} from '../../shared/slack/messages.js';
import { CHECKOUT_AWAITING_APPROVAL } from '../support/slack.js';

const APPROVAL_ID = '3f1c2a7e-5b8d-4c1e-9a0f-2d6b8e4f7a13';

const view = (overrides: Partial<DeploymentView> = {}): DeploymentView => ({
  ...CHECKOUT_AWAITING_APPROVAL,
  scanSummary: 'no findings at or above CRITICAL (HIGH 2, MEDIUM 7)',
  change: { from: 'checkout:41 (…/checkout:v1.3.9)', to: 'checkout:42 (…/checkout@sha256:7f5b…)' },
  approval: { approvalId: APPROVAL_ID, approvers: ['U024BE7LH', 'S0614TZR7'], expiresAt: '2026-05-10T12:30:00.000Z' },
  ...overrides,
});

const findings = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `CVE-2026-${String(10000 + i)}`,
    severity: i % 3 === 0 ? 'CRITICAL' : 'HIGH',
    package: `libexample${i} 1.${i}.0`,
  }));

const actionsOf = (m: SlackMessage): ActionsBlock[] => m.blocks.filter((b): b is ActionsBlock => b.type === 'actions');
const buttonsOf = (m: SlackMessage): ButtonElement[] => actionsOf(m).flatMap((b) => b.elements);
/** Every mrkdwn/plain text in the message, for content and limit checks. */
function textsOf(blocks: MessageBlock[]): { where: string; text: string; max: number }[] {
  const out: { where: string; text: string; max: number }[] = [];
  for (const b of blocks) {
    if (b.type === 'header') out.push({ where: 'header', text: b.text.text, max: SLACK_LIMITS.headerText });
    if (b.type === 'section') {
      if (b.text) out.push({ where: 'section', text: b.text.text, max: SLACK_LIMITS.sectionText });
      for (const f of b.fields ?? []) out.push({ where: 'field', text: f.text, max: SLACK_LIMITS.fieldText });
    }
    if (b.type === 'context') for (const e of b.elements) out.push({ where: 'context', text: e.text, max: SLACK_LIMITS.contextText });
    if (b.type === 'actions') {
      for (const e of b.elements) {
        out.push({ where: 'button', text: e.text.text, max: SLACK_LIMITS.buttonText });
        out.push({ where: 'confirm.title', text: e.confirm.title.text, max: SLACK_LIMITS.confirmTitle });
        out.push({ where: 'confirm.text', text: e.confirm.text.text, max: SLACK_LIMITS.confirmText });
        out.push({ where: 'confirm.confirm', text: e.confirm.confirm.text, max: SLACK_LIMITS.confirmButton });
        out.push({ where: 'confirm.deny', text: e.confirm.deny.text, max: SLACK_LIMITS.confirmButton });
      }
    }
  }
  return out;
}
const allText = (m: SlackMessage) =>
  textsOf(m.blocks)
    .map((t) => t.text)
    .join('\n');

function expectWithinLimits(m: SlackMessage): void {
  expect(m.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  expect(m.text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
  expect(m.text.length).toBeGreaterThan(0);
  for (const t of textsOf(m.blocks)) {
    expect(t.text.length, `${t.where} text over its limit`).toBeLessThanOrEqual(t.max);
    expect(t.text.length, `${t.where} text empty`).toBeGreaterThan(0);
  }
  for (const b of m.blocks) {
    if (b.type === 'section') expect((b.fields ?? []).length).toBeLessThanOrEqual(SLACK_LIMITS.sectionFields);
    if (b.type === 'context') expect(b.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
  }
  for (const button of buttonsOf(m)) expect(button.value.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
}

describe('deploymentMessage: awaiting approval', () => {
  it('shows service, repository, tag, digest, scan summary and what will change', () => {
    // Act
    const message = deploymentMessage(view());

    // Assess
    const text = allText(message);
    expect(text).toContain('checkout');
    expect(text).toContain('*Repository*\ncheckout');
    expect(text).toContain('*Tag*\nv1.4.0');
    expect(text).toContain('sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234abcd');
    expect(text).toContain('no findings at or above CRITICAL (HIGH 2, MEDIUM 7)');
    expect(text).toContain('*What will change:*\n`checkout:41 (…/checkout:v1.3.9)` → `checkout:42 (…/checkout@sha256:7f5b…)`');
    expect(text).toContain('Approvers: <@U024BE7LH>, <!subteam^S0614TZR7>');
    expect(text).toContain('<!date^1778416200^{date_short_pretty} at {time}|2026-05-10T12:30:00.000Z>');
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: ':raised_hand: checkout: awaiting approval', emoji: true } });
    expect(message.text).toBe('checkout: awaiting approval (checkout:v1.4.0)');
  });

  it('has exactly an Approve and a Reject button whose value is the approval id and nothing else', () => {
    // Act
    const buttons = buttonsOf(deploymentMessage(view()));

    // Assess
    expect(buttons.map((b) => [b.action_id, b.value, b.style])).toEqual([
      [APPROVE_ACTION_ID, APPROVAL_ID, 'primary'],
      [REJECT_ACTION_ID, APPROVAL_ID, 'danger'],
    ]);
    expect(APPROVE_ACTION_ID).toBe('shipwatch_approve');
    expect(REJECT_ACTION_ID).toBe('shipwatch_reject');
  });

  it('asks for confirmation on both buttons', () => {
    // Act
    const [approve, reject] = buttonsOf(deploymentMessage(view()));

    // Assess
    expect(approve!.confirm).toEqual({
      title: { type: 'plain_text', text: 'Approve this deployment?', emoji: true },
      text: { type: 'mrkdwn', text: 'Deploy *checkout* ← `checkout:v1.4.0` now?' },
      confirm: { type: 'plain_text', text: 'Approve', emoji: true },
      deny: { type: 'plain_text', text: 'Cancel', emoji: true },
      style: 'primary',
    });
    expect(reject!.confirm.title.text).toBe('Reject this deployment?');
    expect(reject!.confirm.confirm.text).toBe('Reject');
    expect(reject!.confirm.style).toBe('danger');
  });

  it('offers Promote and Abort at a pause, on the same action ids, with what each does in its confirmation', () => {
    // Act
    const message = deploymentMessage(view({ phase: 'awaiting_promotion', promotion: true, health: 'paused at step 1 of 2 (10% of traffic)' }));
    const [promote, abort] = buttonsOf(message);

    // Assess
    expect([promote!.action_id, promote!.text.text, promote!.value, promote!.style]).toEqual([APPROVE_ACTION_ID, 'Promote', APPROVAL_ID, 'primary']);
    expect([abort!.action_id, abort!.text.text, abort!.value, abort!.style]).toEqual([REJECT_ACTION_ID, 'Abort', APPROVAL_ID, 'danger']);
    expect(promote!.confirm.text.text).toBe('Shift the rest of the traffic to *checkout* ← `checkout:v1.4.0`?');
    expect(abort!.confirm.text.text).toContain('All traffic goes back to the previous revision');
    expect(allText(message)).toContain('*Paused:*');
    expectWithinLimits(message);
  });

  it('says Promoted and Aborted, not Approved and Rejected, once a pause is decided', () => {
    const decided = (decision: 'approved' | 'rejected') =>
      allText(deploymentMessage(view({ phase: 'progressing', promotion: true, decision: { decision, by: 'U2', at: '2026-05-10T12:10:00Z' } })));
    expect(decided('approved')).toContain(':white_check_mark: Promoted by <@U2>');
    expect(decided('rejected')).toContain(':x: Aborted by <@U2>');
  });

  it('names a push by digest by its short digest', () => {
    const message = deploymentMessage(view({ tag: undefined }));
    expect(allText(message)).toContain('*Tag*\n_none (pushed by digest)_');
    expect(buttonsOf(message)[0]!.confirm.text.text).toContain('`checkout@sha256:7f5b2640fe6f`');
  });

  it('shows no buttons when there is no approval to decide (rather than buttons that approve nothing)', () => {
    expect(buttonsOf(deploymentMessage(view({ approval: undefined })))).toEqual([]);
    expect(buttonsOf(deploymentMessage(view({ approval: { approvalId: 'x'.repeat(2001), approvers: [], expiresAt: '2026-05-10T12:30:00Z' } })))).toEqual([]);
  });

  it('keeps a 2000-character approval id intact (the button value limit)', () => {
    const id = 'a'.repeat(2000);
    expect(
      buttonsOf(deploymentMessage(view({ approval: { approvalId: id, approvers: ['U1'], expiresAt: '2026-05-10T12:30:00Z' } }))).map((b) => b.value),
    ).toEqual([id, id]);
  });
});

describe('deploymentMessage: every phase', () => {
  it.each(DEPLOYMENT_PHASES.filter((p) => p !== 'awaiting_approval' && p !== 'awaiting_promotion'))(
    '%s has no buttons, even with an approval attached',
    (phase) => {
      // Act
      const message = deploymentMessage(view({ phase, reason: 'a reason' }));

      // Assess
      expect(actionsOf(message)).toEqual([]);
      expect(JSON.stringify(message)).not.toContain(APPROVAL_ID);
      expectWithinLimits(message);
    },
  );

  it.each(DEPLOYMENT_PHASES)('%s starts with a header naming the service and the phase', (phase) => {
    const header = deploymentMessage(view({ phase })).blocks[0];
    expect(header?.type).toBe('header');
    expect(header?.type === 'header' && header.text.text).toMatch(/^:\w+: checkout: /);
  });

  it('rollback_failed is impossible to miss: siren header, @here in the message and in the notification', () => {
    // Act
    const message = deploymentMessage(
      view({ phase: 'rollback_failed', approval: undefined, reason: 'RolloutFailed: circuit breaker; ROLLBACK TO checkout:41 FAILED: service not stable' }),
    );

    // Assess
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: ':rotating_light: checkout: ROLLBACK FAILED', emoji: true } });
    expect(message.blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: ':rotating_light: <!here> *ROLLBACK FAILED: checkout needs a person now.* :rotating_light:' },
    });
    expect(allText(message)).toContain('*What happened:* RolloutFailed: circuit breaker; ROLLBACK TO checkout:41 FAILED: service not stable');
    expect(message.text).toBe(
      '<!here> ROLLBACK FAILED on checkout (checkout:v1.4.0): it needs a person now. RolloutFailed: circuit breaker; ROLLBACK TO checkout:41 FAILED: service not stable',
    );
  });

  it('shows the decision once decided, with who and when', () => {
    // Act
    const approved = deploymentMessage(view({ phase: 'deploying', decision: { decision: 'approved', by: 'U024BE7LH', at: '2026-05-10T12:05:00.000Z' } }));
    const rejected = deploymentMessage(view({ phase: 'rejected', decision: { decision: 'rejected', by: 'W0123ABCD', at: '2026-05-10T12:06:00.000Z' } }));
    const expired = deploymentMessage(view({ phase: 'expired', decision: { decision: 'expired', at: '2026-05-10T12:30:00.000Z' } }));

    // Assess
    expect(allText(approved)).toContain(
      ':white_check_mark: Approved by <@U024BE7LH> <!date^1778414700^{date_short_pretty} at {time}|2026-05-10T12:05:00.000Z>',
    );
    expect(allText(rejected)).toContain(':x: Rejected by <@W0123ABCD>');
    expect(allText(expired)).toContain(':alarm_clock: Approval expired <!date^1778416200^');
    for (const m of [approved, rejected, expired]) expect(buttonsOf(m)).toEqual([]);
  });

  it('shows the live health verdict while baking', () => {
    const message = deploymentMessage(view({ phase: 'baking', health: '5xx rate 0.4% <= 2% in 3 of 3 periods, failure limit 1' }));
    expect(allText(message)).toContain('*Health:* 5xx rate 0.4% &lt;= 2% in 3 of 3 periods, failure limit 1');
  });

  it('escapes Slack control characters in text it did not write', () => {
    // Act
    const message = deploymentMessage(view({ phase: 'rolled_back', reason: '5xx rate 7.79% > 2% <!channel> & <@U999>', tag: 'v<1>' }));

    // Assess
    const text = allText(message);
    expect(text).toContain('5xx rate 7.79% &gt; 2% &lt;!channel&gt; &amp; &lt;@U999&gt;');
    expect(text).toContain('*Tag*\nv&lt;1&gt;');
    expect(message.text).not.toContain('<!channel>');
    expect(message.text).not.toContain('<@U999>');
  });
});

describe('deploymentMessage: limits', () => {
  it('lists 500 findings as a bounded section with a count of the rest', () => {
    // Act
    const message = deploymentMessage(view({ phase: 'blocked', approval: undefined, findings: findings(500), reason: 'CRITICAL findings' }));

    // Assess
    expectWithinLimits(message);
    const list = textsOf(message.blocks).find((t) => t.text.startsWith('*Findings (500):*'))!;
    expect(list.text).toContain('• *CRITICAL* CVE-2026-10000 (libexample0 1.0.0)');
    expect(list.text).toMatch(/…and 480 more$/);
    expect(list.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
  });

  it('stays within every limit when every field is enormous', () => {
    // Prepare
    const huge = 'x'.repeat(10_000);
    const hugeFindings = Array.from({ length: 500 }, (_, i) => ({ id: `${huge}${i}`, severity: 'CRITICAL', package: huge }));

    // Act + Assess
    for (const phase of DEPLOYMENT_PHASES) {
      const message = deploymentMessage(
        view({
          phase,
          service: huge,
          repository: huge,
          tag: huge,
          digest: huge,
          imageUri: huge,
          reason: '<&>'.repeat(5000),
          scanSummary: huge,
          health: huge,
          change: { from: huge, to: huge },
          findings: hugeFindings,
          approval: {
            approvalId: APPROVAL_ID,
            approvers: Array.from({ length: 200 }, (_, i) => `U${String(i).padStart(8, '0')}`),
            expiresAt: '2026-05-10T12:30:00Z',
          },
          decision: { decision: 'approved', by: 'U024BE7LH', at: '2026-05-10T12:05:00Z' },
        }),
      );
      expectWithinLimits(message);
      if (phase === 'awaiting_approval') expect(buttonsOf(message).map((b) => b.value)).toEqual([APPROVAL_ID, APPROVAL_ID]);
    }
  });

  it('truncates without leaving half an escape or half a surrogate pair', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('ab&amp;cd', 5)).toBe('ab…');
    expect(truncate('a😀b', 3)).toBe('a…');
  });
});
