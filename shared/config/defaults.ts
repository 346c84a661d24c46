// Every default a user can override in shipwatch.yml, in one place; the
// README's configuration reference quotes these values.
export const DEFAULTS = {
  configFile: 'shipwatch.yml',
  scan: {
    /** Block on CRITICAL only: most base images carry some HIGH findings at any time. */
    blockAt: 'CRITICAL' as const,
    timeoutMinutes: 30,
  },
  approval: {
    timeoutMinutes: 60,
  },
  slack: {
    /** SSM SecureString parameters holding the Slack secrets (stage-specific names set in serverless.yml). */
    botTokenParameter: '/shipwatch/slack-bot-token',
    signingSecretParameter: '/shipwatch/slack-signing-secret',
    secretsMaxAgeSeconds: 300,
  },
  strategy: {
    /** Argo Rollouts' and ECS's own examples start a canary at 5–10% of the traffic. */
    canaryPercent: 10,
    linearStepPercent: 25,
    /** Per traffic step; the service-wide bake (health.bakeMinutes) still follows the last step. */
    stepBakeMinutes: 5,
    /**
     * ECS: how long past a judged stage (or an approval's timeout) ECS waits for
     * Shipwatch's hook or pause before it rolls back by itself: the net when
     * Shipwatch cannot answer, never the normal way out.
     */
    hookGraceMinutes: 15,
  },
  health: {
    bakeMinutes: 10,
    pollSeconds: 30,
    /** Argo Rollouts' consecutiveErrorLimit: a measurement that errors this often in a row ends the bake as "could not measure". */
    consecutiveErrorLimit: 4,
    /** Event-driven waits (scans, ECS rollouts) look for themselves this often in case an event was lost. */
    eventFallbackSeconds: 300,
    /** A bake judged by alarms only looks at them this often besides the alarm events (and at its end). */
    bakeLookMinutes: 30,
    rolloutTimeoutMinutes: 30,
    /** How long after a deploy an alarm still means "this release broke it". */
    guardMinutes: 60,
    /** One bad period is noise; two is a trend. */
    failureLimit: 1,
    /** Periods with no datapoint tolerated before the verdict is inconclusive (which fails). */
    inconclusiveLimit: 2,
    /** CloudWatch needs about a minute to ingest a datapoint; periods younger than this are not judged yet. */
    ingestionGraceSeconds: 60,
  },
} as const;
