// What an EKS cluster's authenticator (aws-iam-authenticator, pkg/token/token.go
// `Verify`) checks in a bearer token before it asks STS who signed it, in its
// order and with its messages, plus what STS itself would refuse outright (a
// URL that is not signed at all). The signature is not verified: the
// simulated cloud knows no secret keys, so the cluster binding carried by the
// signed x-k8s-aws-id header is checked for presence, not for its value.

export const TOKEN_PREFIX = 'k8s-aws-v1.';
/** maxTokenLenBytes in the authenticator. */
export const MAX_TOKEN_BYTES = 4096;
/** EKS accepts a token for 15 minutes after X-Amz-Date, whatever X-Amz-Expires says. */
export const TOKEN_VALIDITY_MS = 15 * 60_000;

const ALLOWED_PARAMETERS = new Set([
  'action',
  'version',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-signedheaders',
]);

export type TokenFormat = { ok: true; region: string; signedAt: number; query: Map<string, string> } | { ok: false; why: string };
export type TokenCheck = { ok: true; region: string; signedAt: number; accessKeyId: string } | { ok: false; why: string };

const refuse = (why: string): { ok: false; why: string } => ({ ok: false, why });

/** The region of an STS host, as the authenticator parses it (global endpoint: us-east-1). */
function regionOf(host: string): string | undefined {
  if (host === 'sts.amazonaws.com') return 'us-east-1';
  return /^sts\.([a-z0-9-]+)\.(?:amazonaws\.com(?:\.cn)?|c2s\.ic\.gov|sc2s\.sgov\.gov)$/.exec(host)?.[1];
}

/**
 * The authenticator's checks before it calls STS, at `now` (simulated time).
 * A token signed "in the future" is accepted on purpose: the simulated clock
 * starts over for each run in one process while a warm handler keeps its
 * cached token, which the real world's clocks never do.
 */
export function checkTokenFormat(token: string, now: number): TokenFormat {
  if (token.length > MAX_TOKEN_BYTES) return refuse('token is too large');
  if (!token.startsWith(TOKEN_PREFIX)) return refuse(`token is missing expected "${TOKEN_PREFIX}" prefix`);
  const encoded = token.slice(TOKEN_PREFIX.length);
  // Go's base64.RawURLEncoding: URL alphabet, no padding, no length of 4n+1.
  if (!/^[A-Za-z0-9_-]*$/.test(encoded) || encoded.length % 4 === 1) return refuse('illegal base64 data');
  const text = Buffer.from(encoded, 'base64url').toString('utf8');

  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(text)?.[1];
  if (!scheme) return refuse('input token was not properly formatted: missing protocol scheme');
  if (scheme.toLowerCase() !== 'https') return refuse(`unexpected scheme ${scheme} in pre-signed URL`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return refuse('input token was not properly formatted: invalid URL');
  }
  const region = regionOf(url.host);
  if (!region) return refuse(`input token was not properly formatted: could not parse region for pre-signed URL ${url.host}, invalid host format: ${url.host}`);
  if (url.pathname !== '/') return refuse('unexpected path in pre-signed URL');

  const exact = new Map<string, string[]>();
  for (const pair of url.search.replace(/^\?/, '').split('&').filter(Boolean)) {
    const [rawName = '', rawValue = ''] = pair.split(/=(.*)/s);
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      return refuse('input token was not properly formatted: malformed query parameter');
    }
    exact.set(name, [...(exact.get(name) ?? []), value]);
  }
  const query = new Map<string, string>();
  for (const [name, values] of exact) {
    if (!ALLOWED_PARAMETERS.has(name.toLowerCase())) return refuse(`non-whitelisted query parameter ${name}`);
    if (values.length > 1) return refuse('query parameter with multiple values not supported');
    if (query.has(name.toLowerCase())) return refuse(`input token was not properly formatted: duplicate query parameter found: ${name}`);
    query.set(name.toLowerCase(), values[0]!);
  }

  if (query.get('action') !== 'GetCallerIdentity') return refuse('unexpected action parameter in pre-signed URL');
  const signed = (query.get('x-amz-signedheaders') ?? '').split(';');
  if (!signed.includes('x-k8s-aws-id')) return refuse('client did not sign the x-k8s-aws-id header in the pre-signed URL');
  const expires = Number(query.get('x-amz-expires'));
  if (!Number.isInteger(expires) || expires < 0 || expires * 1000 > TOKEN_VALIDITY_MS) return refuse('invalid X-Amz-Expires parameter in pre-signed URL');
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(query.get('x-amz-date') ?? '');
  if (!date) return refuse('error parsing X-Amz-Date parameter');
  const signedAt = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]), Number(date[4]), Number(date[5]), Number(date[6]));
  if (now > signedAt + TOKEN_VALIDITY_MS) return refuse(`X-Amz-Date parameter is expired (15 minute expiration) ${query.get('x-amz-date')}`);
  return { ok: true, region, signedAt, query };
}

/** The authenticator's checks, then what STS answers to a URL that is not a SigV4 presigned request at all. */
export function verifyEksToken(token: string, now: number): TokenCheck {
  const format = checkTokenFormat(token, now);
  if (!format.ok) return format;
  const { query, region, signedAt } = format;
  const signed = (query.get('x-amz-signedheaders') ?? '').split(';');
  const credential = query.get('x-amz-credential') ?? '';
  if (query.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256' || !credential || !query.get('x-amz-signature') || !signed.includes('host')) {
    return refuse(
      'STS: the pre-signed URL is not signed with SigV4 (X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature and a signed host header are required)',
    );
  }
  return { ok: true, region, signedAt, accessKeyId: credential.split('/')[0]! };
}
