import { table as textTable } from '../cli/table.js';
import type { DeploymentResult } from '../shared/workflow/result.js';
import type { Scenario } from './scenarios.js';

/** What one scenario made the cloud do: what the cost benchmark prices. */
export interface Usage {
  scenario: string;
  pushes: number;
  transitions: number;
  lambdaInvocations: number;
  /** Invocations that ended in a function error (Lambda's Errors metric): 0 on every healthy path. */
  lambdaErrors: number;
  handlerMs: number;
  awsCalls: Record<string, number>;
  /** Metrics requested through GetMetricData (each query counts, inputs of metric math included). */
  metricsRequested: number;
  dynamo: Record<string, number>;
  slackCalls: number;
  kubeRequests: number;
}

export interface Row {
  scenario: string;
  service: string;
  image: string;
  outcome: string;
  expected: string;
  ok: boolean;
  reason: string;
  leadTimeSeconds?: number | undefined;
  timeToDetectSeconds?: number | undefined;
  timeToRollBackSeconds?: number | undefined;
  transitions: number;
  lambdaInvocations: number;
  lambdaErrors: number;
  /** From an alarm's event reaching Shipwatch to the rollback's UpdateService, in simulated seconds. */
  alarmToActionSeconds?: number;
  /** The share of the requests the pushed image served during its deployment, in percent, where the sandbox splits requests by revision (sandbox/exposure.ts). */
  exposurePercent?: number;
  results?: DeploymentResult[];
}

const seconds = (from?: string, to?: string) => (from && to ? Math.round((Date.parse(to) - Date.parse(from)) / 1000) : undefined);

/** Lead time, time to detect and time to roll back, in simulated seconds, over every execution of one push. */
export function measure(scenario: Scenario, results: DeploymentResult[]) {
  const steps = results.flatMap((r) => r.steps);
  const step = (name: string) => steps.find((s) => s.step === name);
  const rollback = step('rollback');
  let badSince: string | undefined;
  // A progressive deployment's new pods serve from its first traffic step, before any rollout of the whole service.
  if (scenario.failsAt === 'rollout-start') badSince = (step('progress') ?? step('rollout'))?.startedAt;
  else if (scenario.failsAt) {
    const serving = step('rollout')?.endedAt;
    badSince = serving ? new Date(Date.parse(serving) + scenario.failsAt.servingMinutes * 60_000).toISOString() : undefined;
  }
  // Lead time: push to healthy-through-the-bake, for releases that got there.
  const deployed = results.find((r) => r.outcome === 'deployed');
  return {
    ...(deployed ? { leadTimeSeconds: seconds(deployed.startedAt, deployed.finishedAt) } : {}),
    ...(rollback && badSince ? { timeToDetectSeconds: seconds(badSince, rollback.startedAt) } : {}),
    ...(rollback ? { timeToRollBackSeconds: seconds(rollback.startedAt, rollback.endedAt) } : {}),
  };
}

const duration = (s?: number) => (s === undefined ? '-' : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`);

export function table(rows: Row[]): string {
  return textTable(
    ['scenario', 'service', 'image', 'outcome', 'lead time', 'detect', 'roll back', 'transitions', 'lambdas', 'errors', 'reason'],
    rows.map((r) => [
      r.scenario,
      r.service,
      r.image,
      r.ok ? r.outcome : `${r.outcome} (expected ${r.expected})`,
      duration(r.leadTimeSeconds),
      duration(r.timeToDetectSeconds),
      duration(r.timeToRollBackSeconds),
      String(r.transitions),
      String(r.lambdaInvocations),
      String(r.lambdaErrors),
      r.reason,
    ]),
  );
}
