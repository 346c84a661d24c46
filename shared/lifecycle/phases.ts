// Where a deployment in flight stands: one closed list for the record's
// `phase`, the live Slack message and the CLI. `done` is the last: the
// outcome (lifecycle/outcomes.ts) says how it ended. The order is the
// workflow's, so a step's time runs from its phase's entry to the next's.

export const PHASES = [
  'admitted',
  'scanning',
  'awaiting_approval',
  /** Waiting for another deployment of the service to finish (the lease). */
  'waiting',
  'deploying',
  /** Canary, linear, blue/green: traffic moves step by step, each judged. */
  'progressing',
  /** A progressive deployment's pause: a person promotes or aborts. */
  'awaiting_promotion',
  'baking',
  'rolling_back',
  'done',
] as const;

export type Phase = (typeof PHASES)[number];
