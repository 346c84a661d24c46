import * as v from 'valibot';
import { exactlyOnePlatform, PLATFORMS } from '../platforms/registry.js';
import '../validation/messages.js';
import { looseObject } from '../validation/object.js';
import type { Config, ServiceConfig } from './schema.js';
import { SEVERITIES } from './severities.js';

// The service config as it travels in the execution state. The full schema
// (config/schema.ts, classic zod) validated it at the edge: packaging, the
// CLI. That schema is too heavy for the functions, so this one (Valibot)
// checks what the functions read: every required field and every number,
// since a number gone missing is a NaN lease or timeout, not an error. Details
// the full schema guarantees (metric queries, ignore entries) pass through as
// the edge left them: every object here is loose.

const text = v.pipe(v.string(), v.minLength(1));
const texts = v.array(v.string());

// One optional section per registered platform (platforms/registry.ts), exactly one of them given.
const target = v.pipe(
  looseObject(Object.fromEntries(Object.entries(PLATFORMS).map(([key, p]) => [key, v.optional(p.state)]))),
  v.check((t) => Object.keys(PLATFORMS).filter((key) => t[key]).length === 1, exactlyOnePlatform(Object.keys(PLATFORMS))),
);

const metricCheck = looseObject({
  name: text,
  period: v.number(),
  comparison: v.picklist(['>', '>=', '<', '<=']),
  threshold: v.number(),
  failureLimit: v.number(),
  inconclusiveLimit: v.number(),
});

const health = looseObject({
  alarms: texts,
  metrics: v.array(metricCheck),
  bakeMinutes: v.number(),
  pollSeconds: v.number(),
  consecutiveErrorLimit: v.number(),
  rolloutTimeoutMinutes: v.number(),
  guardMinutes: v.number(),
  fixForwardTags: texts,
});

const scan = looseObject({
  blockAt: v.picklist([...SEVERITIES, 'none']),
  maxCounts: v.optional(v.record(v.picklist(SEVERITIES), v.number())),
  ignore: v.array(looseObject({ id: text, until: text })),
  timeoutMinutes: v.number(),
  onUnsupported: v.picklist(['block', 'allow']),
  onFailed: v.picklist(['block', 'allow']),
});

const approval = looseObject({
  required: v.union([v.boolean(), texts], 'true, false, or a list of tag globs'),
  channel: text,
  approvers: v.pipe(v.array(text), v.minLength(1, 'at least one approver, or nobody can ever approve')),
  timeoutMinutes: v.number(),
  onTimeout: v.picklist(['reject', 'approve']),
  allowSelfApproval: v.boolean(),
});

// v.variant wants plain object schemas, so the array check comes first here, by hand.
const strategy = v.pipe(
  v.custom<Record<string, unknown>>((x) => typeof x === 'object' && x !== null && !Array.isArray(x), 'a strategy object'),
  v.variant('type', [
    v.looseObject({ type: v.literal('rolling') }),
    v.looseObject({ type: v.literal('canary'), percent: v.number(), bakeMinutes: v.number(), pause: v.boolean() }),
    v.looseObject({ type: v.literal('linear'), stepPercent: v.number(), bakeMinutes: v.number(), pause: v.boolean() }),
    v.looseObject({ type: v.literal('blueGreen'), testTrafficBakeMinutes: v.number(), pause: v.boolean() }),
  ]),
);

const serviceEntries = {
  name: text,
  target,
  // Absent in an execution started before strategies existed: a rolling update.
  strategy: v.optional(strategy, { type: 'rolling' }),
  scan,
  health,
  approval: v.optional(approval),
  notify: v.optional(looseObject({ channel: text })),
};

/** Typed as the full schema's output, which it is: the edge parsed it, this schema re-checks what the functions rely on. */
export const serviceConfigSchema = looseObject(
  serviceEntries,
  'a service config as validated by the trigger (name, target, scan, health)',
) as unknown as v.GenericSchema<unknown, ServiceConfig>;

/** The whole config as `serverless package` validated it, plus what the trigger reads (the image to match). */
export const packagedConfigSchema = looseObject({
  services: v.pipe(v.array(looseObject({ ...serviceEntries, image: looseObject({ repository: text, tags: v.array(text) }) })), v.minLength(1)),
}) as unknown as v.GenericSchema<unknown, Config>;
