import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { DEFAULT_MAX_ATTEMPTS, isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { SignatureV4 } from '@smithy/signature-v4';
import { ConfigError } from '../errors.js';
import { httpRequest } from '../lambda/http.js';
import { dnsSuffix } from './partition.js';

// One AWS call over a JSON protocol (awsJson 1.1, or a restJson GET), signed
// with SigV4 and sent with shared/lambda/http.ts, for the services Shipwatch
// makes a single call to: SSM GetParameter (the Slack secrets, in six
// functions), CloudTrail LookupEvents (who pushed, in the Slack endpoint) and
// EKS DescribeCluster (the cluster's endpoint and CA, in the four target
// functions). The SDK's client for each would ship the service's whole error
// registry and schemas, and EKS's its restJson protocol: about 84 KB for SSM,
// 44 KB for CloudTrail, 70 KB for EKS. What the SDK does for us elsewhere is kept: the
// endpoint variables (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, FIPS),
// the credential chain (env-only in the bundles, as for the clients), and
// retries of what the SDK classifies as throttling or transient.

export type JsonCall = {
  /** Signing name and endpoint prefix (`ssm`); `AWS_ENDPOINT_URL_<SERVICE>` overrides the endpoint. */
  service: string;
  /** Default: as the SDK clients (AWS_MAX_ATTEMPTS, else 3). 1 for a caller that paces its own retries. */
  attempts?: number;
  /** Per attempt; default 5 s. */
  timeoutMs?: number;
} & (
  | {
      /** awsJson: `X-Amz-Target`, e.g. `AmazonSSM.GetParameter`. */
      target: string;
      /** Dates go on the wire as epoch seconds, as awsJson has them. */
      input: Record<string, unknown>;
    }
  | {
      /** restJson: the operation's path, labels already encoded (`/clusters/prod`). */
      get: string;
    }
);

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
/** The credential chain the SDK clients use: in the bundles, the environment's (shared/aws/lambda-credentials.ts). */
export const credentials = defaultProvider();

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
  const base = endpointFor(call.service, region);
  const rest = 'get' in call;
  const url = new URL(rest ? `${base.pathname.replace(/\/$/, '')}${call.get}` : base.pathname, base);
  const body = rest ? '' : wireJson(call.input);
  const headers: Record<string, string> = rest
    ? { host: url.host }
    : { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': call.target };
  const signer = new SignatureV4({ service: call.service, region, credentials, sha256: Sha256 });
  const signed = await signer.sign({
    method: rest ? 'GET' : 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    headers,
    body,
  });
  const answer = await httpRequest(rest ? 'GET' : 'POST', url, signed.headers, body, call.timeoutMs ?? TIMEOUT_MS);
  let json: Record<string, unknown>;
  try {
    json = (answer.text ? JSON.parse(answer.text) : {}) as Record<string, unknown>;
  } catch {
    // A proxy's page instead of AWS's JSON: named by its status, so a 5xx is still retried.
    throw new AwsCallError(`Http${answer.status}`, answer.text.slice(0, 200), { httpStatusCode: answer.status });
  }
  if (answer.status >= 200 && answer.status < 300) return json;
  // restJson names the error in a header, awsJson in `__type`; either may carry more:
  // `ResourceNotFoundException:http://internal…`, `com.amazonaws.ssm#ParameterNotFound`.
  const type = String(answer.headers['x-amzn-errortype'] ?? json.__type ?? json.code ?? `Http${answer.status}`).split(':')[0]!;
  throw new AwsCallError(type.slice(type.lastIndexOf('#') + 1), String(json.message ?? json.Message ?? ''), { httpStatusCode: answer.status });
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
  if (!region) throw new ConfigError(`AWS_REGION is not set: a call to ${call.service} needs a region`);
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
