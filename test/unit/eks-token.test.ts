import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { eksToken, eksTokenCache, stsHost, TOKEN_PREFIX } from '../../shared/targets/eks/token.js';
import { fixture } from '../support/fixtures.js';

/** The parts of the authenticator's test vector these tests read. */
interface TokenVector {
  inputs: {
    clusterId: string;
    region: string;
    accessKeyId: string;
    secretAccessKey: string;
    nowUnix: number;
    credentialsAsPublishedBase64: { accessKeyId: string; secretAccessKey: string };
  };
  expected: { token: string; expirationIso: string };
  decoded: { presignedUrl: string; queryParameters: Record<string, string> };
  DERIVED_sigv4_check: { canonicalRequest: string; stringToSign: string; signature: string };
}
/** The parts of the AWS CLI's get-token expectations these tests read. */
interface CliExpectations {
  setup: { clusterName: string; AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string };
  'expectedOutput_eks_get-token_--cluster-name_MyCluster': { status: { expirationTimestamp: string } };
  urlAssertions: Array<{ args: string; expectedEndpoint: string; expectedSigningRegionInCredential: string; hasSecurityToken: boolean }>;
  constantsInImplementation_awscli_customizations_eks_get_token_py: { K8S_AWS_ID_HEADER: string; 'URL_TIMEOUT (X-Amz-Expires)': number };
}

// kubernetes-sigs/aws-iam-authenticator TestGetWithSTS "Non-zero time".
const vector = fixture<TokenVector>('eks-token-aws-iam-authenticator-test-vector');
// aws/aws-cli tests/functional/eks/test_get_token.py, transcribed.
const cli = fixture<CliExpectations>('eks-get-token-aws-cli-functional-test-expectations');

const vectorCredentials = { accessKeyId: vector.inputs.accessKeyId, secretAccessKey: vector.inputs.secretAccessKey };
const vectorNow = new Date(vector.inputs.nowUnix * 1000);

const presignedUrl = (token: string) => new URL(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8'));

/**
 * SigV4 of a presigned token URL, recomputed here with node:crypto (not with
 * the signer under test): the canonical query is every parameter but the
 * signature, sorted; the signed headers are host and x-k8s-aws-id.
 */
function recomputeSignature(url: URL, cluster: string, secretAccessKey: string) {
  const q = url.searchParams;
  const encode = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const canonicalQuery = [...q.keys()]
    .filter((k) => k !== 'X-Amz-Signature')
    .sort()
    .map((k) => `${encode(k)}=${encode(q.get(k)!)}`)
    .join('&');
  const emptyHash = createHash('sha256').update('').digest('hex');
  const canonicalRequest = ['GET', '/', canonicalQuery, `host:${url.host}`, `x-k8s-aws-id:${cluster}`, '', 'host;x-k8s-aws-id', emptyHash].join('\n');
  const date = q.get('X-Amz-Date')!;
  const [, day, region, service] = q.get('X-Amz-Credential')!.split('/');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day!), region!), service!), 'aws4_request');
  return { canonicalRequest, stringToSign, signature: createHmac('sha256', key).update(stringToSign).digest('hex') };
}

describe('eksToken', () => {
  it('reproduces the aws-iam-authenticator test vector byte for byte', async () => {
    // Prepare
    const published = {
      accessKeyId: Buffer.from(vector.inputs.credentialsAsPublishedBase64.accessKeyId, 'base64').toString(),
      secretAccessKey: Buffer.from(vector.inputs.credentialsAsPublishedBase64.secretAccessKey, 'base64').toString(),
    };

    // Act
    const { token, expiresAt } = await eksToken({
      cluster: vector.inputs.clusterId,
      region: vector.inputs.region,
      credentials: vectorCredentials,
      now: vectorNow,
    });

    // Assess
    expect(published).toStrictEqual(vectorCredentials);
    expect(token).toBe(vector.expected.token);
    expect(presignedUrl(token).href).toBe(vector.decoded.presignedUrl);
    expect(expiresAt.toISOString()).toBe(new Date(vector.expected.expirationIso).toISOString());
  });

  it('has the query parameters the vector decodes to, signature last', async () => {
    // Prepare / Act
    const { token } = await eksToken({ cluster: vector.inputs.clusterId, region: vector.inputs.region, credentials: vectorCredentials, now: vectorNow });

    // Assess
    const url = presignedUrl(token);
    expect(Object.fromEntries(url.searchParams)).toStrictEqual(vector.decoded.queryParameters);
    expect([...url.searchParams.keys()].at(-1)).toBe('X-Amz-Signature');
  });

  it('is signed as the vector derives it (the test recomputation agrees with the published steps)', async () => {
    // Prepare
    const { token } = await eksToken({ cluster: vector.inputs.clusterId, region: vector.inputs.region, credentials: vectorCredentials, now: vectorNow });

    // Act
    const recomputed = recomputeSignature(presignedUrl(token), vector.inputs.clusterId, vectorCredentials.secretAccessKey);

    // Assess
    expect(recomputed).toStrictEqual({
      canonicalRequest: vector.DERIVED_sigv4_check.canonicalRequest,
      stringToSign: vector.DERIVED_sigv4_check.stringToSign,
      signature: vector.DERIVED_sigv4_check.signature,
    });
  });

  it('includes and signs X-Amz-Security-Token when the credentials have a session token', async () => {
    // Prepare
    const sessionToken = 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLXdlc3QtMiJHMEUCIQD+test/session+token==';
    const credentials = { ...vectorCredentials, sessionToken };

    // Act
    const { token } = await eksToken({ cluster: vector.inputs.clusterId, region: vector.inputs.region, credentials, now: vectorNow });

    // Assess
    const url = presignedUrl(token);
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe(sessionToken);
    expect(url.search).toContain(`&X-Amz-Security-Token=${encodeURIComponent(sessionToken)}&X-Amz-SignedHeaders=`);
    expect(url.searchParams.get('X-Amz-Signature')).toBe(recomputeSignature(url, vector.inputs.clusterId, credentials.secretAccessKey).signature);
    expect(token).not.toBe(vector.expected.token);
  });

  it('takes a credential provider as the SDK clients have it', async () => {
    // Prepare
    const provider = vi.fn(async () => vectorCredentials);

    // Act
    const { token } = await eksToken({ cluster: vector.inputs.clusterId, region: vector.inputs.region, credentials: provider, now: vectorNow });

    // Assess
    expect(token).toBe(vector.expected.token);
    expect(provider).toHaveBeenCalledTimes(1);
  });

  it('expires 14 minutes after it is made, as `aws eks get-token` reports', async () => {
    // Prepare
    const now = new Date('2019-10-23T23:00:00Z'); // the CLI test's mocked now
    const credentials = { accessKeyId: cli.setup.AWS_ACCESS_KEY_ID, secretAccessKey: cli.setup.AWS_SECRET_ACCESS_KEY };

    // Act
    const { expiresAt } = await eksToken({ cluster: cli.setup.clusterName, region: 'us-east-1', credentials, now });

    // Assess
    expect(expiresAt.toISOString().replace('.000Z', 'Z')).toBe(cli['expectedOutput_eks_get-token_--cluster-name_MyCluster'].status.expirationTimestamp);
  });

  it.each(cli.urlAssertions)('meets the CLI functional test for "$args"', async ({ expectedEndpoint, expectedSigningRegionInCredential, hasSecurityToken }) => {
    // Prepare
    const credentials = {
      accessKeyId: cli.setup.AWS_ACCESS_KEY_ID,
      secretAccessKey: cli.setup.AWS_SECRET_ACCESS_KEY,
      ...(hasSecurityToken ? { sessionToken: 'assumed-role-session-token' } : {}),
    };

    // Act
    const { token } = await eksToken({
      cluster: cli.setup.clusterName,
      region: expectedSigningRegionInCredential,
      credentials,
      now: new Date('2019-10-23T23:00:00Z'),
    });

    // Assess
    const url = presignedUrl(token);
    expect(token.startsWith('k8s-aws-v1.')).toBe(true);
    expect(token).not.toContain('=');
    expect(token.slice(TOKEN_PREFIX.length)).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(url.host).toBe(expectedEndpoint);
    expect(url.searchParams.get('X-Amz-Credential')).toBe(`${cli.setup.AWS_ACCESS_KEY_ID}/20191023/${expectedSigningRegionInCredential}/sts/aws4_request`);
    expect(url.searchParams.get('X-Amz-SignedHeaders')!.split(';')).toContain(
      cli.constantsInImplementation_awscli_customizations_eks_get_token_py.K8S_AWS_ID_HEADER,
    );
    expect(url.searchParams.get('X-Amz-Expires')).toBe(
      String(cli.constantsInImplementation_awscli_customizations_eks_get_token_py['URL_TIMEOUT (X-Amz-Expires)']),
    );
    expect(url.searchParams.has('X-Amz-Security-Token')).toBe(hasSecurityToken);
  });

  it('uses the partition of the region for STS', () => {
    // Prepare / Act / Assess
    expect(stsHost('eu-west-1')).toBe('sts.eu-west-1.amazonaws.com');
    expect(stsHost('cn-northwest-1')).toBe('sts.cn-northwest-1.amazonaws.com.cn');
    expect(stsHost('us-iso-east-1')).toBe('sts.us-iso-east-1.c2s.ic.gov');
    expect(stsHost('us-isob-east-1')).toBe('sts.us-isob-east-1.sc2s.sgov.gov');
  });
});

describe('eksTokenCache', () => {
  const start = vectorNow.getTime();
  const clock = () => {
    let now = start;
    return { now: () => new Date(now), advance: (ms: number) => void (now += ms) };
  };

  it('reuses a token until a minute before it expires, then signs a new one', async () => {
    // Prepare
    const time = clock();
    const credentials = vi.fn(async () => vectorCredentials);
    const cache = eksTokenCache({ credentials, now: time.now });

    // Act
    const first = await cache.token('test-cluster', 'us-west-2');
    time.advance(13 * 60_000 - 1);
    const reused = await cache.token('test-cluster', 'us-west-2');
    time.advance(1);
    const renewed = await cache.token('test-cluster', 'us-west-2');

    // Assess
    expect(first).toBe(vector.expected.token);
    expect(reused).toBe(first);
    expect(renewed).not.toBe(first);
    expect(presignedUrl(renewed).searchParams.get('X-Amz-Date')).toBe('20230428T001300Z');
    expect(credentials).toHaveBeenCalledTimes(2);
  });

  it('keeps one token per cluster and region', async () => {
    // Prepare
    const cache = eksTokenCache({ credentials: vectorCredentials, now: clock().now });

    // Act
    const a = await cache.token('test-cluster', 'us-west-2');
    const b = await cache.token('other-cluster', 'us-west-2');
    const c = await cache.token('test-cluster', 'eu-west-1');
    const again = await cache.token('test-cluster', 'us-west-2');

    // Assess
    expect(new Set([a, b, c]).size).toBe(3);
    expect(again).toBe(a);
    // b is bound to its cluster: the signature holds only with x-k8s-aws-id: other-cluster.
    expect(presignedUrl(b).searchParams.get('X-Amz-Signature')).toBe(
      recomputeSignature(presignedUrl(b), 'other-cluster', vectorCredentials.secretAccessKey).signature,
    );
    expect(presignedUrl(c).host).toBe('sts.eu-west-1.amazonaws.com');
  });

  it('renews early when the credentials that signed it expire first', async () => {
    // Prepare
    const time = clock();
    const credentials = vi.fn(async () => ({ ...vectorCredentials, sessionToken: 'session', expiration: new Date(start + 5 * 60_000) }));
    const cache = eksTokenCache({ credentials, now: time.now });

    // Act
    const first = await cache.token('test-cluster', 'us-west-2');
    time.advance(4 * 60_000 - 1);
    const reused = await cache.token('test-cluster', 'us-west-2');
    time.advance(1);
    const renewed = await cache.token('test-cluster', 'us-west-2');

    // Assess
    expect(reused).toBe(first);
    expect(renewed).not.toBe(first);
    expect(credentials).toHaveBeenCalledTimes(2);
  });

  it('signs once for concurrent callers', async () => {
    // Prepare
    const credentials = vi.fn(async () => vectorCredentials);
    const cache = eksTokenCache({ credentials, now: clock().now });

    // Act
    const tokens = await Promise.all([1, 2, 3].map(() => cache.token('test-cluster', 'us-west-2')));

    // Assess
    expect(new Set(tokens)).toStrictEqual(new Set([vector.expected.token]));
    expect(credentials).toHaveBeenCalledTimes(1);
  });

  it('does not remember a failure to get credentials', async () => {
    // Prepare
    const credentials = vi
      .fn<() => Promise<typeof vectorCredentials>>()
      .mockRejectedValueOnce(new Error('CredentialsProviderError: no credentials yet'))
      .mockResolvedValue(vectorCredentials);
    const cache = eksTokenCache({ credentials, now: clock().now });

    // Act
    const failed = await cache.token('test-cluster', 'us-west-2').catch((error: Error) => error);
    const token = await cache.token('test-cluster', 'us-west-2');

    // Assess
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toContain('no credentials yet');
    expect(token).toBe(vector.expected.token);
  });
});
