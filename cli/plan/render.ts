import type { ServiceChange } from './change.js';
import type { PushPlan, ServicePlan } from './plan.js';

const targetText = (t: ServicePlan['target']) =>
  t.platform === 'ecs'
    ? `ecs ${t.cluster}/${t.service}, container ${t.container}`
    : `eks ${t.cluster}/${t.namespace}/${t.deployment}, container ${t.container}`;

function scanText(s: ServicePlan['scan']): string {
  const parts = [s.blockAt === 'none' ? 'no severity blocks' : `blocks at ${s.blockAt} or above`];
  const max = Object.entries(s.maxCounts);
  if (max.length > 0) parts.push(`more than ${max.map(([sev, n]) => `${n} ${sev}`).join(', ')} blocks`);
  if (s.ignoring.length > 0) parts.push(`ignoring ${s.ignoring.map((i) => `${i.id} until ${i.until} (${i.reason})`).join('; ')}`);
  if (s.expired.length > 0) parts.push(`no longer ignoring ${s.expired.map((i) => `${i.id} (expired ${i.until})`).join(', ')}`);
  parts.push(`a scan still running after ${s.timeoutMinutes} min counts as failed; unsupported image: ${s.onUnsupported}; failed scan: ${s.onFailed}`);
  return parts.join('; ');
}

function approvalText(a: ServicePlan['approval']): string {
  if (!a.needed) return `not needed (${a.why})`;
  return `needed (${a.why}): one of ${a.approvers.join(', ')} in ${a.channel}, within ${a.timeoutMinutes} min (then ${a.onTimeout === 'reject' ? 'expired' : 'approved'}); the pusher ${a.selfApproval ? 'may' : 'may not'} approve`;
}

function healthText(h: ServicePlan['health']): string {
  const watched = [...h.alarms.map((a) => `alarm ${a}`), ...h.metrics].join(', ') || 'nothing (no alarms or metrics configured: the bake only waits)';
  return `bake ${h.bakeMinutes} min watching ${watched}, polled every ${h.pollSeconds} s; guard window ${h.guardMinutes} min after it (an alarm then rolls back)${h.fixForward ? '; the tag is a fix-forward: alarms already firing do not block it' : ''}`;
}

function changeText(c: ServiceChange): string[] {
  const lines: string[] = [];
  if (c.alreadyRunning) return [`    change:    none: ${c.current.revision} already runs ${c.image}`];
  if (c.ecs) {
    lines.push(`    change:    register ${c.ecs.to} from ${c.ecs.from} (runs now), then UpdateService`);
    lines.push(`               containerDefinitions[name=${c.ecs.containerImageLine.container}].image`);
    lines.push(`               - ${c.ecs.containerImageLine.before}`);
    lines.push(`               + ${c.ecs.containerImageLine.after}`);
    lines.push(c.ecs.otherChanges.length === 0 ? '               nothing else changes' : `               also differs: ${c.ecs.otherChanges.join(', ')}`);
  }
  if (c.eks) {
    lines.push(`    change:    PATCH ${c.current.revision}, Content-Type: application/strategic-merge-patch+json`);
    lines.push(
      ...JSON.stringify(c.eks.patch, null, 2)
        .split('\n')
        .map((l) => `               ${l}`),
    );
    lines.push(`               - ${c.current.image}`);
    lines.push(`               + ${c.image}`);
  }
  if (c.firing.length > 0) lines.push(`    now:       ${c.firing.join(', ')} in ALARM: the deploy would be blocked unless the tag is a fix-forward`);
  return lines;
}

const refText = (p: PushPlan) => `${p.image.repository}${p.image.tag ? `:${p.image.tag}` : ''}${p.image.digest ? `@${p.image.digest}` : ''}`;

/** The plan as a person reads it: what matches, why the rest does not, and per service each step's policy (and the exact change, with --aws). */
export function renderPlan(plan: PushPlan, changes: ReadonlyMap<string, ServiceChange | Error> | undefined, configFile: string): string {
  const out: string[] = [`A push of ${refText(plan)} (${configFile}):`, ''];
  if (plan.matched.length === 0) out.push('  deploys nowhere: no service matches it.');
  else out.push(`  deploys to ${plan.matched.length} service${plan.matched.length === 1 ? '' : 's'}: ${plan.matched.map((m) => m.service).join(', ')}`);
  for (const n of plan.notMatched) out.push(`  not ${n.service}: ${n.why}`);
  for (const m of plan.matched) {
    out.push('', `  ${m.service} (${targetText(m.target)})`);
    out.push(`    scan:      ${scanText(m.scan)}`);
    out.push(`    approval:  ${approvalText(m.approval)}`);
    out.push(`    deploy:    ${m.strategy}`);
    out.push(`    health:    ${healthText(m.health)}`);
    const change = changes?.get(m.service);
    if (change instanceof Error) out.push(`    change:    could not be read: ${change.message}`);
    else if (change) out.push(...changeText(change));
  }
  if (!changes && plan.matched.length > 0) out.push('', '  (offline: --aws also shows the exact change against what runs now)');
  return out.join('\n');
}
