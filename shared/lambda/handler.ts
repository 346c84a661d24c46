import middy from '@middy/core';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import type { Context } from 'aws-lambda';
import * as v from 'valibot';
import '../validation/messages.js';
import { InvalidInput, ShipwatchError, Transient } from '../errors.js';
import { describeIssues } from '../validation/issues.js';
import { injectLambdaContext, logger } from './logger.js';

/**
 * Throttling, 5xx, timeouts and dropped connections are worth another try;
 * the state machine retries `Transient` with backoff and jitter. Anything
 * else keeps its own name so `Catch` can route it.
 */
export function classifyError(error: unknown): Error {
  if (error instanceof ShipwatchError) return error;
  const e = error as Error & { $metadata?: { httpStatusCode?: number }; code?: string };
  const sdkLike = { name: e?.name, message: e?.message, $metadata: e?.$metadata ?? {}, code: e?.code } as Parameters<typeof isTransientError>[0];
  if (isThrottlingError(sdkLike) || isTransientError(sdkLike) || isServerError(sdkLike)) {
    return new Transient(`${e.name}: ${e.message}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

export function parseInput<S extends v.GenericSchema>(schema: S, event: unknown, what: string): v.InferOutput<S> {
  const parsed = v.safeParse(schema, event);
  if (parsed.success) return parsed.output;
  throw new InvalidInput(`${what}: ${describeIssues(parsed.issues, '(input)', schema).join('; ')}`);
}

/**
 * A Lambda entry point: parse the event with `schema`, run `work`, classify
 * what it throws. `work` gets the parsed input only; its clients come from
 * module scope so they outlive the invocation.
 */
export function lambdaHandler<S extends v.GenericSchema, R>(what: string, schema: S, work: (input: v.InferOutput<S>) => Promise<R>) {
  return middy<unknown, R, Error, Context>()
    .use(injectLambdaContext(logger))
    .use({
      onError: (request) => {
        const classified = classifyError(request.error);
        const level = classified.name.startsWith('NotYet') ? 'info' : 'warn';
        logger[level](`${what}: ${classified.name}`, { error: classified.message });
        request.error = classified;
      },
    })
    .handler(async (event) => {
      const result = await work(parseInput(schema, event, what));
      logger.info(`${what}: done`, { result: result as Record<string, unknown> });
      return result;
    });
}
