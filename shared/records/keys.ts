import type { Release } from '../release/release.js';

// One table, two kinds of item per service:
//   pk SVC#<service>, sk STATE          the service: newest push, lease, last good release
//   pk SVC#<service>, sk REC#<recordId>  one record per push (sorts by push time)
// and approvals under pk APPROVAL#<id>.

export const servicePk = (service: string) => `SVC#${service}`;
export const STATE_SK = 'STATE';
export const recordSk = (recordId: string) => `REC#${recordId}`;
export const approvalPk = (approvalId: string) => `APPROVAL#${approvalId}`;

/** `20261102T093000Z-a882867ff7a6`: push time then digest, so records sort by push and stay readable. */
export function recordIdOf(release: Pick<Release, 'pushedAt' | 'digest'>): string {
  const time = new Date(release.pushedAt).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  const hex = release.digest.slice(release.digest.indexOf(':') + 1, release.digest.indexOf(':') + 13);
  return `${time}-${hex}`;
}
