import type { Retrier } from './definition.js';

// Step Functions' retry rules, as the developer guide states them
// (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html,
// "Retrying after an error" and "Complex retry scenarios"):
// - the retriers are read in order and the FIRST whose ErrorEquals names the
//   error (or States.ALL; States.TaskFailed for any Task error but
//   States.Timeout) applies; if it has used up MaxAttempts the state fails over
//   to Catch, even when a later retrier would also match;
// - "A retrier's parameters apply across all visits to that retrier in the
//   context of a single-state execution": each retrier counts its attempts
//   from the state's entry until the state is left, whatever other errors
//   came in between;
// - the pause before attempt n+1 is IntervalSeconds × BackoffRate^n, capped by
//   MaxDelaySeconds; defaults are 1 s, 2.0 and 3 attempts.
// Local runs leave out JitterStrategy FULL (a random share of that pause) so
// that they are deterministic: the pause is its upper bound.

const DEFAULTS = { IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3 } as const;

export function retrierFor(retry: readonly Retrier[] | undefined, errorName: string): number {
  return (retry ?? []).findIndex(
    (r) =>
      r.ErrorEquals.includes(errorName) ||
      r.ErrorEquals.includes('States.ALL') ||
      (r.ErrorEquals.includes('States.TaskFailed') && errorName !== 'States.Timeout'),
  );
}

/** One execution of one state: which errors it retries, and after how long. */
export class StateVisit {
  private readonly used: number[];

  constructor(private readonly retry: readonly Retrier[] | undefined) {
    this.used = (retry ?? []).map(() => 0);
  }

  /** The pause before the next attempt, or undefined when Step Functions would not retry (the error goes to Catch). */
  retryAfterMs(errorName: string): number | undefined {
    const index = retrierFor(this.retry, errorName);
    if (index < 0) return undefined;
    const retrier = { ...DEFAULTS, ...this.retry![index]! };
    const attempt = this.used[index]!;
    if (attempt >= retrier.MaxAttempts) return undefined;
    this.used[index] = attempt + 1;
    const seconds = retrier.IntervalSeconds * retrier.BackoffRate ** attempt;
    return Math.min(seconds, retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY) * 1000;
  }
}
