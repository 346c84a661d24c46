import type { Band, HealthChart, Period, Series } from '../health.js';
import type { Step } from '../timeline.js';
import { html, raw, type Html } from '../html.js';
import { clock, num, OUTCOME_LABELS, span, time } from './format.js';

// Charts as SVG written by the server: no charting library, nothing to
// download, and every mark is in the DOM with a <title>, so screen readers,
// tests and a text browser's "view source" read the same numbers the
// verdict used. Colours come from dashboard.css; each mark also says what
// it is in words (title, data attributes, the data table beside it).

const W = 760;
const H = 230;
const M = { left: 60, right: 18, top: 34, bottom: 30 };
const BAND = 14;

let ids = 0;
const uid = (prefix: string) => `${prefix}${(ids = (ids + 1) % 1e9)}`;

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const STATE_TEXT: Record<string, string> = { OK: 'OK', ALARM: 'ALARM', INSUFFICIENT_DATA: 'insufficient data' };

/** Round values for the value axis, from at most `low` to at least `high`: 0, 20, 40, 60… */
function valueTicks(low: number, high: number): number[] {
  const raw = (high - low) / 4 || 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let v = Math.floor(low / step) * step; v < high + step - 1e-12; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks.length >= 2 ? ticks : [low, high];
}

/** Ticks at a whole number of minutes, about six of them. */
function timeTicks(from: number, to: number): number[] {
  const minutes = Math.max(1, (to - from) / 60_000);
  const step = [1, 2, 5, 10, 15, 30, 60, 120, 240].find((s) => minutes / s <= 6) ?? 480;
  const ms = step * 60_000;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / ms) * ms; t <= to; t += ms) ticks.push(t);
  return ticks;
}

/**
 * One check over the bake: a value per period against the threshold line,
 * breaching periods marked, periods without data left as hatched gaps (they
 * are inconclusive, never healthy), and alarm states as a band on top.
 */
export function healthChart(chart: HealthChart, series: Series | undefined, bands: Band[] | undefined, title: string, description: string): Html {
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const from = chart.from;
  const to = Math.max(chart.axisTo, chart.from + 60_000);
  const x = (t: number) => M.left + ((Math.min(Math.max(t, from), to) - from) / (to - from)) * plotW;
  const period = (series?.period ?? 60) * 1000;
  const points = series?.points ?? [];
  const values = points.map((p) => p.value).filter((v): v is number => v !== undefined);
  const threshold = series?.threshold;
  const ticks = valueTicks(Math.min(0, ...values), Math.max(...values, threshold !== undefined ? threshold * 1.25 : 1, 1e-9));
  const bottom = ticks[0]!;
  const top = ticks.at(-1)!;
  const y = (v: number) => M.top + plotH - ((v - bottom) / (top - bottom)) * plotH;
  const hatch = uid('hatch');
  const titleId = uid('t');
  const descId = uid('d');
  const unit = series?.unit ?? '';
  const parts: string[] = [];

  parts.push(
    `<defs><pattern id="${hatch}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" class="hatch-line"/></pattern></defs>`,
  );
  parts.push(`<rect class="plot" x="${M.left}" y="${M.top}" width="${plotW}" height="${plotH}"/>`);
  // Axes: time below, values on the left.
  for (const t of timeTicks(from, to)) {
    parts.push(
      `<line class="grid" x1="${x(t)}" x2="${x(t)}" y1="${M.top}" y2="${M.top + plotH}"/><text class="tick" x="${x(t)}" y="${H - 10}" text-anchor="middle">${clock(t)}</text>`,
    );
  }
  for (const v of ticks) {
    parts.push(
      `<line class="grid" x1="${M.left}" x2="${M.left + plotW}" y1="${y(v)}" y2="${y(v)}"/><text class="tick" x="${M.left - 6}" y="${y(v) + 4}" text-anchor="end">${esc(num(v))}${esc(unit)}</text>`,
    );
  }
  // Alarm states: a band along the top.
  for (const b of bands ?? []) {
    const label = `${STATE_TEXT[b.state] ?? b.state} ${clock(b.from)}–${clock(b.to)}Z`;
    parts.push(
      `<rect class="band band-${b.state.toLowerCase()}" data-alarm-state="${b.state}" x="${x(b.from)}" y="${M.top - BAND - 4}" width="${Math.max(1, x(b.to) - x(b.from))}" height="${BAND}"><title>${esc(label)}</title></rect>`,
    );
  }
  // Periods without a datapoint: gaps, hatched.
  for (const p of points.filter((p) => p.value === undefined)) {
    parts.push(
      `<rect class="missing" data-state="missing" data-period="${new Date(p.start).toISOString()}" x="${x(p.start)}" y="${M.top}" width="${Math.max(1, x(p.start + period) - x(p.start))}" height="${plotH}" fill="url(#${hatch})"><title>${esc(`${clock(p.start)}–${clock(p.start + period)}Z: no data (inconclusive)`)}</title></rect>`,
    );
  }
  // The line, broken at each gap.
  let d = '';
  let pen = false;
  for (const p of points) {
    if (p.value === undefined) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x(p.start + period / 2).toFixed(1)},${y(p.value).toFixed(1)}`;
    pen = true;
  }
  if (d) parts.push(`<path class="line" d="${d}"/>`);
  if (threshold !== undefined && series) {
    parts.push(
      `<line class="threshold" x1="${M.left}" x2="${M.left + plotW}" y1="${y(threshold)}" y2="${y(threshold)}"><title>${esc(`threshold: failing when ${series.comparison} ${num(threshold)}${unit}`)}</title></line>`,
    );
    parts.push(
      `<text class="threshold-label" x="${M.left + plotW - 4}" y="${y(threshold) - 5}" text-anchor="end">${esc(`${series.comparison} ${num(threshold)}${unit}`)}</text>`,
    );
  }
  for (const p of points.filter((p): p is Period & { value: number } => p.value !== undefined)) {
    const what = `${clock(p.start)}–${clock(p.start + period)}Z: ${num(p.value)}${unit}${p.breaching ? ` (${series!.comparison} ${num(series!.threshold)}${unit}: failing)` : ''}${p.after ? ', after the verdict' : ''}`;
    parts.push(
      `<circle class="${p.breaching ? 'point breach' : 'point'}${p.after ? ' after' : ''}" data-state="${p.breaching ? 'breach' : 'ok'}"${p.after ? ' data-after="yes"' : ''} data-period="${new Date(p.start).toISOString()}" data-value="${p.value}" cx="${x(p.start + period / 2).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="${p.breaching ? 5 : 3.5}"><title>${esc(what)}</title></circle>`,
    );
  }
  // Where the judging stopped (the verdict), and now while it runs.
  if (chart.live && chart.to < to) {
    parts.push(
      `<line class="now" x1="${x(chart.to)}" x2="${x(chart.to)}" y1="${M.top - BAND - 6}" y2="${M.top + plotH}"/><text class="now-label" x="${x(chart.to) + 4}" y="${M.top + 12}">now</text>`,
    );
  }
  if (!chart.live) {
    const label = chart.ended === 'healthy' ? 'bake ended: healthy' : chart.ended === 'unhealthy' ? 'verdict: unhealthy, rolled back' : 'bake stopped';
    parts.push(
      `<line class="verdict-line" x1="${x(chart.to)}" x2="${x(chart.to)}" y1="${M.top - BAND - 6}" y2="${M.top + plotH}"><title>${esc(`${label} at ${clock(chart.to)}Z`)}</title></line><text class="now-label" x="${x(chart.to) + (x(chart.to) > M.left + plotW - 130 ? -4 : 4)}" y="${M.top + plotH - 6}" text-anchor="${x(chart.to) > M.left + plotW - 130 ? 'end' : 'start'}">${label}</text>`,
    );
  }
  return raw(
    `<svg class="chart health-chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${titleId} ${descId}" data-points="${points.length}"><title id="${titleId}">${esc(title)}</title><desc id="${descId}">${esc(description)}</desc>${parts.join('')}</svg>`,
  );
}

/** The same numbers as a table, for screen readers and anyone who wants them exact. */
export function periodTable(series: Series, now: Date): Html {
  return html`<details class="data"><summary>${series.name}: the ${series.points.length} periods as a table</summary>
    <table><thead><tr><th scope="col">period</th><th scope="col">value</th><th scope="col">judged</th></tr></thead><tbody>
    ${series.points.map(
      (p) =>
        html`<tr><td>${time(p.start, now)} – ${clock(p.start + series.period * 1000)}Z</td><td>${p.value === undefined ? 'no data' : `${num(p.value)}${series.unit}`}</td><td>${p.value === undefined ? 'inconclusive' : p.breaching ? `failing (${series.comparison} ${num(series.threshold)}${series.unit})` : 'ok'}</td></tr>`,
    )}
    </tbody></table></details>`;
}

/** Recent outcomes, oldest first: one square each, in the outcome's colour, with its name. */
export function outcomeSparkline(recent: { recordId: string; tag?: string; outcome?: string; phase: string }[]): Html {
  const size = 10;
  const gap = 3;
  const counts = new Map<string, number>();
  for (const r of recent) counts.set(r.outcome ?? 'in flight', (counts.get(r.outcome ?? 'in flight') ?? 0) + 1);
  const label =
    recent.length === 0 ? 'no pushes yet' : `last ${recent.length} pushes: ${[...counts].map(([o, n]) => `${n} ${OUTCOME_LABELS[o] ?? o}`).join(', ')}`;
  const marks = recent.map((r, i) => {
    const outcome = r.outcome ?? 'in-flight';
    return `<rect class="spark spark-${outcome.replace('_', '-')}" data-outcome="${esc(outcome)}" x="${i * (size + gap)}" y="0" width="${size}" height="${size}" rx="2"><title>${esc(`${r.tag ?? r.recordId}: ${OUTCOME_LABELS[r.outcome ?? ''] ?? r.phase.replace('_', ' ')}`)}</title></rect>`;
  });
  return raw(
    `<svg class="sparkline" viewBox="0 0 ${Math.max(1, recent.length * (size + gap))} ${size}" width="${Math.max(1, recent.length * (size + gap))}" height="${size}" role="img" aria-label="${esc(label)}">${marks.join('')}</svg>`,
  );
}

/** A DORA key's course over the window's six parts (a gap where it had no data). */
export function trendSparkline(values: (number | undefined)[], label: string): Html {
  const w = 120;
  const h = 28;
  const present = values.filter((v): v is number => v !== undefined);
  const max = Math.max(...present, 1e-9);
  const min = Math.min(...present, 0);
  const x = (i: number) => 2 + (i / Math.max(1, values.length - 1)) * (w - 4);
  const y = (v: number) => h - 3 - ((v - min) / (max - min || 1)) * (h - 6);
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === undefined) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  });
  const dots = values.map((v, i) => (v === undefined ? '' : `<circle class="trend-dot" cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2"/>`)).join('');
  return raw(
    `<svg class="trend" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(label)}"><path class="trend-line" d="${d}"/>${dots}</svg>`,
  );
}

/** The steps on one time axis: when each started and ended, the running one up to now. */
export function stepsChart(steps: Step[], start: number, end: number): Html {
  const rowH = 22;
  const left = 130;
  const w = W;
  const h = steps.length * rowH + 26;
  const plotW = w - left - M.right;
  const range = Math.max(end - start, 1000);
  const x = (t: number) => left + ((t - start) / range) * plotW;
  const parts: string[] = [];
  for (const t of timeTicks(start, end))
    parts.push(
      `<line class="grid" x1="${x(t)}" x2="${x(t)}" y1="0" y2="${h - 22}"/><text class="tick" x="${x(t)}" y="${h - 8}" text-anchor="middle">${clock(t)}</text>`,
    );
  steps.forEach((s, i) => {
    const a = Date.parse(s.startedAt);
    const b = s.endedAt ? Date.parse(s.endedAt) : end;
    const yy = i * rowH + 4;
    const what = `${s.label}: ${clock(a)}Z–${s.endedAt ? `${clock(b)}Z` : 'now'} (${span(b - a)}${s.waits ? `, waited ${span(s.waitedMs)}` : ''})`;
    parts.push(`<text class="step-label" x="${left - 8}" y="${yy + 13}" text-anchor="end">${esc(s.label)}</text>`);
    parts.push(
      `<rect class="step step-${esc(s.key)}${s.endedAt ? '' : ' running'}" x="${x(a).toFixed(1)}" y="${yy}" width="${Math.max(2, x(b) - x(a)).toFixed(1)}" height="${rowH - 8}" rx="3"><title>${esc(what)}</title></rect>`,
    );
  });
  return raw(
    `<svg class="chart steps-chart" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(`the deployment's ${steps.length} steps on a time axis; the table below lists them`)}">${parts.join('')}</svg>`,
  );
}
