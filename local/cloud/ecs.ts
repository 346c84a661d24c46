// Long on purpose: every ECS action the sandbox serves (services, task definitions, service
// deployments) and its exact errors, in one place; the deployment engines are in ecs-deployments.ts
// and ecs-progressive.ts.
import type {
  ContinueServiceDeploymentCommandInput,
  Deployment,
  DeploymentConfiguration,
  DescribeServiceDeploymentsCommandInput,
  DescribeServiceRevisionsCommandInput,
  ListServiceDeploymentsCommandInput,
  StopServiceDeploymentCommandInput,
  DescribeServicesCommandInput,
  DescribeServicesCommandOutput,
  DescribeTaskDefinitionCommandInput,
  DescribeTaskDefinitionCommandOutput,
  ListServicesCommandInput,
  ListServicesCommandOutput,
  RegisterTaskDefinitionCommandInput,
  RegisterTaskDefinitionCommandOutput,
  Service,
  UpdateServiceCommandInput,
  UpdateServiceCommandOutput,
} from '@aws-sdk/client-ecs';
import type { AlbModel, LoadBalancerSetup } from './alb.js';
import type { HookChange, ProgressiveState } from './ecs-deployment-types.js';
import { advancedOf, EcsProgressive } from './ecs-progressive.js';
import { progressiveView } from './ecs-progressive-view.js';
import { CloudError } from './errors.js';
import { TaskDefinitions } from './ecs-task-definitions.js';
import type { ImageProfile } from './profiles.js';

type Out<T> = Omit<T, '$metadata'>;

/** How long a healthy deployment takes to start its tasks and pass load-balancer health checks. */
export const ROLLOUT_SECONDS = 120;
/** How often a failing task is replaced (and counted) by ECS. */
export const TASK_FAILURE_SECONDS = 40;

interface SimDeployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE';
  taskDefinition: string;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason: string;
  createdAt: number;
  updatedAt: number;
  failedTasks: number;
  runningCount: number;
}

interface SimService {
  cluster: string;
  name: string;
  desiredCount: number;
  taskDefinition: string;
  circuitBreaker: { enable: boolean; rollback: boolean };
  deployments: SimDeployment[];
  /** Which image served traffic from when: what metrics are generated from. */
  serving: { from: number; image: string }[];
  /** Where ECS's circuit breaker rolls back to. */
  lastCompleted: string;
  events: { id: string; createdAt: number; message: string }[];
  /** As UpdateService last set it; its `strategy` picks the engine (ROLLING, or CANARY, LINEAR, BLUE_GREEN). */
  deploymentConfiguration: DeploymentConfiguration;
  /** A service behind a load balancer set up for ECS's traffic shifting (ecs-progressive.ts). */
  progressive?: ProgressiveState;
  /** Which engine ran the last deployment: what DescribeServices shows. */
  mode: 'rolling' | 'progressive';
}

const PROGRESSIVE = new Set(['CANARY', 'LINEAR', 'BLUE_GREEN']);

/**
 * ECS: services whose deployments start tasks, pass or fail health checks and
 * reach COMPLETED or FAILED over simulated time, with the deployment circuit
 * breaker (and its rollback) as ECS documents it. Fargate and EC2 alike.
 */
/** A deployment's change of state, as ECS announces it with an ECS Deployment State Change event. */
export interface DeploymentChange {
  at: number;
  cluster: string;
  service: string;
  deploymentId: string;
  eventName: 'SERVICE_DEPLOYMENT_IN_PROGRESS' | 'SERVICE_DEPLOYMENT_COMPLETED' | 'SERVICE_DEPLOYMENT_FAILED';
  reason: string;
}

export class EcsModel {
  readonly services = new Map<string, SimService>();
  private changes: DeploymentChange[] = [];
  private hookChanges: HookChange[] = [];
  readonly progressive: EcsProgressive;
  readonly taskDefinitions: TaskDefinitions;
  private deploymentCount = 0;

  constructor(
    readonly account: string,
    readonly region: string,
    private readonly now: () => number,
    private readonly profileOf: (image: string) => ImageProfile | undefined,
    private readonly alb?: AlbModel,
  ) {
    this.taskDefinitions = new TaskDefinitions(account, region, now);
    this.progressive = new EcsProgressive(account, region, {
      now,
      alb: alb as AlbModel,
      imageOf: (td) => this.imageOf(td),
      healthyOf: (td) => this.behaviour(td)?.healthy ?? true,
      announce: (d, at, eventName, reason) => this.changes.push({ at, cluster: d.cluster, service: d.service, deploymentId: d.legacyId, eventName, reason }),
      announceHook: (change) => this.hookChanges.push(change),
    });
  }

  /** A running service, as a platform team would have it before installing Shipwatch. */
  createService(
    cluster: string,
    name: string,
    definition: RegisterTaskDefinitionCommandInput,
    options: {
      desiredCount?: number;
      rollbackOnFailure?: boolean;
      circuitBreaker?: boolean;
      loadBalancer?: LoadBalancerSetup;
      deploymentConfiguration?: DeploymentConfiguration;
    } = {},
  ): void {
    const arn = this.RegisterTaskDefinition(definition).taskDefinition!.taskDefinitionArn!;
    const id = this.nextDeploymentId();
    const t = this.now();
    const image = this.taskDefinitions.get(arn)!.containerDefinitions![0]!.image!;
    this.services.set(`${cluster}/${name}`, {
      cluster,
      name,
      desiredCount: options.desiredCount ?? 4,
      taskDefinition: arn,
      circuitBreaker: { enable: options.circuitBreaker ?? true, rollback: options.rollbackOnFailure ?? true },
      deployments: [
        {
          id,
          status: 'PRIMARY',
          taskDefinition: arn,
          rolloutState: 'COMPLETED',
          rolloutStateReason: `ECS deployment ${id} completed.`,
          createdAt: t,
          updatedAt: t,
          failedTasks: 0,
          runningCount: options.desiredCount ?? 4,
        },
      ],
      serving: [{ from: t - 24 * 3600 * 1000, image }],
      lastCompleted: arn,
      events: [],
      deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100, ...options.deploymentConfiguration },
      mode: 'rolling',
    });
    if (options.loadBalancer) {
      const setup = options.loadBalancer;
      this.services.get(`${cluster}/${name}`)!.progressive = this.progressive.create(cluster, name, arn, t, setup);
      // Production on the primary target group, a day of history behind it.
      this.alb?.serve(setup.primary.arn, t - 24 * 3600 * 1000, { image, production: 100 });
    }
  }

  /** The image a service's traffic reaches at time t (for metrics). */
  servingImage(cluster: string, name: string, t: number): { image: string; since: number } | undefined {
    const service = this.services.get(`${cluster}/${name}`);
    if (!service) return undefined;
    this.settle(service);
    const entry = [...service.serving].reverse().find((s) => s.from <= t);
    return entry ? { image: entry.image, since: entry.from } : undefined;
  }

  imageOf(taskDefinitionArn: string, container?: string): string | undefined {
    const def = this.taskDefinitions.get(taskDefinitionArn);
    const c = container ? def?.containerDefinitions?.find((x) => x.name === container) : def?.containerDefinitions?.[0];
    return c?.image;
  }

  private nextDeploymentId(): string {
    this.deploymentCount += 1;
    return `ecs-svc/${String(1000000000000000000 + this.deploymentCount * 7919)}`;
  }

  private service(cluster: string | undefined, name: string | undefined): SimService {
    const service = this.services.get(`${cluster ?? 'default'}/${name}`);
    if (!service) throw new CloudError('ServiceNotFoundException', 'Service not found.');
    return service;
  }

  /** All images of a task definition behave well unless one of them is known to fail. */
  private behaviour(taskDefinition: string): ImageProfile | undefined {
    const images = this.taskDefinitions.get(taskDefinition)?.containerDefinitions?.map((c) => c.image ?? '') ?? [];
    return images.map((i) => this.profileOf(i)).find((p) => p && !p.healthy) ?? images.map((i) => this.profileOf(i)).find(Boolean);
  }

  /** Every deployment change up to now, each once (settling every service first). */
  drainDeploymentEvents(): DeploymentChange[] {
    for (const service of this.services.values()) this.settle(service);
    const out = this.changes.sort((a, b) => a.at - b.at);
    this.changes = [];
    return out;
  }

  private announce(service: SimService, at: number, deploymentId: string, eventName: DeploymentChange['eventName'], reason: string): void {
    this.changes.push({ at, cluster: service.cluster, service: service.name, deploymentId, eventName, reason });
  }

  /** Moves every deployment of a service forward to now, event by event, in time order. */
  private settle(service: SimService): void {
    if (service.progressive) this.progressive.engine.settle(service.progressive);
    const now = this.now();
    for (;;) {
      const primary = service.deployments.find((d) => d.status === 'PRIMARY');
      if (primary?.rolloutState !== 'IN_PROGRESS') return;
      const healthy = this.behaviour(primary.taskDefinition)?.healthy ?? true;
      const threshold = Math.min(Math.max(Math.ceil(service.desiredCount / 2), 3), 200);
      const doneAt = healthy ? primary.createdAt + ROLLOUT_SECONDS * 1000 : primary.createdAt + threshold * TASK_FAILURE_SECONDS * 1000;
      const elapsed = Math.min(now, doneAt) - primary.createdAt;
      if (healthy) primary.runningCount = Math.min(service.desiredCount, Math.floor((elapsed / (ROLLOUT_SECONDS * 1000)) * service.desiredCount));
      else
        primary.failedTasks = service.circuitBreaker.enable
          ? Math.min(threshold, Math.floor(elapsed / (TASK_FAILURE_SECONDS * 1000)))
          : Math.floor(elapsed / (TASK_FAILURE_SECONDS * 1000));
      if (now < doneAt) return;
      if (healthy) {
        primary.rolloutState = 'COMPLETED';
        primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
        primary.runningCount = service.desiredCount;
        primary.updatedAt = doneAt;
        service.deployments = [primary];
        service.serving.push({ from: doneAt, image: this.imageOf(primary.taskDefinition) ?? '' });
        // A rolling update replaces the tasks behind the target group production is on.
        const productionGroup = service.progressive?.productionTargetGroup;
        if (productionGroup) this.alb?.serve(productionGroup, doneAt, { image: this.imageOf(primary.taskDefinition) });
        service.lastCompleted = primary.taskDefinition;
        service.events.unshift({ id: `ev-${doneAt}`, createdAt: doneAt, message: `(service ${service.name}) has reached a steady state.` });
        this.announce(service, doneAt, primary.id, 'SERVICE_DEPLOYMENT_COMPLETED', `ECS deployment ${primary.id} completed.`);
        continue;
      }
      if (!service.circuitBreaker.enable) return;
      primary.rolloutState = 'FAILED';
      primary.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
      primary.updatedAt = doneAt;
      this.announce(service, doneAt, primary.id, 'SERVICE_DEPLOYMENT_FAILED', 'ECS deployment circuit breaker: tasks failed to start.');
      if (!service.circuitBreaker.rollback) return;
      // ECS rolls back to the last deployment that completed.
      const target = service.lastCompleted;
      primary.status = 'ACTIVE';
      const id = this.nextDeploymentId();
      service.deployments = [
        {
          id,
          status: 'PRIMARY',
          taskDefinition: target,
          rolloutState: 'IN_PROGRESS',
          rolloutStateReason: `ECS deployment ${id} in progress.`,
          createdAt: doneAt,
          updatedAt: doneAt,
          failedTasks: 0,
          runningCount: 0,
        },
        ...service.deployments.filter((d) => d !== primary && d.taskDefinition !== target),
        primary,
      ];
      service.taskDefinition = target;
      this.announce(service, doneAt, id, 'SERVICE_DEPLOYMENT_IN_PROGRESS', `ECS deployment circuit breaker: rolling back to deploymentId ${primary.id}.`);
    }
  }

  private shape(service: SimService): Service {
    this.settle(service);
    const view =
      service.mode === 'progressive' && service.progressive
        ? progressiveView(service.progressive, service.desiredCount, service.deployments[0]?.id ?? 'ecs-svc/0')
        : undefined;
    const setup = service.progressive?.setup;
    const toDeployment = (d: SimDeployment): Deployment => ({
      id: d.id,
      status: d.status,
      taskDefinition: d.taskDefinition,
      desiredCount: d.status === 'PRIMARY' ? service.desiredCount : 0,
      pendingCount: d.rolloutState === 'IN_PROGRESS' ? service.desiredCount - d.runningCount : 0,
      runningCount: d.runningCount,
      failedTasks: d.failedTasks,
      createdAt: new Date(d.createdAt),
      updatedAt: new Date(d.updatedAt),
      launchType: 'FARGATE',
      rolloutState: d.rolloutState,
      rolloutStateReason: d.rolloutStateReason,
    });
    return {
      serviceArn: `arn:aws:ecs:${this.region}:${this.account}:service/${service.cluster}/${service.name}`,
      serviceName: service.name,
      clusterArn: `arn:aws:ecs:${this.region}:${this.account}:cluster/${service.cluster}`,
      status: 'ACTIVE',
      desiredCount: service.desiredCount,
      runningCount: service.deployments.reduce((n, d) => n + d.runningCount, 0),
      pendingCount: 0,
      launchType: 'FARGATE',
      taskDefinition: view?.taskDefinition ?? service.taskDefinition,
      ...(setup
        ? { loadBalancers: [{ targetGroupArn: setup.primary.arn, containerName: 'app', containerPort: 8080, advancedConfiguration: advancedOf(setup) }] }
        : {}),
      deploymentConfiguration: { deploymentCircuitBreaker: service.circuitBreaker, ...structuredClone(service.deploymentConfiguration) },
      deployments: view?.deployments ?? service.deployments.map(toDeployment),
      ...(view?.currentServiceDeployment ? { currentServiceDeployment: view.currentServiceDeployment } : {}),
      deploymentController: { type: 'ECS' },
      events: service.events.slice(0, 10).map((e) => ({ id: e.id, createdAt: new Date(e.createdAt), message: e.message })),
    };
  }

  DescribeServices(input: DescribeServicesCommandInput): Out<DescribeServicesCommandOutput> {
    const cluster = input.cluster ?? 'default';
    const found: Service[] = [];
    const failures: { arn: string; reason: string }[] = [];
    for (const name of input.services ?? []) {
      const service = this.services.get(`${cluster}/${name}`);
      if (service) found.push(this.shape(service));
      else failures.push({ arn: `arn:aws:ecs:${this.region}:${this.account}:service/${cluster}/${name}`, reason: 'MISSING' });
    }
    return { services: found, failures };
  }

  ListServices(input: ListServicesCommandInput): Out<ListServicesCommandOutput> {
    const cluster = input.cluster ?? 'default';
    const arns = [...this.services.values()]
      .filter((s) => s.cluster === cluster)
      .map((s) => `arn:aws:ecs:${this.region}:${this.account}:service/${s.cluster}/${s.name}`);
    const start = input.nextToken ? Number(input.nextToken) : 0;
    const size = input.maxResults ?? 10;
    return { serviceArns: arns.slice(start, start + size), ...(start + size < arns.length ? { nextToken: String(start + size) } : {}) };
  }

  DescribeTaskDefinition(input: DescribeTaskDefinitionCommandInput): Out<DescribeTaskDefinitionCommandOutput> {
    return this.taskDefinitions.DescribeTaskDefinition(input);
  }

  RegisterTaskDefinition(input: RegisterTaskDefinitionCommandInput): Out<RegisterTaskDefinitionCommandOutput> {
    return this.taskDefinitions.RegisterTaskDefinition(input);
  }

  UpdateService(input: UpdateServiceCommandInput): Out<UpdateServiceCommandOutput> {
    const service = this.service(input.cluster, input.service);
    this.settle(service);
    if (service.mode === 'progressive' && service.progressive)
      service.taskDefinition = progressiveView(service.progressive, service.desiredCount, '').taskDefinition;
    const configuration = input.deploymentConfiguration
      ? { ...service.deploymentConfiguration, ...structuredClone(input.deploymentConfiguration) }
      : service.deploymentConfiguration;
    if (PROGRESSIVE.has(configuration.strategy ?? 'ROLLING')) return this.updateProgressive(service, input, configuration);
    service.deploymentConfiguration = configuration;
    // As ECS documents forceNewDeployment: without it, asking for the task
    // definition the service already has starts no deployment.
    const changes = input.taskDefinition !== undefined && (input.taskDefinition !== service.taskDefinition || input.forceNewDeployment === true);
    if (input.taskDefinition && changes) {
      if (!this.taskDefinitions.has(input.taskDefinition)) throw new CloudError('ClientException', 'TaskDefinition not found.');
      const t = this.now();
      const id = this.nextDeploymentId();
      for (const d of service.deployments) d.status = 'ACTIVE';
      service.deployments = [
        {
          id,
          status: 'PRIMARY',
          taskDefinition: input.taskDefinition,
          rolloutState: 'IN_PROGRESS',
          rolloutStateReason: `ECS deployment ${id} in progress.`,
          createdAt: t,
          updatedAt: t,
          failedTasks: 0,
          runningCount: 0,
        },
        ...service.deployments,
      ];
      service.taskDefinition = input.taskDefinition;
      service.mode = 'rolling';
      this.announce(service, t, id, 'SERVICE_DEPLOYMENT_IN_PROGRESS', `ECS deployment ${id} in progress.`);
    }
    if (input.desiredCount !== undefined) service.desiredCount = input.desiredCount;
    return { service: this.shape(service) };
  }

  /** UpdateService with a CANARY, LINEAR or BLUE_GREEN strategy: ECS's own engine (ecs-progressive.ts) deploys. */
  private updateProgressive(service: SimService, input: UpdateServiceCommandInput, configuration: DeploymentConfiguration): Out<UpdateServiceCommandOutput> {
    const taskDefinition = input.taskDefinition ?? service.taskDefinition;
    if (!this.taskDefinitions.has(taskDefinition)) throw new CloudError('ClientException', 'TaskDefinition not found.');
    const changes = taskDefinition !== service.taskDefinition || input.forceNewDeployment === true;
    if (changes) {
      if (!service.progressive)
        throw new CloudError(
          'InvalidParameterException',
          `${configuration.strategy} needs a load balancer with advancedConfiguration on the service (or Service Connect), which ${service.name} has not.`,
        );
      this.progressive.start(service.cluster, service.name, taskDefinition, configuration, this.nextDeploymentId(), service.desiredCount, this.now());
      service.taskDefinition = taskDefinition;
      service.mode = 'progressive';
    }
    service.deploymentConfiguration = configuration;
    if (input.desiredCount !== undefined) service.desiredCount = input.desiredCount;
    return { service: this.shape(service) };
  }

  /** Every hook state change up to now, each once. */
  drainHookEvents(): HookChange[] {
    this.progressive.settleAll();
    const out = this.hookChanges.sort((a, b) => a.at - b.at);
    this.hookChanges = [];
    return out;
  }

  DescribeServiceDeployments = (input: DescribeServiceDeploymentsCommandInput) => this.progressive.DescribeServiceDeployments(input);
  ListServiceDeployments = (input: ListServiceDeploymentsCommandInput) => this.progressive.ListServiceDeployments(input);
  DescribeServiceRevisions = (input: DescribeServiceRevisionsCommandInput) => this.progressive.DescribeServiceRevisions(input);
  ContinueServiceDeployment = (input: ContinueServiceDeploymentCommandInput) => this.progressive.ContinueServiceDeployment(input);
  StopServiceDeployment = (input: StopServiceDeploymentCommandInput) => this.progressive.StopServiceDeployment(input);
}
