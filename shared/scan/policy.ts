import type { ScanPolicy } from '../config/schema.js';
import { SEVERITIES, type Severity } from '../config/severities.js';
import type { Finding } from './findings.js';

export interface IgnoredFinding extends Finding {
  reason: string;
  until: string;
}

export interface ScanVerdict {
  passed: boolean;
  /** Counts after ignores, per severity. */
  counts: Record<Severity, number>;
  blocking: Finding[];
  ignored: IgnoredFinding[];
  reason: string;
}

const rank = (s: Severity): number => SEVERITIES.length - SEVERITIES.indexOf(s);

/** An ignore entry holds through the whole of its `until` day (UTC), then stops ignoring. */
export function isIgnoreActive(until: string, now: Date): boolean {
  return now.getTime() < Date.parse(`${until}T00:00:00Z`) + 24 * 3600 * 1000;
}

/** Pure: applies the service's scan policy to findings of either scan type. */
export function evaluateScan(findings: readonly Finding[], policy: ScanPolicy, now: Date): ScanVerdict {
  const ignored: IgnoredFinding[] = [];
  const counted: Finding[] = [];
  for (const finding of findings) {
    // Only live entries count, so a renewed entry works even with the expired one still listed.
    const entry = policy.ignore.find((e) => (e.id === finding.id || (finding.arn !== undefined && e.id === finding.arn)) && isIgnoreActive(e.until, now));
    if (entry) ignored.push({ ...finding, reason: entry.reason, until: entry.until });
    else counted.push(finding);
  }

  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of counted) counts[f.severity] += 1;

  const reasons: string[] = [];
  const blocking = new Set<Finding>();
  if (policy.blockAt !== 'none') {
    const floor = rank(policy.blockAt);
    const over = counted.filter((f) => rank(f.severity) >= floor);
    if (over.length > 0) {
      over.forEach((f) => blocking.add(f));
      reasons.push(`${over.length} finding${over.length === 1 ? '' : 's'} at or above ${policy.blockAt}`);
    }
  }
  for (const severity of SEVERITIES) {
    const max = policy.maxCounts?.[severity];
    if (max !== undefined && counts[severity] > max) {
      counted.filter((f) => f.severity === severity).forEach((f) => blocking.add(f));
      reasons.push(`${counts[severity]} ${severity} > maximum ${max}`);
    }
  }

  const ordered = [...blocking].sort((a, b) => rank(b.severity) - rank(a.severity) || a.id.localeCompare(b.id));
  const summary =
    SEVERITIES.filter((s) => counts[s] > 0)
      .map((s) => `${s} ${counts[s]}`)
      .join(', ') || 'no findings';
  const ignoredNote = ignored.length > 0 ? ` (${ignored.length} ignored)` : '';
  return {
    passed: ordered.length === 0,
    counts,
    blocking: ordered,
    ignored,
    reason:
      ordered.length === 0
        ? `scan passed: ${summary}${ignoredNote}`
        : `scan blocked: ${reasons.join('; ')} (${ordered
            .slice(0, 5)
            .map((f) => f.id)
            .join(', ')}${ordered.length > 5 ? ', …' : ''})${ignoredNote}`,
  };
}
