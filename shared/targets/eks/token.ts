import { Sha256 } from '@smithy/core/checksum';
import { dnsSuffix } from '../../aws/partition.js';
import { SignatureV4 } from '@smithy/signature-v4';

// An EKS bearer token is what `aws eks get-token` and aws-iam-authenticator
// produce: "k8s-aws-v1." + base64url (no padding) of an STS GetCallerIdentity
// URL, presigned with the cluster name in the signed header x-k8s-aws-id. The
// API server's authenticator calls that URL to learn who we are; the header
// binds the token to one cluster.

export const TOKEN_PREFIX = 'k8s-aws-v1.';
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
/** X-Amz-Expires of the presigned URL, as the CLI and the authenticator set it; EKS accepts the token for 15 minutes after X-Amz-Date whatever it says. */
export const PRESIGNED_URL_EXPIRES_SECONDS = 60;
/** The expiration the CLI reports: 15 minutes of validity less one for clock skew. */
export const TOKEN_LIFETIME_MS = 14 * 60_000;
/** A cached token is replaced this long before its expiration. */
export const TOKEN_REFRESH_BEFORE_MS = 60_000;

/** Structurally the SDK's AwsCredentialIdentity, so a client's `config.credentials` fits. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
export type CredentialSource = AwsCredentials | (() => Promise<AwsCredentials>);

export interface EksToken {
  token: string;
  expiresAt: Date;
}

/** The regional STS endpoint in the region's partition, as the CLI uses it. */
export function stsHost(region: string): string {
  return `sts.${region}.${dnsSuffix(region)}`;
}

/** RFC 3986 escaping, as SigV4 and Go's url.QueryEscape agree on for these values (none has a space). */
const rfc3986 = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** One token for `cluster`, signed at `now`. */
export async function eksToken(input: { cluster: string; region: string; credentials: CredentialSource; now: Date }): Promise<EksToken> {
  const credentials = typeof input.credentials === 'function' ? await input.credentials() : input.credentials;
  const hostname = stsHost(input.region);
  const signer = new SignatureV4({ service: 'sts', region: input.region, credentials, sha256: Sha256, applyChecksum: false });
  const presigned = await signer.presign(
    {
      method: 'GET',
      protocol: 'https:',
      hostname,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: hostname, [CLUSTER_ID_HEADER]: input.cluster },
    },
    { signingDate: input.now, expiresIn: PRESIGNED_URL_EXPIRES_SECONDS },
  );

  // Byte for byte what aws-iam-authenticator (aws-sdk-go) emits: the query
  // sorted by name, the signature appended last. The authenticator on the
  // server side accepts any order, but a reproducible token is testable.
  const query = presigned.query ?? {};
  const signature = query['X-Amz-Signature'];
  if (typeof signature !== 'string') throw new Error('SigV4 presign returned no X-Amz-Signature');
  const pairs = Object.keys(query)
    .filter((name) => name !== 'X-Amz-Signature')
    .sort()
    .map((name) => `${rfc3986(name)}=${rfc3986(String(query[name]))}`);
  const url = `https://${hostname}/?${[...pairs, `X-Amz-Signature=${rfc3986(signature)}`].join('&')}`;

  return {
    token: TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url'),
    expiresAt: new Date(input.now.getTime() + TOKEN_LIFETIME_MS),
  };
}

/**
 * Tokens per cluster and region, reused until `TOKEN_REFRESH_BEFORE_MS`
 * before they expire (or before the credentials that signed them do), so a
 * warm Lambda signs about once every 13 minutes.
 */
export function eksTokenCache(deps: { credentials: CredentialSource; now?: () => Date }) {
  const clock = deps.now ?? (() => new Date());
  const cache = new Map<string, Promise<{ token: string; reuseUntil: number }>>();

  async function sign(cluster: string, region: string) {
    const credentials = typeof deps.credentials === 'function' ? await deps.credentials() : deps.credentials;
    const { token, expiresAt } = await eksToken({ cluster, region, credentials, now: clock() });
    const until = Math.min(expiresAt.getTime(), credentials.expiration?.getTime() ?? Infinity);
    return { token, reuseUntil: until - TOKEN_REFRESH_BEFORE_MS };
  }

  return {
    async token(cluster: string, region: string): Promise<string> {
      const key = `${region}/${cluster}`;
      const current = cache.get(key);
      if (current) {
        const entry = await current.catch(() => undefined);
        if (entry && clock().getTime() < entry.reuseUntil) return entry.token;
      }
      // Expired or failed: sign anew, unless a concurrent call already does.
      let next = cache.get(key);
      if (!next || next === current) {
        const signing = sign(cluster, region);
        cache.set(key, signing);
        // A failed signing (no credentials yet) is not remembered.
        signing.catch(() => cache.get(key) === signing && cache.delete(key));
        next = signing;
      }
      return (await next).token;
    },
  };
}
