import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { closedApproval, deliverDecision } from '../../shared/approvals/decide.js';
import type { Approval } from '../../shared/slack/interaction.js';
import { InMemoryApprovalStore } from '../support/slack-approval-store.js';

// The decision Slack clicks and the dashboard share: when an approval can no
// longer be decided, and what deciding sends to the waiting execution.

const sfn = mockClient(SFNClient);
afterEach(() => sfn.reset());

const NOW = new Date('2026-11-02T10:00:00Z');
const approval = (overrides: Partial<Approval> = {}): Approval => ({
  approvalId: 'a1',
  taskToken: 'token-of-the-waiting-state',
  service: 'payments',
  recordId: '20261102T095000Z-e514fd5a9add',
  channel: 'C0DEPLOYS',
  approvers: ['U0ALICE'],
  allowSelfApproval: false,
  expiresAt: '2026-11-02T10:30:00Z',
  view: { service: 'payments', repository: 'payments', digest: 'sha256:e514', phase: 'awaiting_approval' } as unknown as Approval['view'],
  ...overrides,
});
const OPERATOR = 'arn:aws:iam::123456789012:user/alice';

describe('closedApproval', () => {
  it('is open until decided or expired; unknown is closed', () => {
    expect(closedApproval(approval(), NOW)).toBeUndefined();
    expect(closedApproval(undefined, NOW)).toEqual({ why: 'unknown' });
    const decision = { decision: 'approved' as const, by: 'U0ALICE', at: '2026-11-02T09:58:00Z' };
    expect(closedApproval(approval({ decision }), NOW)).toEqual({ why: 'decided', decision });
    expect(closedApproval(approval({ expiresAt: '2026-11-02T10:00:00Z' }), NOW)).toEqual({ why: 'expired', expiresAt: '2026-11-02T10:00:00Z' });
    expect(closedApproval(approval({ expiresAt: 'not a date' }), NOW)).toEqual({ why: 'expired', expiresAt: 'not a date' });
  });
});

describe('deliverDecision', () => {
  it('approved: recorded once, then SendTaskSuccess with the stored token and who and when as output', async () => {
    const approvals = new InMemoryApprovalStore([approval()]);
    sfn.on(SendTaskSuccessCommand).resolves({});
    const decision = { decision: 'approved' as const, by: OPERATOR, at: NOW.toISOString() };

    const delivery = await deliverDecision({ approvals, sfn: new SFNClient({}) }, approval(), decision);

    expect(delivery).toEqual({ delivered: true });
    expect((await approvals.get('a1'))?.decision).toEqual(decision);
    expect(sfn.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input)).toEqual([
      { taskToken: 'token-of-the-waiting-state', output: JSON.stringify(decision) },
    ]);
  });

  it('rejected: SendTaskFailure(Rejected) with who and when as cause', async () => {
    const approvals = new InMemoryApprovalStore([approval()]);
    sfn.on(SendTaskFailureCommand).resolves({});
    const decision = { decision: 'rejected' as const, by: OPERATOR, at: NOW.toISOString() };

    expect(await deliverDecision({ approvals, sfn: new SFNClient({}) }, approval(), decision)).toEqual({ delivered: true });

    expect(sfn.commandCalls(SendTaskFailureCommand).map((c) => c.args[0].input)).toEqual([
      { taskToken: 'token-of-the-waiting-state', error: 'Rejected', cause: JSON.stringify(decision) },
    ]);
  });

  it('someone else decided first: nothing is sent, and their decision is returned', async () => {
    const theirs = { decision: 'rejected' as const, by: 'U0BOB', at: '2026-11-02T09:59:59Z' };
    const approvals = new InMemoryApprovalStore([approval()]);
    // Their click lands between our read and our write.
    approvals.beforeDecide = () => approvals.put(approval({ decision: theirs }));

    const delivery = await deliverDecision({ approvals, sfn: new SFNClient({}) }, approval(), { decision: 'approved', by: OPERATOR, at: NOW.toISOString() });

    expect(delivery).toEqual({ delivered: false, why: 'decided', existing: theirs });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('the execution stopped waiting (timed out, ended): says so; Step Functions unreachable: says the decision is recorded but not delivered', async () => {
    const timedOut = Object.assign(new Error('Task Timed Out'), { name: 'TaskTimedOut' });
    sfn
      .on(SendTaskSuccessCommand)
      .rejectsOnce(timedOut)
      .rejectsOnce(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    const decision = { decision: 'approved' as const, by: OPERATOR, at: NOW.toISOString() };

    const late = await deliverDecision({ approvals: new InMemoryApprovalStore([approval()]), sfn: new SFNClient({}) }, approval(), decision);
    const down = await deliverDecision({ approvals: new InMemoryApprovalStore([approval()]), sfn: new SFNClient({}) }, approval(), decision);

    expect(late).toEqual({ delivered: false, why: 'no_longer_waiting', error: 'TaskTimedOut' });
    expect(down).toEqual({ delivered: false, why: 'not_delivered', error: 'TimeoutError', message: 'socket hang up' });
  });
});
