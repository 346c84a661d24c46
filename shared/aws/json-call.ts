import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { DEFAULT_MAX_ATTEMPTS, isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { SignatureV4 } from '@smithy/signature-v4';
import { ConfigError } from '../errors.js';
import { post } from '../lambda/post.js';
import { dnsSuffix } from './partition.js';

// One AWS JSON-protocol call (awsJson 1.1), signed with SigV4 and sent with
// shared/lambda/post.ts, for the services Shipwatch makes a single call to:
// SSM GetParameter (the Slack secrets, in six functions) and CloudTrail
// LookupEvents (who pushed, in the Slack endpoint). The SDK's client for each
// would ship the service's whole error registry and schemas: about 84 KB for
// SSM, 44 KB for CloudTrail. What the SDK does for us elsewhere is kept: the
// endpoint variables (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, FIPS),
// the credential chain (env-only in the bundles, as for the clients), and
// retries of what the SDK classifies as throttling or transient.

export interface JsonCall {
  /** Signing name and endpoint prefix (`ssm`); `AWS_ENDPOINT_URL_<SERVICE>` overrides the endpoint. */
  service: string;
  /** `X-Amz-Target`, e.g. `AmazonSSM.GetParameter`. */
  target: string;
  /** Dates go on the wire as epoch seconds, as awsJson has them. */
  input: Record<string, unknown>;
  /** Default: as the SDK clients (AWS_MAX_ATTEMPTS, else 3). 1 for a caller that paces its own retries. */
  attempts?: number;
  /** Per attempt; default 5 s. */
  timeoutMs?: number;
}

/** An AWS error answer, shaped as the SDK shapes one, so classifyError reads it as it reads the SDK's. */
export class AwsCallError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly $metadata: { httpStatusCode?: number },
    readonly code?: string,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 5_000;
const credentials = defaultProvider();

/** Where the SDK would send it: the service's endpoint variable, the global one, else the regional (FIPS) endpoint. */
export function endpointFor(service: string, region: string, env: NodeJS.ProcessEnv = process.env): URL {
  const override = env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] || env.AWS_ENDPOINT_URL;
  if (override) return new URL(override);
  const fips = env.AWS_USE_FIPS_ENDPOINT === 'true' ? '-fips' : '';
  return new URL(`https://${service}${fips}.${region}.${dnsSuffix(region)}/`);
}

/** awsJson's timestamps: epoch seconds. (A replacer sees a Date already as text, so its holder is asked.) */
function wireJson(input: Record<string, unknown>): string {
  return JSON.stringify(input, function (this: Record<string, unknown>, key, value: unknown) {
    const own = this[key];
    return own instanceof Date ? own.getTime() / 1000 : value;
  });
}

async function attempt(call: JsonCall, region: string): Promise<unknown> {
  const url = endpointFor(call.service, region);
  const body = wireJson(call.input);
  const signer = new SignatureV4({ service: call.service, region, credentials, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': call.target },
    body,
  });
  const { status, text } = await post(url, signed.headers, body, call.timeoutMs ?? TIMEOUT_MS);
  let answer: Record<string, unknown>;
  try {
    answer = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
  } catch {
    // A proxy's page instead of AWS's JSON: named by its status, so a 5xx is still retried.
    throw new AwsCallError(`Http${status}`, text.slice(0, 200), { httpStatusCode: status });
  }
  if (status === 200) return answer;
  // `__type` may carry a namespace: `com.amazonaws.ssm#ParameterNotFound`.
  const type = String(answer.__type ?? `Http${status}`);
  throw new AwsCallError(type.slice(type.lastIndexOf('#') + 1), String(answer.message ?? answer.Message ?? ''), { httpStatusCode: status });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the SDK would retry: throttling, 5xx, timeouts, dropped connections. */
export function isRetryable(error: unknown): boolean {
  const e = error as AwsCallError;
  const sdkLike = { name: e?.name, message: e?.message, $metadata: e?.$metadata ?? {}, code: e?.code } as Parameters<typeof isTransientError>[0];
  return isThrottlingError(sdkLike) || isTransientError(sdkLike) || isServerError(sdkLike);
}

/**
 * The call's answer; throttling, 5xx and network failures are tried again as
 * the SDK clients do (shared/aws/client-config.ts): AWS_MAX_ATTEMPTS attempts
 * (3 unless set) with jittered exponential backoff, or without real-time
 * sleeps where SHIPWATCH_SDK_RETRY_DELAY_MS says so (local runs).
 */
export async function awsJsonCall<T>(call: JsonCall): Promise<T> {
  const region = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  if (!region) throw new ConfigError(`AWS_REGION is not set: ${call.target} needs a region`);
  for (let n = 1; ; n++) {
    try {
      return (await attempt(call, region)) as T;
    } catch (error) {
      if (!isRetryable(error) || n >= (call.attempts ?? Number(process.env.AWS_MAX_ATTEMPTS || DEFAULT_MAX_ATTEMPTS))) throw error;
      const fixed = process.env.SHIPWATCH_SDK_RETRY_DELAY_MS;
      await sleep(fixed ? Number(fixed) : Math.random() * Math.min(20_000, 100 * 2 ** n));
    }
  }
}
