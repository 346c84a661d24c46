// Long on purpose: the Block Kit types and one builder per part of the message, for every phase.
import { mention } from './approval-policy.js';
import { APPROVE_ACTION_ID, MAX_FINDINGS_LISTED, REJECT_ACTION_ID, SLACK_LIMITS } from './constants.js';

// One Slack message per deployment, posted once and updated in place as the
// deployment moves through its phases. Builders only: no I/O.

export const DEPLOYMENT_PHASES = [
  'scanning',
  'awaiting_approval',
  'deploying',
  'progressing',
  'awaiting_promotion',
  'baking',
  'rolling_back',
  'deployed',
  'rolled_back',
  'blocked',
  'rejected',
  'expired',
  'superseded',
  'failed',
  'rollback_failed',
] as const;
export type DeploymentPhase = (typeof DEPLOYMENT_PHASES)[number];

export interface ViewFinding {
  id: string;
  severity: string;
  package?: string | undefined;
}

export interface DeploymentView {
  service: string;
  repository: string;
  tag?: string | undefined;
  digest: string;
  imageUri: string;
  phase: DeploymentPhase;
  reason?: string | undefined;
  scanSummary?: string | undefined;
  findings?: ViewFinding[] | undefined;
  /** The live health verdict, e.g. "5xx rate 0.4% ≤ 2% in 3 of 3 periods". */
  health?: string | undefined;
  /** What the deployment changes, e.g. task definition revisions or image URIs. */
  change?: { from: string; to: string } | undefined;
  approval?: { approvalId: string; approvers: string[]; expiresAt: string } | undefined;
  decision?: { decision: 'approved' | 'rejected' | 'expired'; by?: string | undefined; at: string } | undefined;
  /** The approval is a pause's promotion: its buttons and decision read Promote and Abort. */
  promotion?: boolean | undefined;
}

// The subset of Block Kit these messages use (names and fields as Slack's reference).
export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}
export interface Mrkdwn {
  type: 'mrkdwn';
  text: string;
}
export interface ConfirmDialog {
  title: PlainText;
  text: Mrkdwn;
  confirm: PlainText;
  deny: PlainText;
  style?: 'primary' | 'danger';
}
export interface ButtonElement {
  type: 'button';
  action_id: string;
  text: PlainText;
  value: string;
  style?: 'primary' | 'danger';
  confirm: ConfirmDialog;
}
export interface HeaderBlock {
  type: 'header';
  text: PlainText;
}
export interface SectionBlock {
  type: 'section';
  text?: Mrkdwn;
  fields?: Mrkdwn[];
}
export interface ContextBlock {
  type: 'context';
  elements: Mrkdwn[];
}
export interface DividerBlock {
  type: 'divider';
}
export interface ActionsBlock {
  type: 'actions';
  elements: ButtonElement[];
}
export type MessageBlock = HeaderBlock | SectionBlock | ContextBlock | DividerBlock | ActionsBlock;

export interface SlackMessage {
  /** The notification and accessibility fallback. */
  text: string;
  blocks: MessageBlock[];
}

/** Slack mrkdwn control characters in text we did not write (reasons, tags, package names). */
export const escapeMrkdwn = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** At most `max` characters, ending in "…" when cut; never splits an escape like `&amp;` or a surrogate pair. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = s.slice(0, max - 1);
  cut = cut.replace(/&[a-z]{0,4}$/, '');
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

const plain = (text: string, max: number): PlainText => ({ type: 'plain_text', text: truncate(text, max), emoji: true });
const md = (text: string, max: number): Mrkdwn => ({ type: 'mrkdwn', text: truncate(text, max) });
const section = (text: string): SectionBlock => ({ type: 'section', text: md(text, SLACK_LIMITS.sectionText) });

interface PhaseStyle {
  emoji: string;
  label: string;
  /** One line under the header; `{service}` is the escaped service name. */
  headline: string;
}

const PHASES: Record<DeploymentPhase, PhaseStyle> = {
  scanning: { emoji: ':mag:', label: 'scanning', headline: 'Scanning the image; nothing has changed yet.' },
  awaiting_approval: { emoji: ':raised_hand:', label: 'awaiting approval', headline: '*Approval needed* before *{service}* is deployed.' },
  deploying: { emoji: ':rocket:', label: 'deploying', headline: 'Deploying to *{service}*.' },
  progressing: {
    emoji: ':chart_with_upwards_trend:',
    label: 'progressing',
    headline: 'Shifting traffic to the new release on *{service}* step by step; each step is judged.',
  },
  awaiting_promotion: {
    emoji: ':raised_hand:',
    label: 'paused',
    headline: "*Paused:* the new release serves part of *{service}*'s traffic and was judged healthy. Promote it to go on, or abort.",
  },
  baking: { emoji: ':hourglass_flowing_sand:', label: 'baking', headline: 'Deployed; watching *{service}* health through the bake.' },
  rolling_back: { emoji: ':leftwards_arrow_with_hook:', label: 'rolling back', headline: 'Rolling *{service}* back to its previous revision.' },
  deployed: { emoji: ':white_check_mark:', label: 'deployed', headline: '*{service}* runs this image and stayed healthy.' },
  rolled_back: { emoji: ':leftwards_arrow_with_hook:', label: 'rolled back', headline: '*{service}* was rolled back to its previous revision.' },
  blocked: { emoji: ':no_entry:', label: 'blocked by the scan', headline: 'Blocked by the scan gate; *{service}* was not changed.' },
  rejected: { emoji: ':x:', label: 'rejected', headline: 'Rejected; *{service}* was not changed.' },
  expired: { emoji: ':alarm_clock:', label: 'approval expired', headline: 'Nobody decided in time.' },
  superseded: { emoji: ':fast_forward:', label: 'superseded', headline: 'Another deployment replaced this one on *{service}*; it was not rolled back.' },
  failed: { emoji: ':warning:', label: 'failed', headline: 'Could not deploy; *{service}* was not changed.' },
  rollback_failed: {
    emoji: ':rotating_light:',
    label: 'ROLLBACK FAILED',
    headline: ':rotating_light: <!here> *ROLLBACK FAILED: {service} needs a person now.* :rotating_light:',
  },
};

const shortDigest = (digest: string): string => {
  const hex = digest.includes(':') ? digest.slice(digest.indexOf(':') + 1) : digest;
  return `${digest.includes(':') ? digest.slice(0, digest.indexOf(':') + 1) : ''}${hex.slice(0, 12)}`;
};

/** Slack renders `<!date^…>` in the reader's time zone; the fallback is the ISO time itself. */
export function slackDate(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escapeMrkdwn(iso);
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} at {time}|${escapeMrkdwn(iso)}>`;
}

/** "checkout v1.2.3" or "checkout @ sha256:abcdef012345" when pushed by digest. */
function releaseName(view: DeploymentView): string {
  return view.tag ? `${view.repository}:${view.tag}` : `${view.repository}@${shortDigest(view.digest)}`;
}

function findingsSection(findings: readonly ViewFinding[]): SectionBlock | undefined {
  if (findings.length === 0) return undefined;
  const title = `*Findings (${findings.length}):*`;
  // Room for the title and the "…and N more" line, whatever N is.
  const budget = SLACK_LIMITS.sectionText - title.length - 40;
  const lines: string[] = [];
  let used = 0;
  for (const f of findings) {
    if (lines.length >= MAX_FINDINGS_LISTED) break;
    const line = truncate(`• *${escapeMrkdwn(f.severity)}* ${escapeMrkdwn(f.id)}${f.package ? ` (${escapeMrkdwn(f.package)})` : ''}`, 300);
    if (used + line.length + 1 > budget) break;
    lines.push(line);
    used += line.length + 1;
  }
  const more = findings.length - lines.length;
  return section([title, ...lines, ...(more > 0 ? [`…and ${more} more`] : [])].join('\n'));
}

function decisionLine(decision: NonNullable<DeploymentView['decision']>, promotion: boolean): string {
  const by = decision.by ? ` by ${mention(decision.by)}` : '';
  switch (decision.decision) {
    case 'approved':
      return `:white_check_mark: ${promotion ? 'Promoted' : 'Approved'}${by} ${slackDate(decision.at)}`;
    case 'rejected':
      return `:x: ${promotion ? 'Aborted' : 'Rejected'}${by} ${slackDate(decision.at)}`;
    case 'expired':
      return `:alarm_clock: Approval expired ${slackDate(decision.at)}${by}`;
  }
}

function approvalButtons(view: DeploymentView): ActionsBlock | undefined {
  const approval = view.approval;
  // A value Slack would refuse (or truncate) would approve nothing: no buttons rather than broken ones.
  if (!approval || approval.approvalId === '' || approval.approvalId.length > SLACK_LIMITS.buttonValue) return undefined;
  const what = `*${escapeMrkdwn(view.service)}* ← \`${escapeMrkdwn(releaseName(view))}\``;
  if (view.phase === 'awaiting_promotion') return promotionButtons(approval.approvalId, what);
  return {
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: APPROVE_ACTION_ID,
        text: plain('Approve', SLACK_LIMITS.buttonText),
        style: 'primary',
        value: approval.approvalId,
        confirm: {
          title: plain('Approve this deployment?', SLACK_LIMITS.confirmTitle),
          text: md(`Deploy ${what} now?`, SLACK_LIMITS.confirmText),
          confirm: plain('Approve', SLACK_LIMITS.confirmButton),
          deny: plain('Cancel', SLACK_LIMITS.confirmButton),
          style: 'primary',
        },
      },
      {
        type: 'button',
        action_id: REJECT_ACTION_ID,
        text: plain('Reject', SLACK_LIMITS.buttonText),
        style: 'danger',
        value: approval.approvalId,
        confirm: {
          title: plain('Reject this deployment?', SLACK_LIMITS.confirmTitle),
          text: md(`${what} will not be deployed. This cannot be undone; a new push starts over.`, SLACK_LIMITS.confirmText),
          confirm: plain('Reject', SLACK_LIMITS.confirmButton),
          deny: plain('Cancel', SLACK_LIMITS.confirmButton),
          style: 'danger',
        },
      },
    ],
  };
}

function fallbackText(view: DeploymentView, style: PhaseStyle): string {
  const release = escapeMrkdwn(releaseName(view));
  const service = escapeMrkdwn(view.service);
  const reason = view.reason ? ` ${escapeMrkdwn(view.reason)}` : '';
  // The fallback is what notifications show; only this phase calls the channel.
  const text =
    view.phase === 'rollback_failed'
      ? `<!here> ROLLBACK FAILED on ${service} (${release}): it needs a person now.${reason}`
      : `${service}: ${style.label} (${release})${reason ? `:${reason}` : ''}`;
  return truncate(text, SLACK_LIMITS.messageText);
}

/**
 * The deployment's message for its current phase. Buttons appear only while
 * it awaits approval; their value is the approval id and nothing else, so a
 * click carries no state the server has to trust.
 */
export function deploymentMessage(view: DeploymentView): SlackMessage {
  const style = PHASES[view.phase];
  const service = escapeMrkdwn(view.service);
  const blocks: MessageBlock[] = [];

  blocks.push({ type: 'header', text: plain(`${style.emoji} ${view.service}: ${style.label}`, SLACK_LIMITS.headerText) });
  blocks.push(section(style.headline.replaceAll('{service}', service)));
  if (view.reason) {
    blocks.push(section(`${view.phase === 'rollback_failed' ? '*What happened:*' : '*Reason:*'} ${escapeMrkdwn(view.reason)}`));
  }
  blocks.push({
    type: 'section',
    fields: [
      md(`*Service*\n${service}`, SLACK_LIMITS.fieldText),
      md(`*Repository*\n${escapeMrkdwn(view.repository)}`, SLACK_LIMITS.fieldText),
      md(`*Tag*\n${view.tag ? escapeMrkdwn(view.tag) : '_none (pushed by digest)_'}`, SLACK_LIMITS.fieldText),
      md(`*Digest*\n\`${escapeMrkdwn(view.digest)}\``, SLACK_LIMITS.fieldText),
      md(`*Image*\n\`${escapeMrkdwn(view.imageUri)}\``, SLACK_LIMITS.fieldText),
    ],
  });
  if (view.change) {
    blocks.push(section(`*What will change:*\n\`${escapeMrkdwn(view.change.from)}\` → \`${escapeMrkdwn(view.change.to)}\``));
  }
  if (view.scanSummary) blocks.push(section(`*Scan:* ${escapeMrkdwn(view.scanSummary)}`));
  const findings = findingsSection(view.findings ?? []);
  if (findings) blocks.push(findings);
  if (view.health) blocks.push(section(`*Health:* ${escapeMrkdwn(view.health)}`));

  if (view.phase === 'awaiting_approval' || view.phase === 'awaiting_promotion') {
    if (view.approval) {
      const who = view.approval.approvers.slice(0, 20).map(mention).join(', ') || '_nobody configured_';
      const more = view.approval.approvers.length > 20 ? ` and ${view.approval.approvers.length - 20} more` : '';
      blocks.push({ type: 'context', elements: [md(`Approvers: ${who}${more} · expires ${slackDate(view.approval.expiresAt)}`, SLACK_LIMITS.contextText)] });
    }
    const buttons = approvalButtons(view);
    if (buttons) blocks.push(buttons);
  }
  if (view.decision) {
    blocks.push({ type: 'context', elements: [md(decisionLine(view.decision, view.promotion === true), SLACK_LIMITS.contextText)] });
  }
  if (view.phase === 'rollback_failed') blocks.push({ type: 'divider' });

  return { text: fallbackText(view, style), blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}

/**
 * A pause's buttons: the same action ids (and the same signed, stored-token
 * path) as an approval, so Promote is an approval and Abort a rejection of
 * going further.
 */
function promotionButtons(approvalId: string, what: string): ActionsBlock {
  const button = (actionId: string, label: string, style: 'primary' | 'danger', title: string, text: string): ButtonElement => ({
    type: 'button',
    action_id: actionId,
    text: plain(label, SLACK_LIMITS.buttonText),
    style,
    value: approvalId,
    confirm: {
      title: plain(title, SLACK_LIMITS.confirmTitle),
      text: md(text, SLACK_LIMITS.confirmText),
      confirm: plain(label, SLACK_LIMITS.confirmButton),
      deny: plain('Cancel', SLACK_LIMITS.confirmButton),
      style,
    },
  });
  return {
    type: 'actions',
    elements: [
      button(APPROVE_ACTION_ID, 'Promote', 'primary', 'Promote this release?', `Shift the rest of the traffic to ${what}?`),
      button(REJECT_ACTION_ID, 'Abort', 'danger', 'Abort this deployment?', `All traffic goes back to the previous revision; ${what} is rolled back.`),
    ],
  };
}
