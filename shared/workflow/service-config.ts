import * as z from 'zod/mini';
import '../validation/zod-messages.js';
import type { Config, ServiceConfig } from '../config/schema.js';
import { SEVERITIES } from '../config/severities.js';
import { POLL_SECONDS } from '../errors.js';

// The service config as it travels in the execution state. The full schema
// (config/schema.ts, classic zod) validated it at the edge: the trigger, the
// alarm rule, the CLI. That schema is too heavy for the task functions, so
// this one (zod/mini) checks what the tasks read: every required field and
// every number, since a number gone missing is a NaN lease or timeout, not an
// error. Details the full schema guarantees (metric queries, ignore entries)
// pass through as the edge left them: every object here is loose.

const text = z.string().check(z.minLength(1));
const texts = z.array(z.string());

const ecs = z.looseObject({ cluster: text, service: text, container: text });
const eks = z.looseObject({ cluster: text, namespace: text, deployment: text, container: text });
const target = z
  .looseObject({ ecs: z.optional(ecs), eks: z.optional(eks) })
  .check(z.refine((t) => [t.ecs, t.eks].filter(Boolean).length === 1, 'exactly one of `ecs` or `eks`'));

const metricCheck = z.looseObject({
  name: text,
  period: z.number(),
  comparison: z.enum(['>', '>=', '<', '<=']),
  threshold: z.number(),
  failureLimit: z.number(),
  inconclusiveLimit: z.number(),
});

const health = z.looseObject({
  alarms: texts,
  metrics: z.array(metricCheck),
  bakeMinutes: z.number(),
  pollSeconds: z.literal(POLL_SECONDS, { error: `expected one of ${POLL_SECONDS.join(', ')}` }),
  rolloutTimeoutMinutes: z.number(),
  guardMinutes: z.number(),
  fixForwardTags: texts,
});

const scan = z.looseObject({
  blockAt: z.enum([...SEVERITIES, 'none']),
  maxCounts: z.optional(z.partialRecord(z.enum(SEVERITIES), z.number())),
  ignore: z.array(z.looseObject({ id: text, until: text })),
  timeoutMinutes: z.number(),
  onUnsupported: z.enum(['block', 'allow']),
  onFailed: z.enum(['block', 'allow']),
});

const approval = z.looseObject({
  required: z.union([z.boolean(), texts], { error: 'true, false, or a list of tag globs' }),
  channel: text,
  approvers: z.array(text).check(z.minLength(1, 'at least one approver, or nobody can ever approve')),
  timeoutMinutes: z.number(),
  onTimeout: z.enum(['reject', 'approve']),
  allowSelfApproval: z.boolean(),
});

const serviceShape = {
  name: text,
  target,
  scan,
  health,
  approval: z.optional(approval),
  notify: z.optional(z.looseObject({ channel: text })),
};

/** Typed as the full schema's output, which it is: the edge parsed it, this schema re-checks what the tasks rely on. */
export const serviceConfigSchema = z.looseObject(serviceShape, {
  error: 'a service config as validated by the trigger (name, target, scan, health)',
}) as unknown as z.ZodMiniType<ServiceConfig>;

/** The whole config as `serverless package` validated it, plus what the trigger reads (the image to match). */
export const packagedConfigSchema = z.looseObject({
  services: z.array(z.looseObject({ ...serviceShape, image: z.looseObject({ repository: text, tags: z.array(text) }) })).check(z.minLength(1)),
}) as unknown as z.ZodMiniType<Config>;
