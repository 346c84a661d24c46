import { createHash } from 'node:crypto';
import type { Config, ServiceConfig } from '../config/schema.js';
import type { Release } from '../release/release.js';
import { tagMatches } from './tag-glob.js';

/**
 * The services a push deploys to: same repository, and a tag that matches one
 * of the service's globs. A push by digest only (no tag) matches services
 * whose globs accept anything (`*`), since nothing narrower can be checked.
 */
export function matchServices(config: Config, release: Pick<Release, 'repository' | 'tag'>): ServiceConfig[] {
  return config.services.filter((service) => {
    if (service.image.repository !== release.repository) return false;
    const tag = release.tag ?? '';
    return service.image.tags.some((glob) => tagMatches(glob, tag) || (tag === '' && glob === '*'));
  });
}

/**
 * Step Functions refuses a second execution with the same name, so naming it
 * after service and digest makes a duplicate EventBridge delivery a no-op.
 * Names allow 80 characters of [A-Za-z0-9-_]: service (≤ 40, already checked
 * by the config schema) + '-' + 39 hex of the digest's own hash.
 */
export function executionName(service: string, digest: string): string {
  const hex = digest.includes(':') ? digest.slice(digest.indexOf(':') + 1) : digest;
  const id = /^[a-f0-9]{39,}$/.test(hex) ? hex.slice(0, 39) : createHash('sha256').update(digest).digest('hex').slice(0, 39);
  return `${service}-${id}`;
}
