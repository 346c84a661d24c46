import { describe, expect, it } from 'vitest';
import { canDecide, requiresApproval, type ApprovalPolicy, type DecideRequest } from '../../shared/slack/approval-policy.js';

const policy = (required: ApprovalPolicy['required']): ApprovalPolicy => ({
  required,
  channel: 'C0123DEPLOY',
  approvers: ['U024BE7LH', 'S0614TZR7'],
  timeoutMinutes: 60,
  onTimeout: 'reject',
  allowSelfApproval: false,
});

describe('requiresApproval', () => {
  it('follows a boolean', () => {
    expect(requiresApproval(policy(true), 'v1.0.0')).toBe(true);
    expect(requiresApproval(policy(true), undefined)).toBe(true);
    expect(requiresApproval(policy(false), 'v1.0.0')).toBe(false);
    expect(requiresApproval(policy(false), undefined)).toBe(false);
  });

  it('is not required without a policy', () => {
    expect(requiresApproval(undefined, 'v1.0.0')).toBe(false);
  });

  it('matches the tag against the globs', () => {
    const p = policy(['v*', 'release-*']);
    expect(requiresApproval(p, 'v1.2.3')).toBe(true);
    expect(requiresApproval(p, 'release-2026-05')).toBe(true);
    expect(requiresApproval(p, 'main-abc123')).toBe(false);
    expect(requiresApproval(p, 'xv1')).toBe(false);
  });

  it('matches dotted tags (picomatch dot: true, as the service tag globs do)', () => {
    expect(requiresApproval(policy(['*']), '.hidden')).toBe(true);
  });

  it('requires approval for a push by digest when any glob is listed (fail closed)', () => {
    expect(requiresApproval(policy(['v*']), undefined)).toBe(true);
    expect(requiresApproval(policy(['v*']), '')).toBe(true);
  });

  it('an empty glob list requires nothing', () => {
    expect(requiresApproval(policy([]), 'v1.0.0')).toBe(false);
    expect(requiresApproval(policy([]), undefined)).toBe(false);
  });
});

describe('canDecide', () => {
  const request = (overrides: Partial<DecideRequest>): DecideRequest => ({
    user: 'U024BE7LH',
    approvers: ['U024BE7LH', 'S0614TZR7'],
    groupMembers: {},
    allowSelfApproval: false,
    ...overrides,
  });

  it('allows a listed approver', () => {
    expect(canDecide(request({}))).toEqual({ allowed: true, reason: '<@U024BE7LH> is an approver.' });
  });

  it('allows an Enterprise Grid (W…) approver', () => {
    expect(canDecide(request({ user: 'W0123ABCD', approvers: ['W0123ABCD'] })).allowed).toBe(true);
  });

  it('allows a member of an approver user group', () => {
    expect(canDecide(request({ user: 'U0G9QF9C6', groupMembers: { S0614TZR7: ['U060R4BJ4', 'U0G9QF9C6'] } }))).toEqual({
      allowed: true,
      reason: '<@U0G9QF9C6> is a member of <!subteam^S0614TZR7>.',
    });
  });

  it('refuses someone who is neither listed nor in a listed group, naming the approvers', () => {
    expect(canDecide(request({ user: 'U0NOTLISTED', groupMembers: { S0614TZR7: ['U060R4BJ4'] } }))).toEqual({
      allowed: false,
      reason: '<@U0NOTLISTED> is not an approver for this service. Approvers: <@U024BE7LH>, <!subteam^S0614TZR7>.',
    });
  });

  it('does not count membership of a group that is not an approver', () => {
    expect(canDecide(request({ user: 'U0G9QF9C6', approvers: ['U024BE7LH'], groupMembers: { S0614TZR7: ['U0G9QF9C6'] } })).allowed).toBe(false);
  });

  it('refuses the person who triggered the deployment unless self-approval is allowed', () => {
    expect(canDecide(request({ triggeredBy: 'U024BE7LH' }))).toEqual({
      allowed: false,
      reason: '<@U024BE7LH> triggered this deployment, and self-approval is not allowed for this service.',
    });
    expect(canDecide(request({ triggeredBy: 'U024BE7LH', allowSelfApproval: true })).allowed).toBe(true);
    expect(canDecide(request({ triggeredBy: 'U0SOMEONE' })).allowed).toBe(true);
  });

  it('refuses self-approval through a user group too', () => {
    expect(canDecide(request({ user: 'U0G9QF9C6', triggeredBy: 'U0G9QF9C6', groupMembers: { S0614TZR7: ['U0G9QF9C6'] } })).allowed).toBe(false);
  });

  it('refuses everyone when no approvers are configured', () => {
    expect(canDecide(request({ approvers: [] }))).toEqual({
      allowed: false,
      reason: 'No approvers are configured for this service, so nobody can decide in Slack.',
    });
  });
});
