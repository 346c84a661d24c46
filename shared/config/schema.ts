import picomatch from 'picomatch';
import { z } from 'zod';
import { CONFIG_SECTIONS } from '../platforms/config-sections.js';
import { exactlyOnePlatform } from '../platforms/registry.js';
import { DEFAULTS } from './defaults.js';
import { SEVERITIES, type Severity } from './severities.js';
import { strategySchema } from './strategy.js';

// Every object is strict: a typo in shipwatch.yml is an error, never a
// silently ignored key (the middy model for options).

export { SEVERITIES, type Severity };
export const severitySchema = z.enum(SEVERITIES);

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'letters, digits, - and _ only, at most 40 characters');

const isoDate = z
  .union([z.string(), z.date()], { error: 'a date as YYYY-MM-DD' })
  .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))
  .pipe(
    z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
      .refine((v) => {
        const d = new Date(`${v}T00:00:00Z`);
        return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
      }, 'a real calendar date'),
  );

// A tag is letters, digits, _ . -; a glob adds its own syntax, bracket negation [^…] included.
// Anything else (^ and $ anchors, \d, a space) is no glob and would silently match no tag.
const tagGlob = z.string().superRefine((glob, ctx) => {
  const problem = /^[A-Za-z0-9_.\-*?[\]{},()|!+@]+$/.test(glob.replaceAll('[^', '['))
    ? compileError(glob)
    : 'only letters, digits, _ . - and the glob characters * ? [ ] { } , ( ) | ! + @ (a glob, not a regular expression)';
  if (problem) ctx.addIssue({ code: 'custom', message: `"${glob}" is not a tag glob: ${problem}` });
});

function compileError(glob: string): string | undefined {
  try {
    picomatch.makeRe(glob, { dot: true, strictBrackets: true });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Each section optional, keeping its type: `{ ecs?: …, eks?: … }`. */
function optionalSections<S extends Record<string, z.ZodType>>(sections: S) {
  return Object.fromEntries(Object.entries(sections).map(([key, section]) => [key, section.optional()])) as { [K in keyof S]: z.ZodOptional<S[K]> };
}

const ignoreEntry = z.strictObject({
  id: z.string().min(1),
  until: isoDate,
  reason: z.string().min(1),
});

const scanPolicy = z
  .strictObject({
    blockAt: z.enum([...SEVERITIES, 'none']).default(DEFAULTS.scan.blockAt),
    maxCounts: z.partialRecord(severitySchema, z.number().int().min(0)).optional(),
    ignore: z.array(ignoreEntry).default(() => []),
    timeoutMinutes: z.number().int().min(1).max(240).default(DEFAULTS.scan.timeoutMinutes),
    onUnsupported: z.enum(['block', 'allow']).default('block'),
    onFailed: z.enum(['block', 'allow']).default('block'),
  })
  // prefault: an omitted section is parsed as {}, so each service gets fresh default lists.
  .prefault({});

const dimensions = z.record(z.string(), z.string());

const metricStat = z.strictObject({
  namespace: z.string().min(1),
  metricName: z.string().min(1),
  dimensions: dimensions.default(() => ({})),
  stat: z.string().min(1).default('Average'),
});

const COMPARISONS = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '>=',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '<=',
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
} as const;

const metricCheck = z
  .strictObject({
    name: z.string().min(1),
    metric: metricStat.optional(),
    expression: z.string().min(1).optional(),
    metrics: z.record(z.string().regex(/^[a-z][A-Za-z0-9_]*$/, 'a metric id: lower-case letter first'), metricStat).optional(),
    period: z.number().int().min(10).max(3600).default(60),
    comparison: z.enum(Object.keys(COMPARISONS) as [keyof typeof COMPARISONS]).transform((c) => COMPARISONS[c]),
    threshold: z.number(),
    unit: z.string().default(''),
    failureLimit: z.number().int().min(0).default(DEFAULTS.health.failureLimit),
    inconclusiveLimit: z.number().int().min(0).default(DEFAULTS.health.inconclusiveLimit),
  })
  .superRefine((m, ctx) => {
    if (!m.metric === !m.expression) {
      ctx.addIssue({ code: 'custom', message: 'give either `metric` or `expression` (with `metrics`), not both or neither' });
    }
    if (m.expression && (!m.metrics || Object.keys(m.metrics).length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['metrics'], message: '`expression` needs `metrics`: the ids it refers to' });
    }
    if (m.metric && m.metrics) {
      ctx.addIssue({ code: 'custom', path: ['metrics'], message: '`metrics` only goes with `expression`' });
    }
    if (m.period % 60 !== 0 && ![10, 30].includes(m.period)) {
      ctx.addIssue({ code: 'custom', path: ['period'], message: 'CloudWatch periods are 10, 30 or a multiple of 60 seconds' });
    }
  });

const health = z
  .strictObject({
    alarms: z
      .array(z.string().min(1))
      .max(100)
      .default(() => []),
    metrics: z.array(metricCheck).default(() => []),
    bakeMinutes: z.number().min(0).max(240).default(DEFAULTS.health.bakeMinutes),
    // Where waiting is still polling (an EKS rollout, a lease held by another deployment, metric
    // checks during the bake): any whole number of seconds, a Wait state's SecondsPath.
    pollSeconds: z.number().int().min(5).max(3600).default(DEFAULTS.health.pollSeconds),
    /** Failed measurements in a row (a metric query or DescribeAlarms that errors) before the bake ends as "could not measure". */
    consecutiveErrorLimit: z.number().int().min(1).max(100).default(DEFAULTS.health.consecutiveErrorLimit),
    rolloutTimeoutMinutes: z.number().min(1).max(240).default(DEFAULTS.health.rolloutTimeoutMinutes),
    /** After a deploy, an alarm going to ALARM within this many minutes rolls the release back. */
    guardMinutes: z
      .number()
      .min(0)
      .max(24 * 60)
      .default(DEFAULTS.health.guardMinutes),
    /** Tags that may deploy while the service's alarms already fire: a release meant to fix them. */
    fixForwardTags: z.array(tagGlob).default(() => []),
  })
  .prefault({});

// One optional section per registered platform (platforms/registry.ts), exactly one of them given.
const target = z
  .strictObject(optionalSections(CONFIG_SECTIONS))
  .refine((t) => Object.values(t).filter(Boolean).length === 1, exactlyOnePlatform(Object.keys(CONFIG_SECTIONS)));

const slackChannel = z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'a Slack channel id (C…, as in the channel details), not its name');

const approval = z.strictObject({
  /** true: every push; a list: pushes whose tag matches one of these globs. */
  required: z.union([z.boolean(), z.array(tagGlob).min(1)], { error: 'true, false, or a list of tag globs' }).default(true),
  channel: slackChannel,
  approvers: z
    .array(z.string().regex(/^[UWS][A-Z0-9]{2,}$/, 'a Slack user id (U…, W…) or user-group id (S…)'))
    .min(1, 'at least one approver, or nobody can ever approve'),
  timeoutMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(DEFAULTS.approval.timeoutMinutes),
  onTimeout: z.enum(['reject', 'approve']).default('reject'),
  allowSelfApproval: z.boolean().default(false),
});

const service = z
  .strictObject({
    name,
    image: z.strictObject({
      repository: z.string().regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/, 'an ECR repository name'),
      tags: z
        .array(tagGlob)
        .min(1)
        .default(() => ['*']),
    }),
    target,
    strategy: strategySchema.default({ type: 'rolling' }),
    scan: scanPolicy,
    health,
    approval: approval.optional(),
    /** The channel for the one live message per deployment; defaults to the approval channel. */
    notify: z.strictObject({ channel: slackChannel }).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.target.eks && s.strategy.type === 'blueGreen') {
      // On EKS Shipwatch steps a canary by replica ratio (docs/progressive-eks.md): one Service over both sets of pods can
      // neither keep production traffic off a full copy (blue/green's test traffic) nor move it all at once.
      ctx.addIssue({
        code: 'custom',
        path: ['strategy', 'type'],
        message:
          'blueGreen is not available with target.eks: the canary there is a replica ratio behind one Service, which cannot hold production traffic back from a full copy or switch it all at once; use canary (percent) or linear (stepPercent), see docs/progressive-eks.md',
      });
    }
    if (s.strategy.type !== 'rolling' && s.strategy.pause && !s.approval) {
      ctx.addIssue({
        code: 'custom',
        path: ['strategy', 'pause'],
        message:
          'a pause asks the `approval` approvers in its channel to promote or abort: add an `approval` section (with `required: false` if pushes need no approval before the deploy)',
      });
    }
    // A window can fail a metric only if it holds failureLimit + 1 complete, ingested periods; it
    // starts between period boundaries, so one period may be lost to alignment. The same holds for
    // the service-wide bake and for each judged traffic step of a progressive strategy.
    const windows: { minutes: number; path: (string | number)[]; what: string; fix: string }[] = [
      { minutes: s.health.bakeMinutes, path: ['health', 'bakeMinutes'], what: 'bake', fix: 'lengthen health.bakeMinutes' },
    ];
    if ((s.strategy.type === 'canary' || s.strategy.type === 'linear') && s.strategy.bakeMinutes > 0) {
      windows.push({ minutes: s.strategy.bakeMinutes, path: ['strategy', 'bakeMinutes'], what: 'traffic step', fix: 'lengthen strategy.bakeMinutes' });
    }
    if (s.strategy.type === 'blueGreen' && s.strategy.testTrafficBakeMinutes > 0) {
      windows.push({
        minutes: s.strategy.testTrafficBakeMinutes,
        path: ['strategy', 'testTrafficBakeMinutes'],
        what: 'test-traffic bake',
        fix: 'lengthen strategy.testTrafficBakeMinutes',
      });
    }
    s.health.metrics.forEach((m, i) => {
      const needed = (m.failureLimit + 2) * m.period + DEFAULTS.health.ingestionGraceSeconds;
      for (const w of windows) {
        if (w.minutes * 60 >= needed) continue;
        ctx.addIssue({
          code: 'custom',
          path: ['health', 'metrics', i, 'period'],
          message: `a ${w.minutes}-minute ${w.what} cannot fail ${m.period} s periods with failureLimit ${m.failureLimit}: it needs at least ${needed / 60} minutes (${m.failureLimit + 1} breaching periods, one more lost to alignment, plus ${DEFAULTS.health.ingestionGraceSeconds} s for CloudWatch to ingest); ${w.fix} or shorten the period`,
        });
      }
    });
  });

export const configSchema = z
  .strictObject({
    services: z.array(service).min(1),
  })
  .superRefine((c, ctx) => {
    const seen = new Map<string, number>();
    c.services.forEach((s, i) => {
      const first = seen.get(s.name);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['services', i, 'name'], message: `duplicate service name "${s.name}" (also services[${first}])` });
      }
      seen.set(s.name, i);
    });
  });

export type Config = z.infer<typeof configSchema>;
export type ServiceConfig = Config['services'][number];
export type MetricCheck = ServiceConfig['health']['metrics'][number];
export type MetricStat = z.infer<typeof metricStat>;
export type ScanPolicy = ServiceConfig['scan'];
export type HealthPolicy = ServiceConfig['health'];
export type ApprovalConfig = NonNullable<ServiceConfig['approval']>;

/** The service config as it travels in the execution input: already validated, so parsed leniently. */
export const serviceConfigSchema = service;
