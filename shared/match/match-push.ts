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
  return config.services.filter((service) => matchesService(service, release));
}

/** Does a push of this image deploy to this service? (See matchServices.) */
export function matchesService(service: ServiceConfig, release: Pick<Release, 'repository' | 'tag'>): boolean {
  if (service.image.repository !== release.repository) return false;
  const tag = release.tag ?? '';
  return service.image.tags.some((glob) => tagMatches(glob, tag) || (tag === '' && glob === '*'));
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The first 12 hex digits of a digest (as ECR and `docker images` show it), or of its hash when it is not hex. */
function digestPart(digest: string): string {
  const hex = digest.includes(':') ? digest.slice(digest.indexOf(':') + 1) : digest;
  return /^[a-f0-9]{12,}$/.test(hex) ? hex.slice(0, 12) : sha256(digest).slice(0, 12);
}

/**
 * The execution of one push event for one service. EventBridge delivers an
 * event at least once, each delivery with the event's own `id`; a new tag on
 * an image, even one pushed in the same second, is a new event with a new id.
 * So the name is made of service, digest and event id: a duplicate delivery
 * gets the same name and Step Functions starts nothing (ExecutionAlreadyExists,
 * or the running execution), while a new tag starts a new execution. Names
 * allow 80 characters of [A-Za-z0-9-_]: service (≤ 40, checked by the config
 * schema), 12 hex of the digest, 24 hex of the event id's SHA-256.
 */
export function executionName(service: string, digest: string, eventId: string): string {
  return `${service}-${digestPart(digest)}-${sha256(eventId).slice(0, 24)}`;
}

/**
 * The execution of `shipwatch deploy`: `<service>-deploy-<12 hex of the digest>-<epoch ms>`,
 * as `shipwatch rollback` names its own (`<service>-rollback-<epoch ms>`); no push
 * name has `deploy` where the digest goes. At most 40 + 8 + 12 + 1 + 13 = 74 characters.
 */
export function deployExecutionName(service: string, digest: string, at: Date): string {
  return `${service}-deploy-${digestPart(digest)}-${at.getTime()}`;
}
