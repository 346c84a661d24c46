import type { DeploymentRecord } from '../../shared/records/types.js';
import { OUTCOMES, type Outcome, type StepTime } from '../../shared/workflow/result.js';
import { spread, type Spread } from './percentile.js';

/** `shipwatch stats`: the four keys and each step's times, over a window of records (README, "shipwatch stats" defines each). */
export interface Stats {
  since: string;
  until: string;
  services: string[];
  deploymentFrequency: { deployments: number; perDay: number; perWeek: number };
  leadTime: Spread;
  changeFailureRate: { failed: number; changes: number; rate?: number };
  timeToRestore: Spread & { notRestored: number };
  steps: Record<'scan' | 'approvalWait' | 'rollout' | 'bake', Spread>;
  outcomes: Record<Outcome, number>;
  inFlight: number;
}

const seconds = (from?: string, to?: string) => (from && to ? (Date.parse(to) - Date.parse(from)) / 1000 : undefined);
const defined = (xs: (number | undefined)[]) => xs.filter((x): x is number => x !== undefined && x >= 0);

const step = (r: DeploymentRecord, name: StepTime['step']) => r.result?.steps?.find((s) => s.step === name);

/**
 * `deployed` without a rollout: the service already ran the image (a new tag
 * of its last good release, or a digest deployed by other means). Nothing
 * changed in production, so it is no deployment and no change.
 */
const changedNothing = (r: DeploymentRecord) => r.outcome === 'deployed' && !step(r, 'rollout');

/** When a record was first recorded `deployed`: its outcome events keep it even after an alarm amended the outcome to rolled_back. */
const deployedAt = (r: DeploymentRecord) =>
  changedNothing(r) ? undefined : (r.events?.find((e) => e.what.startsWith('deployed:'))?.at ?? (r.outcome === 'deployed' ? r.result?.finishedAt : undefined));

/** The rollback of a failed change: from the moment Shipwatch knew (it started rolling back) to the previous release running again. */
const restoreSeconds = (r: DeploymentRecord) => {
  const rollback = step(r, 'rollback');
  return seconds(rollback?.startedAt, rollback?.endedAt);
};

/** Pure: the four keys over the records pushed in [since, until), every service together. */
export function computeStats(records: readonly DeploymentRecord[], services: string[], since: Date, until: Date): Stats {
  const inWindow = records.filter((r) => Date.parse(r.pushedAt) >= since.getTime() && Date.parse(r.pushedAt) < until.getTime());
  const ended = inWindow.filter((r) => r.outcome);
  const count = (o: Outcome) => ended.filter((r) => r.outcome === o).length;
  const days = (until.getTime() - since.getTime()) / 86_400_000;

  // A change reached production when it was deployed, even if an alarm rolled it back later.
  const reached = ended.filter((r) => deployedAt(r) !== undefined);
  const deployed = count('deployed') - ended.filter(changedNothing).length;
  const failed = count('rolled_back') + count('rollback_failed');
  const changes = deployed + failed;
  const rolledBack = ended.filter((r) => r.outcome === 'rolled_back');

  return {
    since: since.toISOString(),
    until: until.toISOString(),
    services,
    deploymentFrequency: { deployments: reached.length, perDay: reached.length / days, perWeek: (reached.length / days) * 7 },
    leadTime: spread(defined(reached.map((r) => seconds(r.pushedAt, deployedAt(r))))),
    changeFailureRate: { failed, changes, ...(changes > 0 ? { rate: failed / changes } : {}) },
    timeToRestore: { ...spread(defined(rolledBack.map(restoreSeconds))), notRestored: count('rollback_failed') },
    steps: {
      scan: spread(defined(ended.map((r) => step(r, 'scan')).map((s) => seconds(s?.startedAt, s?.endedAt)))),
      // The request goes out when the scan passes; the decision carries its time.
      approvalWait: spread(defined(ended.filter((r) => r.result?.approval?.at).map((r) => seconds(step(r, 'scan')?.endedAt, r.result!.approval!.at)))),
      rollout: spread(defined(ended.map((r) => step(r, 'rollout')).map((s) => seconds(s?.startedAt, s?.endedAt)))),
      bake: spread(defined(ended.map((r) => step(r, 'bake')).map((s) => seconds(s?.startedAt, s?.endedAt)))),
    },
    outcomes: Object.fromEntries(OUTCOMES.map((o) => [o, count(o)])) as Record<Outcome, number>,
    inFlight: inWindow.length - ended.length,
  };
}
