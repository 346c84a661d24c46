import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { endpointFor } from '../../shared/aws/json-call.js';
import { classifyError } from '../../shared/lambda/handler.js';
import { slackBotToken, slackSigningSecret } from '../../shared/slack/secrets.js';
import { startSsmStandIn } from '../support/ssm-stand-in.js';

// The Slack secrets from SSM Parameter Store, over SSM's wire protocol to a
// stand-in that checks every SigV4 signature. Each test reads its own
// parameter name: the cache outlives a test, as it outlives an invocation.

let ssm: Awaited<ReturnType<typeof startSsmStandIn>>;
let parameter = 0;
/** A fresh parameter holding `value`, named in SLACK_BOT_TOKEN_PARAMETER. */
function botTokenIn(value?: string): string {
  const name = `/shipwatch/test/bot-token-${(parameter += 1)}`;
  if (value !== undefined) ssm.store.put(name, value);
  process.env.SLACK_BOT_TOKEN_PARAMETER = name;
  return name;
}

beforeAll(async () => {
  ssm = await startSsmStandIn();
  process.env.AWS_ENDPOINT_URL_SSM = ssm.url;
});
afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_SSM;
  delete process.env.SLACK_BOT_TOKEN_PARAMETER;
  await ssm.close();
});
afterEach(() => {
  ssm.calls.length = 0;
  vi.useRealTimers();
});

describe('Slack secrets from SSM', () => {
  it('reads the SecureString decrypted, with a request SSM accepts as signed', async () => {
    // Prepare
    const name = botTokenIn('xoxb-from-ssm');

    // Act
    const token = await slackBotToken();

    // Assess
    expect(token).toBe('xoxb-from-ssm');
    expect(ssm.calls.map((c) => [c.target, c.input])).toEqual([['AmazonSSM.GetParameter', { Name: name, WithDecryption: true }]]);
    expect(ssm.calls[0]!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/us-east-1\/ssm\/aws4_request, SignedHeaders=[^,]*host[^,]*x-amz-target/,
    );
  });

  it('is refused by the stand-in when signed with another secret key (the signature check is real)', async () => {
    // Prepare
    const strict = await startSsmStandIn({ accessKeyId: 'test', secretAccessKey: 'not-the-one-we-sign-with' });
    process.env.AWS_ENDPOINT_URL_SSM = strict.url;
    botTokenIn();
    strict.store.put(process.env.SLACK_BOT_TOKEN_PARAMETER!, 'xoxb-unreachable');

    // Act
    const error = await slackBotToken().catch((e: unknown) => e);

    // Assess
    process.env.AWS_ENDPOINT_URL_SSM = ssm.url;
    await strict.close();
    expect(error).toMatchObject({ name: 'ConfigError' });
    expect((error as Error).message).toMatch(/: InvalidSignatureException: The request signature we calculated does not match/);
  });

  it('asks SSM once per five minutes, not once per request', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-05-10T12:00:00Z'));
    const name = botTokenIn('xoxb-v1');

    // Act
    const first = await Promise.all([slackBotToken(), slackBotToken()]);
    ssm.store.put(name, 'xoxb-v2');
    vi.setSystemTime(new Date('2026-05-10T12:04:59Z'));
    const cached = await slackBotToken();
    vi.setSystemTime(new Date('2026-05-10T12:05:01Z'));
    const rotated = await slackBotToken();

    // Assess
    expect([...first, cached, rotated]).toEqual(['xoxb-v1', 'xoxb-v1', 'xoxb-v1', 'xoxb-v2']);
    expect(ssm.calls).toHaveLength(2);
  });

  it('names the parameter when it does not exist (SSM says nothing but ParameterNotFound), and remembers no failure', async () => {
    // Prepare
    const name = botTokenIn();

    // Act
    const error = await slackBotToken().catch((e: unknown) => e);
    ssm.store.put(name, 'xoxb-created-later');
    const later = await slackBotToken();

    // Assess
    expect(error).toMatchObject({ name: 'ConfigError', message: `cannot read SSM parameter ${name}: ParameterNotFound` });
    expect(later).toBe('xoxb-created-later');
  });

  it('says so when the parameter is empty', async () => {
    const name = botTokenIn('');
    await expect(slackBotToken()).rejects.toMatchObject({
      name: 'ConfigError',
      message: `SSM parameter ${name} is empty; put the Slack secret there as a SecureString`,
    });
  });

  it('retries throttling and a 5xx, then answers', async () => {
    // Prepare
    botTokenIn('xoxb-after-retries');
    ssm.failNext({ status: 400, type: 'ThrottlingException', message: 'Rate exceeded' }, { status: 503, type: 'ServiceUnavailable' });

    // Act
    const token = await slackBotToken();

    // Assess
    expect(token).toBe('xoxb-after-retries');
    expect(ssm.calls).toHaveLength(3);
  });

  it('after three throttled attempts, throws the throttling error itself, which the handler classifies as Transient', async () => {
    // Prepare
    botTokenIn('xoxb-never-reached');
    const throttled = { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' };
    ssm.failNext(throttled, throttled, throttled);

    // Act
    const error = await slackBotToken().catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    expect(classifyError(error).name).toBe('Transient');
    expect(ssm.calls).toHaveLength(3);
  });

  it('reads the signing secret from its own parameter', async () => {
    // Prepare
    ssm.store.put('/shipwatch/test/signing', 'signing-secret-value');
    process.env.SLACK_SIGNING_SECRET_PARAMETER = '/shipwatch/test/signing';

    // Act
    const secret = await slackSigningSecret();

    // Assess
    delete process.env.SLACK_SIGNING_SECRET_PARAMETER;
    expect(secret).toBe('signing-secret-value');
  });
});

describe('the SSM endpoint', () => {
  it('is the regional one in the partition of the region, as the SDK resolves it', () => {
    expect(endpointFor('ssm', 'eu-west-1', {}).href).toBe('https://ssm.eu-west-1.amazonaws.com/');
    expect(endpointFor('ssm', 'cn-north-1', {}).href).toBe('https://ssm.cn-north-1.amazonaws.com.cn/');
    expect(endpointFor('ssm', 'us-gov-west-1', { AWS_USE_FIPS_ENDPOINT: 'true' }).href).toBe('https://ssm-fips.us-gov-west-1.amazonaws.com/');
  });

  it('follows AWS_ENDPOINT_URL_SSM, then AWS_ENDPOINT_URL', () => {
    expect(endpointFor('ssm', 'us-east-1', { AWS_ENDPOINT_URL_SSM: 'http://127.0.0.1:4566', AWS_ENDPOINT_URL: 'http://other' }).href).toBe(
      'http://127.0.0.1:4566/',
    );
    expect(endpointFor('ssm', 'us-east-1', { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }).href).toBe('http://127.0.0.1:4566/');
  });
});
