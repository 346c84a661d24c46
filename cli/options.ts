import { InvalidArgumentError } from 'commander';

// Typed option values: each parser says what is wrong in the terms of the
// command line (commander prefixes the option's name), so a bad value never
// reaches an SDK call as a NaN or an empty string.

/** A whole number within [min, max]. */
export function wholeNumber(min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got "${value}"`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got ${n}`);
    return n;
  };
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

/** A span back from now: `30d`, `12h`, `2w`, `90m`. */
export function parseSpan(value: string): { text: string; ms: number } {
  const match = /^(\d+)\s*([mhdw])$/.exec(value.trim());
  if (!match || Number(match[1]) === 0)
    throw new InvalidArgumentError(`expected a span such as 30d, 12h, 2w or 90m (minutes, hours, days, weeks), got "${value}"`);
  return { text: `${match[1]}${match[2]}`, ms: Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] };
}

/** An AWS region name as the SDK expects it (us-east-1, eu-west-1, us-gov-west-1, cn-north-1). */
export function parseRegion(value: string): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(value)) throw new InvalidArgumentError(`expected a region name such as eu-west-1, got "${value}"`);
  return value;
}

/** A Shipwatch stage (the `--stage` given to `serverless deploy`): the stack is `shipwatch-<stage>`. */
export function parseStage(value: string): string {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(value)) throw new InvalidArgumentError(`expected a stage name (letters, digits and -), got "${value}"`);
  return value;
}

export interface ImageRef {
  repository: string;
  tag?: string;
  digest?: string;
}

const REPOSITORY = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** `<repository>:<tag>[@digest]` or `<repository>@<digest>`, as `docker push` names an image (a registry host in front is allowed and dropped). */
export function parseImageRef(value: string): ImageRef {
  const usage = `expected <repository>:<tag>[@sha256:<digest>] or <repository>@sha256:<digest>, got "${value}"`;
  const [name, digest, extra] = value.split('@');
  if (extra !== undefined || !name) throw new InvalidArgumentError(usage);
  // A registry host (…amazonaws.com/) in front: the repository is the rest.
  const path = /^[^/]+\.[^/]+\//.test(name) ? name.slice(name.indexOf('/') + 1) : name;
  const colon = path.lastIndexOf(':');
  const repository = colon >= 0 ? path.slice(0, colon) : path;
  const tag = colon >= 0 ? path.slice(colon + 1) : undefined;
  if (!REPOSITORY.test(repository))
    throw new InvalidArgumentError(`"${repository}" is not an ECR repository name (lower-case letters, digits, . _ - and /); ${usage}`);
  if (tag !== undefined && !TAG.test(tag)) throw new InvalidArgumentError(`"${tag}" is not an image tag (letters, digits, _ . -, at most 128); ${usage}`);
  if (digest !== undefined && !DIGEST.test(digest)) throw new InvalidArgumentError(`"${digest}" is not an image digest (sha256: and 64 hex digits); ${usage}`);
  if (tag === undefined && digest === undefined) throw new InvalidArgumentError(`no tag or digest; ${usage}`);
  return { repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** `shipwatch deploy`'s image: a tag of the service's repository, or a digest (sha256: and 64 hex digits). */
export function parseTagOrDigest(value: string): { tag: string } | { digest: string } {
  if (value.startsWith('sha256:')) {
    if (!DIGEST.test(value)) throw new InvalidArgumentError(`"${value}" is not an image digest (sha256: and 64 hex digits)`);
    return { digest: value };
  }
  if (!TAG.test(value)) throw new InvalidArgumentError(`expected a tag (letters, digits, _ . -, at most 128) or a digest (sha256:…), got "${value}"`);
  return { tag: value };
}
