/**
 * What `shipwatch` exits with; the README's "Exit codes" table lists the same.
 * Scripts branch on these, so each one means one kind of problem.
 */
export const EXIT = {
  /** The command did what was asked and found nothing wrong. */
  ok: 0,
  /** It ran, and what it checked or did failed: validate found errors, a rollback did not complete, a sandbox push ended otherwise than expected. */
  failed: 1,
  /** The command line is wrong: unknown command or option, a bad option value, a missing argument. */
  usage: 2,
  /** Shipwatch refused: unknown service or record, a deployment in flight, a target that was itself rolled back (without --force). */
  refused: 3,
  /** What it needs is missing or unreachable: the config file, the stack or table, credentials, an AWS call. */
  setup: 4,
  /** A bug in Shipwatch (sysexits' EX_SOFTWARE): the message and SHIPWATCH_DEBUG=1's stack belong in an issue. */
  internal: 70,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI reports as one line on stderr, with its exit code. */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The command line is wrong. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

/** Shipwatch will not do it, and says why. */
export class Refused extends CliError {
  override readonly name = 'Refused';
  constructor(message: string) {
    super(message, EXIT.refused);
  }
}

/** Something the command needs is missing or unreachable. */
export class SetupError extends CliError {
  override readonly name = 'SetupError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, EXIT.setup, options);
  }
}
