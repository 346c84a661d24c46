// Error names are the contract with the state machine: `Retry` and `Catch` in
// statemachines/deploy.asl.yml match `error.name`. Each name is a string
// literal, never derived from the class name at run time: the bundler
// renames classes when it minifies, and a renamed error matches no retrier and
// no catcher in what ships. ERROR_NAMES lists them all;
// test/workflow/asl-contract.test.ts reads it, and test/package/ checks the
// names in the zips that `serverless package` writes.

export const ERROR_NAMES = [
  'InvalidInput',
  'ConfigError',
  'TargetMisconfigured',
  'Transient',
  'RolloutFailed',
  'Superseded',
  'AlreadyRunning',
  'Unhealthy',
  'RollbackFailed',
  'MeasurementFailed',
  'Rejected',
  'Aborted',
  'SlackSignatureError',
  'SlackApiError',
  'KubeApiError',
] as const;
export type ErrorName = (typeof ERROR_NAMES)[number];

export abstract class ShipwatchError extends Error {
  abstract override readonly name: ErrorName;
}

/** Input that can never succeed: a malformed event, a bad config, an unknown service. */
export class InvalidInput extends ShipwatchError {
  override readonly name = 'InvalidInput';
}

/** The config file is missing, unreadable or fails the schema. */
export class ConfigError extends ShipwatchError {
  override readonly name = 'ConfigError';
}

/**
 * Something the target needs does not exist or is not what the config says
 * (no such service, no such container, no such alarm). Nothing was changed.
 */
export class TargetMisconfigured extends ShipwatchError {
  override readonly name = 'TargetMisconfigured';
}

/** An AWS call failed in a way that is worth retrying (throttled, 5xx, timeout, network). */
export class Transient extends ShipwatchError {
  override readonly name = 'Transient';
}

/** The ECS/EKS rollout failed: circuit breaker, progress deadline, or the rollout timeout. */
export class RolloutFailed extends ShipwatchError {
  override readonly name = 'RolloutFailed';
}

/** Someone else's deployment replaced ours; it is theirs now and we do not roll it back. */
export class Superseded extends ShipwatchError {
  override readonly name = 'Superseded';
}

/**
 * A new tag of the image the service already runs (its last good release):
 * nothing to deploy. The push ends `deployed`, its record saying so, without
 * scanning, asking for approval or taking the service from anyone.
 */
export class AlreadyRunning extends ShipwatchError {
  override readonly name = 'AlreadyRunning';
}

/** A health check during the bake found the release unhealthy or inconclusive. */
export class Unhealthy extends ShipwatchError {
  override readonly name = 'Unhealthy';
}

/**
 * Health could not be measured (a metric query or DescribeAlarms kept
 * failing) `consecutiveErrorLimit` times in a row: not "unhealthy", which is
 * a measurement that failed its threshold, but no measurement at all.
 */
export class MeasurementFailed extends ShipwatchError {
  override readonly name = 'MeasurementFailed';
}

/** A person aborted a paused progressive deployment: all traffic goes back to the previous revision. */
export class Aborted extends ShipwatchError {
  override readonly name = 'Aborted';
}

/** The rollback itself failed or did not finish in time. */
export class RollbackFailed extends ShipwatchError {
  override readonly name = 'RollbackFailed';
}
