// Long on purpose: every read the pages make, in one place, so no page calls AWS itself.
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import type { Config, ServiceConfig } from '../../shared/config/schema.js';
import { trafficSteps } from '../../shared/config/traffic-steps.js';
import { scopeHealth } from '../../shared/health/revision-scope.js';
import { tagMatches } from '../../shared/match/tag-glob.js';
import type { PlatformKey } from '../../shared/platforms/registry.js';
import { getState } from '../../shared/records/admission.js';
import { dynamoApprovals } from '../../shared/records/approvals.js';
import { getRecord, history } from '../../shared/records/queries.js';
import type { DeploymentRecord, ServiceState } from '../../shared/records/types.js';
import type { Approval } from '../../shared/slack/interaction.js';
import type { Reach, Stack } from '../context.js';
import { changeFor } from '../plan/change.js';
import { computeStats, type Stats } from '../stats/dora.js';
import { recordsSince } from '../stats/read.js';
import { Cache } from './cache.js';
import { readHealthChart, type HealthChart } from './health.js';
import { stepsFromResult, timelineOf, type Step, type Timeline } from './timeline.js';

// What the pages show, read with the operator's credentials from the stack's
// records table, its state machine's executions and the services themselves.
// Nothing here is written; actions.ts does that.

/** Records read per service for the overview: in flight and the sparkline. */
const RECENT = 20;

export interface InFlight {
  recordId: string;
  tag?: string;
  /** The step under way (from the execution), or the record's phase. */
  step: string;
  since: string;
  progress?: Step['progress'];
  /** A rollback after the workflow (an alarm, a person) rather than a push. */
  rollback?: boolean;
}

export interface ServiceRow {
  name: string;
  configured: boolean;
  platform?: PlatformKey;
  /** prod/checkout, shop/shop/catalog */
  target?: string;
  /** How a release reaches it: a rolling update, or a progressive strategy's traffic steps. */
  strategy?: string;
  runsNow?: { revision: string; image: string; firing: string[] } | { error: string };
  lastGood?: ServiceState['lastGood'];
  lastDeployment?: ServiceState['lastDeployment'];
  inFlight: InFlight[];
  /** Oldest first. */
  recent: { recordId: string; tag?: string; outcome?: string; phase: string }[];
}

/** One DORA key as a tile: its value now, the window before, and its course over the window. */
export interface DoraTiles {
  since: string;
  until: string;
  span: string;
  current: Stats;
  previous: Stats;
  /** The window in six equal parts, oldest first. */
  buckets: Stats[];
}

/** An approval as the page may see it: never the task token. */
export type ApprovalView = Omit<Approval, 'taskToken' | 'view'> & { repository: string; tag?: string };

export interface DeploymentPage {
  now: Date;
  service: ServiceConfig;
  record: DeploymentRecord;
  timeline?: Timeline;
  /** Why the execution's history could not be read, if it could not. */
  timelineError?: string;
  /** Rollbacks of this release run after its workflow (an alarm after the deploy, a person), still under way. */
  rollbacks: Timeline[];
  approval?: ApprovalView;
  /** A progressive deployment's pause: the promotion request its Promote and Abort decide. */
  promotion?: ApprovalView;
  health?: HealthChart;
  /** This record is the release the service runs now (it may be rolled back). */
  isRunning: boolean;
}

export interface HistoryFilters {
  outcome?: string;
  tag?: string;
  since: { text: string; ms: number };
}

export const executionArnOf = (stateMachineArn: string, name: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

const platformOf = (s: ServiceConfig): PlatformKey => (s.target.ecs ? 'ecs' : 'eks');
const targetOf = (s: ServiceConfig) =>
  s.target.ecs ? `${s.target.ecs.cluster}/${s.target.ecs.service}` : `${s.target.eks!.cluster}/${s.target.eks!.namespace}/${s.target.eks!.deployment}`;

/** How a release reaches the service: a rolling update, or a progressive strategy's traffic steps (shared/config/strategy.ts). */
export function strategyOf(s: ServiceConfig): string {
  const strategy = s.strategy;
  if (strategy.type === 'rolling')
    return s.target.ecs ? 'rolling update (ECS deployment circuit breaker watched)' : 'rolling update (Kubernetes RollingUpdate)';
  const traffic = trafficSteps(strategy)
    .map((percent) => `${percent}%`)
    .join(' → ');
  const judged =
    strategy.type === 'blueGreen'
      ? strategy.testTrafficBakeMinutes
        ? `, ${strategy.testTrafficBakeMinutes} min on test traffic first`
        : ''
      : `, each step judged over ${strategy.bakeMinutes} min`;
  return `${strategy.type === 'blueGreen' ? 'blue/green' : strategy.type}: traffic ${traffic}${judged}${strategy.pause ? ', pausing for promotion' : ''}`;
}

export class DashboardData {
  private readonly cache = new Cache();
  private readonly histories = new Map<string, HistoryEvent[]>();

  constructor(
    readonly reach: Reach,
    readonly config: Config,
    readonly now: () => Promise<Date>,
  ) {}

  stack(): Promise<Stack> {
    return this.reach.stack();
  }

  serviceConfig(name: string): ServiceConfig | undefined {
    return this.config.services.find((s) => s.name === name);
  }

  /** An execution's history, oldest first; a finished one is read once. */
  async executionHistory(executionArn: string): Promise<HistoryEvent[]> {
    const kept = this.histories.get(executionArn);
    if (kept) return kept;
    return this.cache.get(`history:${executionArn}`, 500, async () => {
      const { sfn } = await this.stack();
      const events: HistoryEvent[] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken, includeExecutionData: true }));
        events.push(...(page.events ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      if (events.some((e) => /^Execution(Succeeded|Failed|TimedOut|Aborted)$/.test(e.type ?? ''))) this.histories.set(executionArn, events);
      return events;
    });
  }

  private state(name: string): Promise<ServiceState | undefined> {
    return this.cache.get(`state:${name}`, 500, async () => getState((await this.stack()).records, name));
  }

  private recent(name: string): Promise<DeploymentRecord[]> {
    return this.cache.get(`recent:${name}`, 500, async () => history((await this.stack()).records, name, RECENT));
  }

  /**
   * What the service runs, read from ECS or Kubernetes: at most every ten
   * seconds (four Describe calls for ECS, whose API rate limits are shared
   * with everything else in the account), and again as soon as the records
   * say something changed (`version`).
   */
  private runsNow(service: ServiceConfig, now: Date, version: string): Promise<NonNullable<ServiceRow['runsNow']>> {
    return this.cache.get(
      `runs:${service.name}`,
      10_000,
      async () => {
        try {
          const change = await changeFor(this.reach.clients, this.config, service.name, '', now);
          return { ...change.current, firing: change.firing };
        } catch (error) {
          return { error: `${(error as Error).name}: ${(error as Error).message}` };
        }
      },
      version,
    );
  }

  /** The timeline of a record's own execution, if it has one and it can be read. */
  async timelineOf(record: DeploymentRecord, service: ServiceConfig, now: Date): Promise<{ timeline?: Timeline; error?: string }> {
    const { stateMachineArn } = await this.stack();
    if (!record.executionName || !stateMachineArn) return {};
    try {
      return { timeline: timelineOf(await this.executionHistory(executionArnOf(stateMachineArn, record.executionName)), service, now) };
    } catch (error) {
      return { error: `${(error as Error).name}: ${(error as Error).message}` };
    }
  }

  /** Rollback executions of this record still under way (started by the alarm rule, the CLI or the dashboard). */
  private async runningRollbacks(record: DeploymentRecord, service: ServiceConfig, now: Date): Promise<Timeline[]> {
    const { sfn, stateMachineArn } = await this.stack();
    if (!stateMachineArn) return [];
    const running = await this.cache.get(`running`, 500, async () => {
      const out = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 100 }));
      return (out.executions ?? []).filter((e) => e.status === 'RUNNING');
    });
    const timelines: Timeline[] = [];
    for (const execution of running) {
      if (!execution.executionArn || execution.name === record.executionName) continue;
      const input = await this.cache.get(`input:${execution.executionArn}`, 3_600_000, async () => {
        const described = await sfn.send(new DescribeExecutionCommand({ executionArn: execution.executionArn }));
        return JSON.parse(described.input ?? '{}') as { mode?: string; admission?: { recordId?: string }; service?: { name?: string } };
      });
      if (input.mode === 'rollback' && input.admission?.recordId === record.recordId && input.service?.name === service.name) {
        timelines.push(timelineOf(await this.executionHistory(execution.executionArn), service, now));
      }
    }
    return timelines;
  }

  async serviceRow(service: ServiceConfig, now: Date): Promise<ServiceRow> {
    const [state, recent] = await Promise.all([this.state(service.name), this.recent(service.name)]);
    const changed = JSON.stringify([
      state?.lease?.holder,
      state?.lease?.phase,
      state?.lastDeployment?.recordId,
      state?.lastDeployment?.outcome,
      recent.map((r) => r.phase),
    ]);
    const runsNow = await this.runsNow(service, now, changed);
    const inFlight: InFlight[] = [];
    for (const record of recent.filter((r) => r.phase !== 'done')) {
      const { timeline } = await this.timelineOf(record, service, now);
      const step = timeline?.steps.at(-1);
      inFlight.push({
        recordId: record.recordId,
        ...(record.tag ? { tag: record.tag } : {}),
        step: step && timeline?.status === 'RUNNING' ? step.label : record.phase.replace('_', ' '),
        since: step?.startedAt ?? record.updatedAt,
        ...(step?.progress ? { progress: step.progress } : {}),
      });
    }
    // A rollback of a finished release holds the lease while its record says done.
    const lease = state?.lease;
    if (lease && lease.phase === 'rolling_back' && Date.parse(lease.expiresAt) > now.getTime() && !inFlight.some((f) => f.recordId === lease.holder)) {
      const record = recent.find((r) => r.recordId === lease.holder);
      inFlight.push({ recordId: lease.holder, ...(record?.tag ? { tag: record.tag } : {}), step: 'rolling back', since: lease.acquiredAt, rollback: true });
    }
    return {
      name: service.name,
      configured: true,
      platform: platformOf(service),
      target: targetOf(service),
      strategy: strategyOf(service),
      runsNow,
      ...(state?.lastGood ? { lastGood: state.lastGood } : {}),
      ...(state?.lastDeployment ? { lastDeployment: state.lastDeployment } : {}),
      inFlight,
      recent: [...recent]
        .reverse()
        .map((r) => ({ recordId: r.recordId, ...(r.tag ? { tag: r.tag } : {}), ...(r.outcome ? { outcome: r.outcome } : {}), phase: r.phase })),
    };
  }

  /** DORA's four keys over [now - span, now) for some services, the window before, and six buckets. */
  async dora(services: string[], span: { text: string; ms: number }, now: Date): Promise<DoraTiles> {
    const since = new Date(now.getTime() - span.ms);
    const before = new Date(since.getTime() - span.ms);
    // The records are read at most every few seconds; the figures are computed on what was read.
    const records = await this.cache.get(
      `dora:${services.join(',')}:${span.text}`,
      5_000,
      async () => {
        const { records: db } = await this.stack();
        return (await Promise.all(services.map((s) => recordsSince(db, s, before)))).flat();
      },
      String(Math.floor(now.getTime() / 60_000)),
    );
    const bucketMs = span.ms / 6;
    return {
      since: since.toISOString(),
      until: now.toISOString(),
      span: span.text,
      current: computeStats(records, services, since, now),
      previous: computeStats(records, services, before, since),
      buckets: [0, 1, 2, 3, 4, 5].map((i) =>
        computeStats(records, services, new Date(since.getTime() + i * bucketMs), new Date(since.getTime() + (i + 1) * bucketMs)),
      ),
    };
  }

  async overview(): Promise<{ now: Date; services: ServiceRow[]; dora: DoraTiles }> {
    const now = await this.now();
    const services = await Promise.all(this.config.services.map((s) => this.serviceRow(s, now)));
    const dora = await this.dora(
      this.config.services.map((s) => s.name),
      { text: '30d', ms: 30 * 86_400_000 },
      now,
    );
    return { now, services, dora };
  }

  async service(name: string, filters: HistoryFilters): Promise<{ now: Date; row: ServiceRow; records: DeploymentRecord[]; dora: DoraTiles } | undefined> {
    const service = this.serviceConfig(name);
    if (!service) return undefined;
    const now = await this.now();
    const [row, dora] = await Promise.all([this.serviceRow(service, now), this.dora([name], filters.since, now)]);
    const since = new Date(now.getTime() - filters.since.ms);
    const all = await this.cache.get(`records:${name}:${filters.since.text}`, 1_000, async () => recordsSince((await this.stack()).records, name, since));
    const records = all
      .filter((r) => Date.parse(r.pushedAt) >= since.getTime())
      .filter((r) => !filters.outcome || (filters.outcome === 'in_flight' ? !r.outcome : r.outcome === filters.outcome))
      // As the config's tag globs match (an untagged push matches none).
      .filter((r) => !filters.tag || (r.tag !== undefined && tagMatches(filters.tag, r.tag)))
      .reverse();
    return { now, row, records, dora };
  }

  async deployment(name: string, recordId: string): Promise<DeploymentPage | undefined> {
    const service = this.serviceConfig(name);
    if (!service) return undefined;
    const now = await this.now();
    const { records } = await this.stack();
    const record = await this.cache.get(`record:${name}:${recordId}`, 500, () => getRecord(records, name, recordId));
    if (!record) return undefined;
    const [{ timeline, error }, rollbacks, state] = await Promise.all([
      this.timelineOf(record, service, now),
      this.runningRollbacks(record, service, now),
      this.state(name),
    ]);
    const [approval, promotion] = await Promise.all([
      this.approvalView(record, record.approval?.approvalId),
      this.approvalView(record, record.promotion?.approvalId),
    ]);
    // A rollback after the workflow replaced the record's result: its steps come from there.
    if (timeline && record.result?.steps.some((s) => s.step === 'rollback') && !timeline.steps.some((s) => s.key === 'rollback')) {
      timeline.steps.push(
        ...stepsFromResult(record.result.steps.filter((s) => s.step === 'rollback')).map((s) => ({ ...s, label: 'rollback after the deploy' })),
      );
    }
    const health = await this.healthOf(record, service, timeline, now);
    const runningId = state?.lastDeployment?.outcome === 'deployed' ? state.lastDeployment.recordId : state?.lastGood?.recordId;
    return {
      now,
      service,
      record,
      ...(timeline ? { timeline } : {}),
      ...(error ? { timelineError: error } : {}),
      rollbacks,
      ...(approval ? { approval } : {}),
      ...(promotion ? { promotion } : {}),
      ...(health ? { health } : {}),
      isRunning: record.outcome === 'deployed' && runningId === record.recordId,
    };
  }

  /** A stored approval (or a pause's promotion request) as the page may see it. */
  private async approvalView(record: DeploymentRecord, approvalId: string | undefined): Promise<ApprovalView | undefined> {
    if (!approvalId) return undefined;
    const { records } = await this.stack();
    const stored = await this.cache.get(`approval:${approvalId}`, 500, () => dynamoApprovals(records).get(approvalId));
    if (!stored) return undefined;
    // The task token is a capability: it never leaves this process.
    const { taskToken: _token, view, ...rest } = stored;
    return { ...rest, repository: view.repository, ...(record.tag ? { tag: record.tag } : {}) };
  }

  /**
   * The bake's window: from the rollout's completion to the bake's end (its
   * last look, or the rollback it started), or to now while it runs; none
   * for a push that never baked.
   */
  private async healthOf(record: DeploymentRecord, service: ServiceConfig, timeline: Timeline | undefined, now: Date): Promise<HealthChart | undefined> {
    const health = service.health;
    if (health.alarms.length === 0 && health.metrics.length === 0) return undefined;
    const state = timeline?.state;
    const bakeStep = (record.result?.steps ?? []).find((s) => s.step === 'bake');
    const from = state?.rollout?.done ? state.rollout.completedAt : bakeStep?.startedAt;
    if (!from) return undefined;
    const running = timeline?.status === 'RUNNING' && timeline.steps.at(-1)?.key === 'bake';
    const end = state?.bake?.done ? state.bake.finishedAt : (state?.rollback?.startedAt ?? bakeStep?.endedAt ?? (running ? undefined : timeline?.endedAt));
    const to = end ? new Date(end) : now;
    // After the verdict, the data goes on to the execution's end: the alarm that fired, the rollback's effect.
    const executionRunning = timeline?.status === 'RUNNING';
    const until = executionRunning ? now : new Date(timeline?.endedAt ?? record.result?.finishedAt ?? to.toISOString());
    const final = Boolean(state?.bake?.done || (record.result?.steps && bakeStep && record.result.outcome === 'deployed'));
    const axisTo = new Date(Date.parse(from) + health.bakeMinutes * 60_000);
    // Complete periods change with time, alarm states too: read again when ten (simulated) seconds have passed, or once it all ended.
    const version = executionRunning ? String(Math.floor(now.getTime() / 10_000)) : `${until.getTime()}`;
    const ended = !end
      ? undefined
      : final
        ? ('healthy' as const)
        : state?.rollback || record.outcome === 'rolled_back' || record.outcome === 'rollback_failed'
          ? ('unhealthy' as const)
          : ('stopped' as const);
    // As the bake reads them: `{revision}` in a metric is the release deployed (shared/health/bake.ts).
    const revision = record.revision ?? state?.deploy?.revision;
    const scoped = revision ? scopeHealth(health, { revision }) : health;
    return this.cache.get(
      `health:${record.recordId}`,
      executionRunning ? 1_000 : 30_000,
      () =>
        readHealthChart(this.reach.clients.cloudwatch(), scoped, {
          from: new Date(from),
          to,
          until,
          axisTo,
          now,
          final,
          live: !end,
          ...(ended ? { ended } : {}),
        }),
      version,
    );
  }
}
