import type { Approval, ApprovalDecision, ApprovalStore } from '../../shared/slack/interaction.js';

/**
 * ApprovalStore in memory, with the DynamoDB implementation's semantics:
 * `decide` is a conditional write that succeeds once. `beforeDecide` runs
 * between the handler's read and its write, to play a concurrent click.
 */
export class InMemoryApprovalStore implements ApprovalStore {
  readonly #items = new Map<string, Approval>();
  readonly decideCalls: { approvalId: string; decision: ApprovalDecision }[] = [];
  beforeDecide: ((approvalId: string) => void) | undefined;

  constructor(approvals: Approval[] = []) {
    for (const a of approvals) this.put(a);
  }

  put(approval: Approval): void {
    this.#items.set(approval.approvalId, structuredClone(approval));
  }

  async get(approvalId: string): Promise<Approval | undefined> {
    const item = this.#items.get(approvalId);
    return item ? structuredClone(item) : undefined;
  }

  async decide(approvalId: string, decision: ApprovalDecision): Promise<{ ok: true } | { ok: false; existing: ApprovalDecision }> {
    this.decideCalls.push({ approvalId, decision });
    this.beforeDecide?.(approvalId);
    const item = this.#items.get(approvalId);
    if (!item) throw new Error(`no approval ${approvalId}`);
    if (item.decision) return { ok: false, existing: structuredClone(item.decision) };
    item.decision = structuredClone(decision);
    return { ok: true };
  }
}
