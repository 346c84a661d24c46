/**
 * A look at something the workflow waits for that is not there yet. The
 * state machine waits `lookAgainSeconds` (a Wait state, or a task token that
 * an event for one of `wake` may end sooner) and looks again: waiting is
 * rescheduling, and never a function error.
 */
export interface Pending {
  done: false;
  detail: string;
  lookAgainSeconds: number;
  lookedAt: string;
  /** Keys (waits/keys.ts) whose events end the wait early; none: a plain Wait. */
  wake: string[];
  /** True when `wake` names something: the state machine awaits an event rather than only a timer. */
  awaitEvent: boolean;
}

/** A whole number of seconds, at least 1: Step Functions' TimeoutSecondsPath and SecondsPath take positive integers. */
export function pending(detail: string, seconds: number, now: Date, wake: string[] = []): Pending {
  return { done: false, detail, lookAgainSeconds: Math.max(1, Math.ceil(seconds)), lookedAt: now.toISOString(), wake, awaitEvent: wake.length > 0 };
}
