// Error names are the contract with the state machine: `Retry` and `Catch` in
// statemachines/deploy.asl.yml match `error.name`, so renaming one here means
// renaming it there (test/workflow/asl-contract.test.ts checks both sides).

export class ShipwatchError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that can never succeed: a malformed event, a bad config, an unknown service. */
export class InvalidInput extends ShipwatchError {}

/** The config file is missing, unreadable or fails the schema. */
export class ConfigError extends ShipwatchError {}

/**
 * Something the target needs does not exist or is not what the config says
 * (no such service, no such container, no such alarm). Nothing was changed.
 */
export class TargetMisconfigured extends ShipwatchError {}

/** An AWS call failed in a way that is worth retrying (throttled, 5xx, timeout, network). */
export class Transient extends ShipwatchError {}

/** The ECS/EKS rollout failed: circuit breaker, progress deadline, or the rollout timeout. */
export class RolloutFailed extends ShipwatchError {}

/** Someone else's deployment replaced ours; it is theirs now and we do not roll it back. */
export class Superseded extends ShipwatchError {}

/** A health check during the bake found the release unhealthy or inconclusive. */
export class Unhealthy extends ShipwatchError {}

/** The rollback itself failed or did not finish in time. */
export class RollbackFailed extends ShipwatchError {}

/**
 * "Not yet": the thing we watch has not reached a final state. The state
 * machine retries the task after `pollSeconds`; the name carries the interval
 * because `Retry.IntervalSeconds` is static in ASL, so one retrier per allowed
 * interval lets each service keep its own poll rate at one state transition
 * per poll (a Wait + Task + Choice loop costs three).
 */
export class NotYet extends ShipwatchError {
  constructor(message: string, readonly afterSeconds: PollSeconds) {
    super(message);
    this.name = notYetName(afterSeconds);
  }
}

export const POLL_SECONDS = [5, 10, 15, 20, 30, 60, 120] as const;
export type PollSeconds = (typeof POLL_SECONDS)[number];
export const notYetName = (seconds: PollSeconds): string => `NotYet${seconds}s`;
