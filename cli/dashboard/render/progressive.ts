import { trafficSteps } from '../../../shared/config/traffic-steps.js';
import type { DeploymentRecord, RecordProgress } from '../../../shared/records/types.js';
import { strategyOf, type ApprovalView, type DeploymentPage } from '../data.js';
import { html, type Html } from '../html.js';
import { actionForm } from './action-form.js';
import { shortDigest, span, time, who } from './format.js';
import type { Frame } from './layout.js';

// A progressive deployment on its page: the traffic steps as the record keeps
// them (shared/progressive/advance-step.ts writes `progress` at every look),
// each judged step with the verdict's arithmetic, the share of the traffic
// the new release gets now, and the pause with its Promote and Abort.

/** What the new release serves now, in words and as a number (undefined when the record cannot tell). */
export function trafficNow(record: DeploymentRecord): { percent: number; text: string } | undefined {
  const p = record.progress;
  if (record.outcome === 'deployed') return { percent: 100, text: 'all of the traffic: the release was promoted and deployed' };
  if (record.outcome) return { percent: 0, text: `none of the traffic: the deployment ended ${record.outcome.replace('_', ' ')}` };
  if (record.phase === 'rolling_back') return { percent: 0, text: 'none of the traffic: all of it goes back to the previous revision' };
  if (!p) return undefined;
  if (!p.position) return { percent: 100, text: 'all of the traffic: promoted, the rollout and the bake follow' };
  const { step, steps, trafficPercent } = p.position;
  return { percent: trafficPercent, text: `${trafficPercent}% of the traffic, at step ${step} of ${steps}` };
}

type Row = { step: number; traffic: string; state: string; label: string; at?: string; detail?: string };

/** One row per traffic step: judged ones with their arithmetic, the one under way, the ones still to come (as asked). */
function stepRows(page: DeploymentPage, p: RecordProgress | undefined): { rows: Row[]; steps: number } {
  const record = page.record;
  const asked = page.service.strategy.type === 'rolling' ? [] : trafficSteps(page.service.strategy);
  const steps = p?.position?.steps ?? p?.judged[0]?.steps ?? asked.length;
  const rows: Row[] = [];
  for (let step = 1; step <= steps; step += 1) {
    const judged = p?.judged.find((j) => j.step === step);
    const planned = asked[step - 1];
    if (judged) {
      rows.push({ step, traffic: `${judged.trafficPercent}%`, state: 'judged', label: 'judged healthy', at: judged.judgedAt, detail: judged.summary });
    } else if (p?.position?.step === step) {
      const stopped = record.outcome
        ? `ended ${record.outcome.replace('_', ' ')} at this step`
        : record.phase === 'rolling_back'
          ? 'rolling back from this step'
          : undefined;
      const paused = record.phase === 'awaiting_promotion';
      const label = stopped ?? (paused ? 'paused: promote or abort' : 'under way');
      // Where it ended, the outcome's reason has the verdict that ended it; the last look may predate it.
      const detail = record.outcome && record.reason ? record.reason.replace(/; rolled back to .*$/, '') : p.detail;
      rows.push({ step, traffic: `${p.position.trafficPercent}%`, state: stopped ? 'stopped' : paused ? 'paused' : 'current', label, detail });
    } else if (step === steps && (record.outcome === 'deployed' || (p && !p.position && !record.outcome))) {
      rows.push({
        step,
        traffic: '100%',
        state: 'promoted',
        label: 'promoted: the whole service runs the release',
        ...(p?.decision?.action === 'promote' ? { at: p.decision.at } : {}),
      });
    } else {
      rows.push({
        step,
        traffic: planned === undefined ? '-' : `${planned}% asked`,
        state: record.outcome ? 'not-reached' : 'pending',
        label: record.outcome ? 'not reached' : 'to come',
      });
    }
  }
  return { rows, steps };
}

/** The traffic steps of a canary, linear or blue/green deployment; nothing for a rolling update. */
export function progressSection(page: DeploymentPage): Html {
  if (page.service.strategy.type === 'rolling' && !page.record.progress) return html``;
  const p = page.record.progress;
  const now = page.now;
  const traffic = trafficNow(page.record);
  const { rows, steps } = stepRows(page, p);
  return html`<section aria-labelledby="progress-h" class="progressive" data-strategy="${p?.strategy ?? page.service.strategy.type}"><h2 id="progress-h">Traffic steps</h2>
<p>${strategyOf(page.service)}.</p>
${traffic ? html`<p class="traffic-now" data-traffic="${traffic.percent}">The new release gets <strong>${traffic.text}</strong>.</p>` : html`<p class="muted">No traffic step yet: the deployment has not reached its traffic steps.</p>`}
<table class="traffic-steps"><thead><tr><th scope="col">step</th><th scope="col">traffic</th><th scope="col">state</th><th scope="col">when</th><th scope="col">verdict</th></tr></thead>
<tbody>${rows.map(
    (r) =>
      html`<tr data-traffic-step="${r.step}" data-state="${r.state}"><th scope="row">${r.step} of ${steps}</th><td>${r.traffic}</td><td>${r.label}</td><td>${r.at ? time(r.at, now) : ''}</td><td class="reason">${r.detail ?? ''}</td></tr>`,
  )}</tbody></table>
</section>`;
}

/** The pause: who is asked, until when, and (while it waits) Promote and Abort, each confirmed. */
export function pauseSection(frame: Frame, page: DeploymentPage): Html {
  const a = page.promotion;
  if (!a) return html``;
  const now = page.now;
  const record = page.record;
  const waiting = !a.decision && record.phase === 'awaiting_promotion' && !record.outcome && Date.parse(a.expiresAt) > now.getTime();
  const label = `${a.repository}:${record.tag ?? shortDigest(record.digest)}`;
  // Once decided, the record has moved on from the pause, which follows the first step judged healthy.
  const position = record.phase === 'awaiting_promotion' ? record.progress?.position : (record.progress?.judged[0] ?? record.progress?.position);
  const at = position ? `step ${position.step} of ${position.steps} (${position.trafficPercent}% of the traffic)` : 'its first traffic step';
  const fields = { service: page.service.name, recordId: record.recordId, approvalId: a.approvalId };
  return html`<section aria-labelledby="pause-h" class="pause"><h2 id="pause-h">Pause</h2>
<p>Paused at ${at}, judged healthy. Promote or abort asked of ${a.approvers.join(', ')}; ${waiting ? html`the pause aborts by itself at ${time(a.expiresAt, now)} (in ${span(Date.parse(a.expiresAt) - now.getTime())})` : html`expiry ${time(a.expiresAt, now)}`}${a.allowSelfApproval ? '' : '; the person who pushed may not decide'}.</p>
${decisionLine(a, now)}
${
  waiting
    ? html`<p class="waiting">Waiting for a decision.</p><div class="actions">
${actionForm(frame, '/actions/promote', fields, { text: 'Promote', kind: 'primary' }, `Promote ${label}? The rest of the traffic shifts to it, then ${page.service.name} is baked as a whole.`)}
${actionForm(frame, '/actions/abort', fields, { text: 'Abort', kind: 'danger' }, `Abort ${label}? All traffic goes back to the previous revision and the release is rolled back.`)}
</div>`
    : ''
}
</section>`;
}

function decisionLine(a: ApprovalView, now: Date): Html {
  if (a.decision) {
    const word = a.decision.decision === 'approved' ? 'promoted' : 'aborted';
    return html`<p class="decision" data-decision="${word}"><strong>${word}</strong> by ${who(a.decision.by)} at ${time(a.decision.at, now)}</p>`;
  }
  if (Date.parse(a.expiresAt) <= now.getTime())
    return html`<p class="decision" data-decision="expired"><strong>expired</strong>: nobody decided in time, so it aborted</p>`;
  return html``;
}
