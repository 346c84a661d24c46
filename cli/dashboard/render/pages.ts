import type { DeploymentRecord } from '../../../shared/records/types.js';
import type { HealthVerdict } from '../../../shared/health/verdict.js';
import type { Stats } from '../../stats/dora.js';
import { duration, type Spread } from '../../stats/percentile.js';
import type { DeploymentPage, DoraTiles, HistoryFilters, ServiceRow } from '../data.js';
import { html, type Html } from '../html.js';
import type { Finding, Step, Timeline } from '../timeline.js';
import { healthChart, outcomeSparkline, periodTable, stepsChart, trendSparkline } from './charts.js';
import { ago, OUTCOME_LABELS, shortDigest, shortRevision, span, time, who } from './format.js';
import type { Frame } from './layout.js';
import { actionForm } from './action-form.js';
import { pauseSection, progressSection } from './progressive.js';

const outcomeBadge = (outcome: string | undefined, phase?: string) =>
  html`<span class="badge badge-${(outcome ?? 'in-flight').replace('_', '-')}" data-outcome="${outcome ?? 'in_flight'}">${outcome ? (OUTCOME_LABELS[outcome] ?? outcome) : (phase ?? 'in flight').replace('_', ' ')}</span>`;

const recordLink = (service: string, recordId: string, text?: string) =>
  html`<a href="/services/${encodeURIComponent(service)}/deployments/${encodeURIComponent(recordId)}">${text ?? recordId}</a>`;

const progressBar = (p: Step['progress'], label: string) =>
  p
    ? html`<span class="progress"><progress max="${p.totalMs}" value="${p.elapsedMs}" aria-label="${label}">${Math.round((p.elapsedMs / p.totalMs) * 100)}%</progress> <span class="progress-text">${p.text}</span></span>`
    : '';

// ---- DORA tiles ------------------------------------------------------------

type Key = { name: string; value: (s: Stats) => number | undefined; text: (s: Stats) => string; better: 'up' | 'down'; how: string };

const spreadText = (s: Spread) => (s.count === 0 ? 'no data' : `median ${duration(s.median)}`);
const pct = (x: number | undefined) => (x === undefined ? '-' : `${(x * 100).toFixed(1).replace(/\.0$/, '')}%`);

const KEYS: Key[] = [
  {
    name: 'deployment frequency',
    value: (s) => s.deploymentFrequency.perDay,
    text: (s) => `${s.deploymentFrequency.deployments} (${s.deploymentFrequency.perDay.toFixed(2)}/day)`,
    better: 'up',
    how: 'pushes that reached deployed',
  },
  { name: 'lead time for changes', value: (s) => s.leadTime.median, text: (s) => spreadText(s.leadTime), better: 'down', how: 'push to deployed' },
  {
    name: 'change failure rate',
    value: (s) => s.changeFailureRate.rate,
    text: (s) => `${pct(s.changeFailureRate.rate)} (${s.changeFailureRate.failed} of ${s.changeFailureRate.changes})`,
    better: 'down',
    how: 'rolled back / (deployed + rolled back)',
  },
  {
    name: 'time to restore',
    value: (s) => s.timeToRestore.median,
    text: (s) => spreadText(s.timeToRestore),
    better: 'down',
    how: 'failure detected to last good release running',
  },
];

function trendText(key: Key, now: number | undefined, before: number | undefined): { text: string; kind: string } {
  if (now === undefined || before === undefined) return { text: before === undefined ? 'no data in the window before' : 'no data now', kind: 'flat' };
  if (Math.abs(now - before) < 1e-9) return { text: 'same as the window before', kind: 'flat' };
  const up = now > before;
  const fmt = (v: number) => (key.name === 'change failure rate' ? pct(v) : key.name === 'deployment frequency' ? `${v.toFixed(2)}/day` : duration(v));
  return {
    text: `${up ? '▲ up' : '▼ down'} from ${fmt(before)} in the window before`,
    kind: (up ? key.better === 'up' : key.better === 'down') ? 'better' : 'worse',
  };
}

export function doraTiles(d: DoraTiles): Html {
  return html`<section class="dora" aria-labelledby="dora-h"><h2 id="dora-h">DORA keys, last ${d.span}</h2>
<ul class="tiles">${KEYS.map((k) => {
    const trend = trendText(k, k.value(d.current), k.value(d.previous));
    return html`<li class="tile" data-key="${k.name}"><h3>${k.name}</h3><p class="value">${k.text(d.current)}</p>
<p class="trend trend-${trend.kind}">${trend.text}</p>
${trendSparkline(d.buckets.map(k.value), `${k.name} over the last ${d.span}, in six parts: ${d.buckets.map((b) => k.text(b)).join('; ')}`)}
<p class="how">${k.how}</p></li>`;
  })}</ul></section>`;
}

// ---- Services --------------------------------------------------------------

function runsNow(row: ServiceRow): Html {
  const r = row.runsNow;
  if (!r) return html`-`;
  if ('error' in r) return html`<span class="error" title="${r.error}">cannot read: ${r.error.slice(0, 80)}</span>`;
  return html`<span title="${r.image}">${shortRevision(r.revision)}<br><code>${shortDigest(r.image.split('@')[1])}</code></span>${r.firing.length > 0 ? html`<br><span class="badge badge-rolled-back">firing: ${r.firing.join(', ')}</span>` : ''}`;
}

function inFlightCell(row: ServiceRow, now: Date): Html {
  if (row.inFlight.length === 0) return html`<span class="muted">nothing</span>`;
  return html`<ul class="flat">${row.inFlight.map(
    (f) =>
      html`<li data-in-flight="${f.recordId}">${recordLink(row.name, f.recordId, f.tag ?? f.recordId)} <strong>${f.step}</strong> since ${time(f.since, now)} (${ago(f.since, now)}) ${progressBar(f.progress, `${row.name} ${f.step}`)}</li>`,
  )}</ul>`;
}

export function servicesLive(data: { now: Date; services: ServiceRow[]; dora: DoraTiles }): Html {
  return html`<p class="as-of">as of ${time(data.now.toISOString())}</p>
${doraTiles(data.dora)}
<section aria-labelledby="services-h"><h2 id="services-h">Services</h2>
<table class="services"><thead><tr><th scope="col">service</th><th scope="col">platform</th><th scope="col">strategy</th><th scope="col">runs now</th><th scope="col">last good release</th><th scope="col">in flight</th><th scope="col">recent outcomes</th></tr></thead>
<tbody>${data.services.map(
    (s) => html`<tr data-service="${s.name}"><th scope="row"><a href="/services/${encodeURIComponent(s.name)}">${s.name}</a></th>
<td>${s.platform?.toUpperCase()} ${s.target}</td><td>${s.strategy}</td><td>${runsNow(s)}</td>
<td>${s.lastGood ? html`${recordLink(s.name, s.lastGood.recordId)}<br>${shortRevision(s.lastGood.revision)}` : html`<span class="muted">none yet</span>`}</td>
<td>${inFlightCell(s, data.now)}</td><td>${outcomeSparkline(s.recent)}</td></tr>`,
  )}</tbody></table></section>`;
}

// ---- One service: history and DORA ------------------------------------------

export function serviceFilters(service: string, filters: HistoryFilters): Html {
  const outcomes = ['', 'in_flight', 'deployed', 'rolled_back', 'rollback_failed', 'blocked', 'rejected', 'expired', 'superseded', 'failed'];
  return html`<form class="filters" method="get" action="/services/${encodeURIComponent(service)}" aria-label="filter the history">
<label>outcome <select name="outcome">${outcomes.map((o) => html`<option value="${o}"${o === (filters.outcome ?? '') ? ' selected' : ''}>${o === '' ? 'any' : o === 'in_flight' ? 'in flight' : (OUTCOME_LABELS[o] ?? o)}</option>`)}</select></label>
<label>tag <input name="tag" value="${filters.tag ?? ''}" placeholder="v*, release-4*" size="14"></label>
<label>pushed in the last <select name="since">${['1d', '7d', '30d', '90d'].map((s) => html`<option${s === filters.since.text ? ' selected' : ''}>${s}</option>`)}</select></label>
<button type="submit" class="secondary">Filter</button></form>`;
}

export function serviceLive(frame: Frame, data: { now: Date; row: ServiceRow; records: DeploymentRecord[]; dora: DoraTiles }, filters: HistoryFilters): Html {
  const { row, now } = data;
  // Something Shipwatch deployed runs now, and nothing is under way: what `shipwatch rollback` would accept.
  const canRollBack = (row.lastDeployment?.outcome === 'deployed' || row.lastGood !== undefined) && row.inFlight.length === 0;
  return html`<p class="as-of">as of ${time(now.toISOString())}</p>
<dl class="facts">
<div><dt>platform</dt><dd>${row.platform?.toUpperCase()} ${row.target}</dd></div>
<div><dt>strategy</dt><dd>${row.strategy}</dd></div>
<div><dt>runs now</dt><dd>${runsNow(row)}</dd></div>
<div><dt>last good release</dt><dd>${row.lastGood ? html`${recordLink(row.name, row.lastGood.recordId)} (${shortRevision(row.lastGood.revision)}, deployed ${time(row.lastGood.deployedAt, now)})` : 'none yet'}</dd></div>
<div><dt>in flight</dt><dd>${inFlightCell(row, now)}</dd></div>
</dl>
${
  canRollBack
    ? actionForm(
        frame,
        '/actions/rollback',
        { service: row.name },
        { text: 'Roll back', kind: 'danger' },
        `Roll ${row.name} back to the release before the one that runs now?`,
        html`<label class="force"><input type="checkbox" name="force" value="1"> force (after a failed rollback)</label> `,
      )
    : ''
}
${doraTiles(data.dora)}
<section aria-labelledby="history-h"><h2 id="history-h">Pushes (${data.records.length})</h2>
${data.records.length === 0 ? html`<p class="muted">No pushes match${filters.outcome || filters.tag ? ' these filters' : ''} in the last ${filters.since.text}.</p>` : ''}
<table class="history"><thead><tr><th scope="col">record</th><th scope="col">tag</th><th scope="col">digest</th><th scope="col">pushed</th><th scope="col">outcome</th><th scope="col">revision</th><th scope="col">reason</th><th scope="col"><span class="visually-hidden">actions</span></th></tr></thead>
<tbody>${data.records.map(
    (
      r,
    ) => html`<tr data-record="${r.recordId}"><td>${recordLink(row.name, r.recordId)}</td><td>${r.tag ?? '-'}</td><td><code>${shortDigest(r.digest)}</code></td><td>${time(r.pushedAt, now)}</td><td>${outcomeBadge(r.outcome, r.phase)}</td><td>${shortRevision(r.revision)}</td><td class="reason">${r.reason ?? ''}</td>
<td>${r.outcome === 'deployed' && r.revision && row.lastGood?.recordId !== r.recordId && canRollBack ? actionForm(frame, '/actions/rollback', { service: row.name, to: r.recordId }, { text: 'Roll back to this', kind: 'secondary small' }, `Roll ${row.name} back to ${r.tag ?? r.recordId} (${shortRevision(r.revision)})?`) : ''}</td></tr>`,
  )}</tbody></table></section>`;
}

// ---- One deployment --------------------------------------------------------

function stepsTable(steps: Step[], now: Date): Html {
  return html`<table class="steps"><thead><tr><th scope="col">step</th><th scope="col">started</th><th scope="col">took</th><th scope="col">looks</th><th scope="col">waited</th></tr></thead>
<tbody>${steps.map(
    (s) => html`<tr data-step="${s.key}" class="${s.endedAt ? '' : 'running'}"><th scope="row">${s.label}</th><td>${time(s.startedAt, now)}</td>
<td>${s.endedAt ? span(Date.parse(s.endedAt) - Date.parse(s.startedAt)) : html`${span(now.getTime() - Date.parse(s.startedAt))} so far ${progressBar(s.progress, `${s.label} progress`)}`}</td>
<td>${s.looks || ''}</td><td>${s.waits ? `${span(s.waitedMs)} in ${s.waits} wait${s.waits === 1 ? '' : 's'}` : ''}</td></tr>`,
  )}</tbody></table>`;
}

function timelineSection(page: DeploymentPage): Html {
  const t = page.timeline;
  const steps = t?.steps ?? [];
  const now = page.now;
  if (steps.length === 0) {
    return html`<section aria-labelledby="steps-h"><h2 id="steps-h">Steps</h2><p class="muted">${page.timelineError ? `The execution's history cannot be read: ${page.timelineError}` : 'No execution history for this record.'}</p></section>`;
  }
  const start = Date.parse(t?.startedAt ?? steps[0]!.startedAt);
  const end = Math.max(t?.endedAt ? Date.parse(t.endedAt) : now.getTime(), ...steps.map((s) => Date.parse(s.endedAt ?? s.startedAt)));
  return html`<section aria-labelledby="steps-h"><h2 id="steps-h">Steps</h2>
<p>Execution ${t?.status === 'RUNNING' ? html`<strong>running</strong> since ${time(t.startedAt, now)}` : html`${t?.status.toLowerCase()} at ${time(t?.endedAt, now)}, after ${span(end - start)}`}.</p>
${stepsChart(steps, start, end)}
${stepsTable(steps, now)}
${page.rollbacks.map((r) => html`<h3>Rollback under way</h3>${stepsTable(r.steps, now)}`)}
</section>`;
}

function scanSection(t: Timeline | undefined, record: DeploymentRecord, now: Date): Html {
  const scan = t?.state?.scan;
  const blocking = scan?.blocking ?? (record.result?.blockingFindings as Finding[] | undefined) ?? [];
  if (!scan?.done && blocking.length === 0) {
    return html`<section aria-labelledby="scan-h"><h2 id="scan-h">Scan</h2><p class="muted">${scan ? `Scanning: ${scan.detail ?? ''}` : 'No scan result recorded.'}</p></section>`;
  }
  const counts = Object.entries(scan?.counts ?? {}).filter(([, n]) => n > 0);
  return html`<section aria-labelledby="scan-h"><h2 id="scan-h">Scan</h2>
${scan?.reason ? html`<p class="${scan.passed ? 'ok' : 'bad'}">${scan.reason}${scan.at ? ` (${time(scan.at, now)})` : ''}</p>` : ''}
${counts.length > 0 ? html`<p>Counted after ignores: ${counts.map(([s, n]) => `${s} ${n}`).join(', ')}</p>` : ''}
${blocking.length > 0 ? html`<h3>Blocking findings${scan?.blockingTotal && scan.blockingTotal > blocking.length ? ` (${blocking.length} of ${scan.blockingTotal})` : ''}</h3><table class="findings"><thead><tr><th scope="col">finding</th><th scope="col">severity</th><th scope="col">package</th></tr></thead><tbody>${blocking.map((f) => html`<tr><td>${f.uri ? html`<a href="${f.uri}" rel="noreferrer noopener" target="_blank">${f.id}</a>` : f.id}</td><td>${f.severity}</td><td>${f.package ?? ''}</td></tr>`)}</tbody></table>` : ''}
${(scan?.ignored ?? []).length > 0 ? html`<h3>Ignored by the policy</h3><table class="findings"><thead><tr><th scope="col">finding</th><th scope="col">severity</th><th scope="col">why</th><th scope="col">until</th></tr></thead><tbody>${scan!.ignored!.map((f) => html`<tr><td>${f.id}</td><td>${f.severity}</td><td>${f.reason}</td><td>${f.until}</td></tr>`)}</tbody></table>` : ''}
</section>`;
}

function approvalSection(frame: Frame, page: DeploymentPage): Html {
  const a = page.approval;
  const decided = page.record.result?.approval ?? page.timeline?.state?.approval;
  if (!a && !decided && !page.service.approval) return html``;
  const now = page.now;
  const waiting = a && !a.decision && page.record.phase === 'awaiting_approval' && Date.parse(a.expiresAt) > now.getTime();
  const label = `${page.record.repository}:${page.record.tag ?? shortDigest(page.record.digest)}`;
  const decision = a?.decision ?? (decided && decided.by !== 'timeout' ? decided : undefined);
  return html`<section aria-labelledby="approval-h" class="approval"><h2 id="approval-h">Approval</h2>
${!a && !decided ? html`<p class="muted">This push did not need approval.</p>` : ''}
${a ? html`<p>Requested of ${a.approvers.join(', ')}; ${waiting ? html`expires ${time(a.expiresAt, now)} (in ${span(Date.parse(a.expiresAt) - now.getTime())})` : html`expiry ${time(a.expiresAt, now)}`}${a.allowSelfApproval ? '' : '; the person who pushed may not approve'}.</p>` : ''}
${decision ? html`<p class="decision" data-decision="${decision.decision}"><strong>${decision.decision}</strong> by ${who(decision.by)} at ${time(decision.at, now)}</p>` : ''}
${decided?.decision === 'expired' ? html`<p class="decision" data-decision="expired"><strong>expired</strong>: nobody decided in time</p>` : ''}
${
  waiting
    ? html`<p class="waiting">Waiting for a decision.</p><div class="actions">
${actionForm(frame, '/actions/approve', { service: page.service.name, recordId: page.record.recordId, approvalId: a.approvalId }, { text: 'Approve', kind: 'primary' }, `Approve ${label}? It deploys to ${page.service.name} once approved.`)}
${actionForm(frame, '/actions/reject', { service: page.service.name, recordId: page.record.recordId, approvalId: a.approvalId }, { text: 'Reject', kind: 'danger' }, `Reject ${label}? The push ends rejected and nothing changes.`)}
</div>`
    : ''
}
</section>`;
}

function verdictList(verdicts: HealthVerdict[]): Html {
  return html`<ul class="verdicts">${verdicts.map((v) => html`<li class="verdict verdict-${v.phase.toLowerCase()}" data-check="${v.check}"><strong>${v.phase}</strong> ${v.message}</li>`)}</ul>`;
}

function healthSection(page: DeploymentPage): Html {
  const chart = page.health;
  const t = page.timeline;
  const bake = t?.state?.bake;
  const verdicts = ((bake?.done ? bake.verdicts : undefined) ?? page.record.result?.health ?? []) as HealthVerdict[];
  if (!chart) {
    const has = page.service.health.alarms.length + page.service.health.metrics.length > 0;
    return html`<section aria-labelledby="health-h"><h2 id="health-h">Health</h2><p class="muted">${has ? 'The bake has not started.' : 'No alarms or metrics are configured for this service.'}</p></section>`;
  }
  const now = page.now;
  return html`<section aria-labelledby="health-h" class="health" data-live="${chart.live ? 'yes' : 'no'}"><h2 id="health-h">Health during the bake</h2>
<p>Judged from ${time(chart.from, now)} ${chart.live ? html`to now (${span(chart.to - chart.from)} of ${page.service.health.bakeMinutes} min)` : html`to ${time(chart.to, now)} (${span(chart.to - chart.from)})${chart.until - chart.to >= 60_000 ? html`; shown to ${time(chart.until, now)}, the end of the execution` : ''}`}. ${chart.live && bake && !bake.done && bake.detail ? html`<span class="look">Last look: ${bake.detail}</span>` : ''}</p>
${verdicts.length > 0 ? verdictList(verdicts) : ''}
${chart.metrics.map(
  (
    m,
  ) => html`<figure class="check" data-check="${m.name}"><figcaption><strong>${m.name}</strong> per ${m.period} s period, failing when ${m.comparison} ${m.threshold}${m.unit}${m.verdict ? html` — <span class="verdict-text verdict-${m.verdict.phase.toLowerCase()}">${m.verdict.message}</span>` : ''}</figcaption>
${m.error ? html`<p class="error">Cannot read the metric: ${m.error}</p>` : healthChart(chart, m, undefined, `${m.name} per period during the bake`, m.verdict?.message ?? '')}
${m.points.length > 0 ? periodTable(m, now) : ''}</figure>`,
)}
${chart.alarms.map(
  (
    a,
  ) => html`<figure class="check alarm" data-alarm="${a.name}"><figcaption><strong>alarm ${a.name}</strong> is ${a.state} now${a.series ? html`; its metric per ${a.series.period} s period against its threshold (${a.series.comparison} ${a.series.threshold})` : ''}; the band on top shows its states.</figcaption>
${a.error ? html`<p class="error">Cannot read its history: ${a.error}</p>` : ''}
${healthChart(chart, a.series, a.bands, `alarm ${a.name} during the bake`, a.bands.map((b) => `${b.state} from ${new Date(b.from).toISOString()} to ${new Date(b.to).toISOString()}`).join('; '))}
<p class="legend"><span class="key band-ok">OK</span> <span class="key band-alarm">ALARM</span> <span class="key band-insufficient_data">insufficient data</span> <span class="key breach">failing period</span> <span class="key missing">no data</span></p>
${a.series && a.series.points.length > 0 ? periodTable(a.series, now) : ''}</figure>`,
)}
</section>`;
}

export function deploymentLive(frame: Frame, page: DeploymentPage): Html {
  const r = page.record;
  const now = page.now;
  const t = page.timeline;
  const running = !r.outcome;
  const current = running && t?.status === 'RUNNING' ? t.steps.at(-1) : undefined;
  const revision = r.revision ?? t?.state?.deploy?.revision;
  return html`<p class="as-of">as of ${time(now.toISOString())}</p>
<section class="summary" aria-labelledby="summary-h"><h2 id="summary-h" class="visually-hidden">Summary</h2>
<p class="outcome-line">${outcomeBadge(r.outcome, current ? current.label : r.phase)} ${r.reason ? html`<span class="reason" data-reason>${r.reason}</span>` : current ? html`<span class="reason">${current.label} since ${time(current.startedAt, now)} ${progressBar(current.progress, `${current.label} progress`)}</span>` : ''}</p>
<dl class="facts">
<div><dt>image</dt><dd><code>${r.imageUri}</code></dd></div>
<div><dt>pushed</dt><dd>${time(r.pushedAt, now)}</dd></div>
<div><dt>revision</dt><dd>${revision ? html`${shortRevision(revision)} (from ${shortRevision(r.previousRevision ?? t?.state?.deploy?.previousRevision)})` : '-'}</dd></div>
</dl>
${page.isRunning ? actionForm(frame, '/actions/rollback', { service: page.service.name }, { text: 'Roll back', kind: 'danger' }, `Roll ${page.service.name} back from ${r.tag ?? r.recordId} to the release before it (${shortRevision(r.previousRevision)})?`) : ''}
${(r.events ?? []).length > 0 ? html`<h3>Recorded</h3><ul class="events">${r.events!.map((e) => html`<li>${time(e.at, now)}: ${e.what}</li>`)}</ul>` : ''}
</section>
${approvalSection(frame, page)}
${pauseSection(frame, page)}
${progressSection(page)}
${timelineSection(page)}
${scanSection(t, r, now)}
${healthSection(page)}`;
}
