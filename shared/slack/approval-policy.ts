import { tagMatches } from '../match/tag-glob.js';

/** A service's `approval:` block in shipwatch.yml (the config schema validates the same fields). */
export interface ApprovalPolicy {
  /** true: every push needs approval; a list: pushes whose tag matches one of these globs do. */
  required: boolean | string[];
  /** Where the approval message is posted (channel id). */
  channel: string;
  /** Slack user ids (U…, W… on Enterprise Grid) and user-group ids (S…). */
  approvers: string[];
  timeoutMinutes: number;
  /** What happens when nobody decides in time. */
  onTimeout: 'reject' | 'approve';
  /** May the person who triggered the deployment approve it? */
  allowSelfApproval: boolean;
}

export const isUserGroupId = (id: string): boolean => /^S[A-Z0-9]+$/.test(id);

/** The user-group ids among the approvers: the ones whose members must be looked up. */
export const userGroupsIn = (approvers: readonly string[]): string[] => approvers.filter(isUserGroupId);

/**
 * Does a push with this tag need approval? A push by digest alone (no tag)
 * cannot be shown not to be a release, so a non-empty glob list requires
 * approval for it (fail closed).
 */
export function requiresApproval(policy: Pick<ApprovalPolicy, 'required'> | undefined, tag: string | undefined): boolean {
  if (!policy) return false;
  const { required } = policy;
  if (typeof required === 'boolean') return required;
  if (required.length === 0) return false;
  if (tag === undefined || tag === '') return true;
  return required.some((glob) => tagMatches(glob, tag));
}

export interface DecideRequest {
  /** The Slack user who clicked. */
  user: string;
  approvers: readonly string[];
  /** Members of the user groups among `approvers`, by group id; a group missing here counts as empty. */
  groupMembers: Readonly<Record<string, readonly string[]>>;
  /** The Slack user behind the deployment, when known. */
  triggeredBy?: string | undefined;
  allowSelfApproval: boolean;
}

export interface DecideVerdict {
  allowed: boolean;
  /** Slack mrkdwn, addressed to the user who clicked. */
  reason: string;
}

/** `<@U…>` for a user, `<!subteam^S…>` for a user group: Slack renders both as mentions. */
export function mention(id: string): string {
  if (isUserGroupId(id)) return `<!subteam^${id}>`;
  if (/^[UW][A-Z0-9]+$/.test(id)) return `<@${id}>`;
  return id.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Pure: may `user` approve or reject this deployment? Every refusal says why. */
export function canDecide({ user, approvers, groupMembers, triggeredBy, allowSelfApproval }: DecideRequest): DecideVerdict {
  if (approvers.length === 0) {
    return { allowed: false, reason: 'No approvers are configured for this service, so nobody can decide in Slack.' };
  }
  if (!allowSelfApproval && triggeredBy !== undefined && triggeredBy === user) {
    return { allowed: false, reason: `${mention(user)} triggered this deployment, and self-approval is not allowed for this service.` };
  }
  if (approvers.includes(user)) {
    return { allowed: true, reason: `${mention(user)} is an approver.` };
  }
  const group = userGroupsIn(approvers).find((id) => groupMembers[id]?.includes(user));
  if (group) {
    return { allowed: true, reason: `${mention(user)} is a member of ${mention(group)}.` };
  }
  return {
    allowed: false,
    reason: `${mention(user)} is not an approver for this service. Approvers: ${approvers.map(mention).join(', ')}.`,
  };
}
