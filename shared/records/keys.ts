import { createHash } from 'node:crypto';
import type { Release } from '../release/release.js';

// One table, two kinds of item per service:
//   pk SVC#<service>, sk STATE          the service: newest push, lease, last good release
//   pk SVC#<service>, sk REC#<recordId>  one record per push (sorts by push time)
// and approvals under pk APPROVAL#<id>.

export const servicePk = (service: string) => `SVC#${service}`;
export const STATE_SK = 'STATE';
export const recordSk = (recordId: string) => `REC#${recordId}`;
export const approvalPk = (approvalId: string) => `APPROVAL#${approvalId}`;

/** `20261102T093000Z`: a push time as record ids begin with it (EventBridge times are whole seconds). */
export function recordTimeOf(pushedAt: string): string {
  return new Date(pushedAt)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

/**
 * `20261102T093000Z-a882867ff7a6-1c0f9e2b`: push time, then digest, then the
 * push event's id (8 hex of its SHA-256), so records sort by push and stay
 * readable. One record per push event: a duplicate delivery finds its record,
 * while two tags of one image pushed in the same second (`docker push` of `v2`
 * and `latest`) are two events and two records, of which the newest wins.
 */
export function recordIdOf(release: Pick<Release, 'pushedAt' | 'digest' | 'eventId'>): string {
  const hex = release.digest.slice(release.digest.indexOf(':') + 1, release.digest.indexOf(':') + 13);
  return `${recordTimeOf(release.pushedAt)}-${hex}-${createHash('sha256').update(release.eventId).digest('hex').slice(0, 8)}`;
}
