import { shortRevision as followRevision } from '../../follow/progress.js';
import { duration } from '../../stats/percentile.js';

/** `10:42:05Z` for today's times, `2026-11-02 10:42Z` otherwise (UTC, as the records and the CLI show them). */
export function time(iso: string | number | undefined, now?: Date): string {
  if (iso === undefined || iso === '') return '-';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const text = d.toISOString();
  return now && text.slice(0, 10) === now.toISOString().slice(0, 10) ? `${text.slice(11, 19)}Z` : `${text.slice(0, 10)} ${text.slice(11, 16)}Z`;
}

/** `HH:MM` of an epoch-ms instant, for axis ticks. */
export const clock = (ms: number) => new Date(ms).toISOString().slice(11, 16);

/** A span of milliseconds: `45s`, `3m20s`, `1h05m`. */
export const span = (ms: number | undefined) => (ms === undefined ? '-' : duration(Math.max(0, ms) / 1000));

/** Since when, from now: `3m20s ago`. */
export const ago = (iso: string | undefined, now: Date) => (iso ? `${span(now.getTime() - Date.parse(iso))} ago` : '-');

export const shortDigest = (digest: string | undefined) => (digest ? digest.slice(digest.indexOf(':') + 1, digest.indexOf(':') + 13) : '-');

/** `checkout:4` for a task-definition ARN; an image reference as its repository and short digest (as `shipwatch follow` shows them). */
export const shortRevision = (revision: string | undefined) => (revision ? followRevision(revision) : '-');

/** A number for people: at most three significant digits. */
export const num = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3))));

/** `alice@example.com (AWSReservedSSO_Deployers…)` from a role session ARN; the user name from an IAM user's; Slack ids as they are. */
export function who(by: string | undefined): string {
  if (!by) return 'someone';
  const assumed = /:assumed-role\/([^/]+)\/(.+)$/.exec(by);
  if (assumed) return `${assumed[2]} (role ${assumed[1]})`;
  const user = /:user\/(?:.*\/)?([^/]+)$/.exec(by);
  if (user) return `${user[1]} (IAM user)`;
  if (/^[UW][A-Z0-9]+$/.test(by)) return `Slack user ${by}`;
  return by;
}

export const OUTCOME_LABELS: Record<string, string> = {
  deployed: 'deployed',
  rolled_back: 'rolled back',
  rollback_failed: 'rollback failed',
  blocked: 'blocked',
  rejected: 'rejected',
  expired: 'expired',
  superseded: 'superseded',
  failed: 'failed',
};
