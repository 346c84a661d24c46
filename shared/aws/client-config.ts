import { ConfiguredRetryStrategy, DEFAULT_MAX_ATTEMPTS } from '@smithy/core/retry';

/**
 * What every Shipwatch SDK client is built with. In AWS this is the SDK's
 * default: standard retry mode, AWS_MAX_ATTEMPTS attempts (3 unless set),
 * exponential backoff with jitter.
 *
 * Local runs (the tests, the sandbox, the package-level suite) set
 * SHIPWATCH_SDK_RETRY_DELAY_MS, usually to 0: the same attempts and the same
 * retry quota (ConfiguredRetryStrategy is the standard strategy with another
 * delay), but no real-time sleep between them, since the simulated cloud's
 * time is not the wall clock. Nothing in serverless.yml sets it.
 */
export function clientConfig(): { retryStrategy?: ConfiguredRetryStrategy } {
  const delay = process.env.SHIPWATCH_SDK_RETRY_DELAY_MS;
  if (delay === undefined || delay === '') return {};
  const attempts = Number(process.env.AWS_MAX_ATTEMPTS ?? DEFAULT_MAX_ATTEMPTS);
  return { retryStrategy: new ConfiguredRetryStrategy(attempts, () => Number(delay)) };
}
