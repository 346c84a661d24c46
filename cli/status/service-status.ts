import type { ServiceConfig } from '../../shared/config/schema.js';
import type { DeploymentRecord, ServiceState } from '../../shared/records/types.js';

/** One push still under way: which step and since when. */
export interface InFlight {
  recordId: string;
  tag?: string;
  step: string;
  since: string;
}

/** One line of `shipwatch status`. */
export interface ServiceStatus {
  service: string;
  /** ecs prod/checkout, eks shop/shop/catalog; absent for a service only the records know. */
  target?: string;
  /** False for a service that has records but is no longer in the config. */
  configured: boolean;
  inFlight: InFlight[];
  newest?: { recordId: string; pushedAt: string };
  lastDeployment?: { recordId: string; outcome: string; finishedAt: string };
  lastGood?: { recordId: string; revision: string; digest: string; deployedAt: string };
}

const targetOf = (s: ServiceConfig) =>
  s.target.ecs ? `ecs ${s.target.ecs.cluster}/${s.target.ecs.service}` : `eks ${s.target.eks!.cluster}/${s.target.eks!.namespace}/${s.target.eks!.deployment}`;

/**
 * When the current step began: a held lease says when deploying (or rolling
 * back) started; the scan and the wait for a lease rewrite the record at each
 * poll, so they count from the push's admission.
 */
function sinceOf(record: DeploymentRecord, state: ServiceState | undefined, now: Date): string {
  const lease = state?.lease;
  if (lease && lease.holder === record.recordId && Date.parse(lease.expiresAt) > now.getTime()) return lease.acquiredAt;
  return record.phase === 'awaiting_approval' ? record.updatedAt : record.createdAt;
}

/** Pure: every configured service (with or without history), then any the records know that the config no longer lists. */
export function serviceStatuses(
  services: readonly ServiceConfig[],
  states: readonly ServiceState[],
  unfinished: ReadonlyMap<string, readonly DeploymentRecord[]>,
  now: Date,
): ServiceStatus[] {
  const byName = new Map(states.map((s) => [s.service, s]));
  const names = [
    ...services.map((s) => s.name),
    ...states
      .map((s) => s.service)
      .filter((n) => !services.some((s) => s.name === n))
      .sort(),
  ];
  return names.map((name) => {
    const config = services.find((s) => s.name === name);
    const state = byName.get(name);
    return {
      service: name,
      ...(config ? { target: targetOf(config) } : {}),
      configured: Boolean(config),
      inFlight: (unfinished.get(name) ?? []).map((r) => ({
        recordId: r.recordId,
        ...(r.tag ? { tag: r.tag } : {}),
        step: r.phase.replace('_', ' '),
        since: sinceOf(r, state, now),
      })),
      ...(state?.newest ? { newest: state.newest } : {}),
      ...(state?.lastDeployment
        ? { lastDeployment: { recordId: state.lastDeployment.recordId, outcome: state.lastDeployment.outcome, finishedAt: state.lastDeployment.finishedAt } }
        : {}),
      ...(state?.lastGood
        ? {
            lastGood: {
              recordId: state.lastGood.recordId,
              revision: state.lastGood.revision,
              digest: state.lastGood.digest,
              deployedAt: state.lastGood.deployedAt,
            },
          }
        : {}),
    };
  });
}

/** "12 min ago", "3 h ago": how long a step has been going. */
export function ago(iso: string, now: Date): string {
  const minutes = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 60_000));
  if (minutes < 120) return `${minutes} min ago`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h ago`;
  return `${Math.round(minutes / 1440)} d ago`;
}
