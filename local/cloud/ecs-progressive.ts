// Long on purpose: ECS's lifecycle stages for canary, linear and blue/green, one state machine of
// stages that reads best whole.
import { createHash } from 'node:crypto';
import type {
  ContinueServiceDeploymentCommandInput,
  DeploymentConfiguration,
  DescribeServiceDeploymentsCommandInput,
  DescribeServiceDeploymentsCommandOutput,
  DescribeServiceRevisionsCommandInput,
  DescribeServiceRevisionsCommandOutput,
  ListServiceDeploymentsCommandInput,
  ListServiceDeploymentsCommandOutput,
  ServiceDeployment,
  StopServiceDeploymentCommandInput,
} from '@aws-sdk/client-ecs';
import type { LoadBalancerSetup } from './alb.js';
import type { HookRun, ProgressiveState, Revision, SimServiceDeployment } from './ecs-deployment-types.js';
import { isOngoing, isRollingBack, ProgressiveEngine, stepsOf, type EngineHost } from './ecs-deployments.js';
import { judgeAnswer, payloadOf, type HookAnswer } from './ecs-hook-runs.js';
import { validateProgressive } from './ecs-progressive-validation.js';
import { CloudError } from './errors.js';

type Out<T> = Omit<T, '$metadata'>;

/** Invokes a Lambda function by ARN, as ECS does with the hook's role (World.invokeFunction). */
export type InvokeFunction = (functionArn: string, payload: unknown) => Promise<unknown>;

/**
 * The service-deployment side of the simulated ECS: one ProgressiveState per
 * service that deploys with CANARY, LINEAR or BLUE_GREEN, the engine that
 * moves its deployments, and the API over them (DescribeServiceDeployments,
 * ListServiceDeployments, DescribeServiceRevisions, ContinueServiceDeployment,
 * StopServiceDeployment).
 */
export class EcsProgressive {
  readonly states = new Map<string, ProgressiveState>();
  readonly engine: ProgressiveEngine;
  private count = 0;

  constructor(
    private readonly account: string,
    private readonly region: string,
    private readonly host: EngineHost,
  ) {
    this.engine = new ProgressiveEngine(host);
  }

  private id(kind: string, ...parts: (string | number)[]): string {
    const h = createHash('sha256')
      .update([kind, ...parts].join('|'))
      .digest();
    return kind === 'revision'
      ? String((BigInt(`0x${h.toString('hex').slice(0, 15)}`) % 9_000_000_000_000_000_000n) + 1_000_000_000_000_000_000n)
      : h.toString('base64url').slice(0, 21);
  }

  serviceArn = (cluster: string, service: string) => `arn:aws:ecs:${this.region}:${this.account}:service/${cluster}/${service}`;

  /** A service created with its first revision in production behind the load balancer's primary target group. */
  create(cluster: string, service: string, taskDefinition: string, at: number, setup: LoadBalancerSetup | undefined): ProgressiveState {
    const revision: Revision = {
      arn: this.revisionArn(cluster, service, taskDefinition, at),
      taskDefinition,
      ...(setup ? { targetGroup: setup.primary.arn } : {}),
      createdAt: at,
    };
    const state: ProgressiveState = { ...(setup ? { setup, productionTargetGroup: setup.primary.arn } : {}), revision, deployments: [] };
    this.states.set(`${cluster}/${service}`, state);
    this.revisions.set(revision.arn, { cluster, service, revision });
    return state;
  }

  private readonly revisions = new Map<string, { cluster: string; service: string; revision: Revision }>();

  private revisionArn(cluster: string, service: string, taskDefinition: string, at: number) {
    this.count += 1;
    return `arn:aws:ecs:${this.region}:${this.account}:service-revision/${cluster}/${service}/${this.id('revision', cluster, service, taskDefinition, at, this.count)}`;
  }

  /** UpdateService with a progressive strategy: a new service revision and the service deployment to it. */
  start(
    cluster: string,
    service: string,
    taskDefinition: string,
    config: DeploymentConfiguration,
    legacyId: string,
    desiredCount: number,
    at: number,
  ): SimServiceDeployment {
    const state = this.states.get(`${cluster}/${service}`);
    if (!state)
      throw new CloudError('InvalidParameterException', `service ${cluster}/${service} has no load balancer set up for ${config.strategy} deployments`);
    validateProgressive(config, state);
    this.engine.settle(state);
    const previous = state.deployments.find(isOngoing);
    // A deployment started while another is under way replaces it: the new one starts from what production runs.
    const source = previous ? previous.source : state.revision;
    const arn = this.revisionArn(cluster, service, taskDefinition, at);
    const target = ProgressiveEngine.revisionFor(state, arn, taskDefinition, at);
    this.revisions.set(arn, { cluster, service, revision: target });
    this.count += 1;
    const d: SimServiceDeployment = {
      arn: `arn:aws:ecs:${this.region}:${this.account}:service-deployment/${cluster}/${service}/${this.id('deployment', cluster, service, at, this.count)}`,
      legacyId,
      cluster,
      service,
      createdAt: at,
      startedAt: at,
      updatedAt: at,
      status: 'IN_PROGRESS',
      stage: 'PRE_SCALE_UP',
      stageAt: at,
      stageUntil: at,
      afterHooksMs: 0,
      source,
      target,
      config: structuredClone(config),
      steps: stepsOf(config),
      step: -1,
      production: 0,
      test: 0,
      hooks: [],
      desiredCount,
    };
    this.engine.start(state, d, at);
    return d;
  }

  settleAll(): void {
    for (const state of this.states.values()) this.engine.settle(state);
  }

  private find(arn: string | undefined): { state: ProgressiveState; d: SimServiceDeployment } {
    for (const state of this.states.values()) {
      this.engine.settle(state);
      const d = state.deployments.find((x) => x.arn === arn);
      if (d) return { state, d };
    }
    throw new CloudError('ServiceDeploymentNotFoundException', `The service deploy ARN that you specified (${arn}) doesn't exist.`);
  }

  /** Lambda hooks due now, each invoked once (ECS re-invokes after callBackDelay), in time order. */
  async invokeDueHooks(invoke: InvokeFunction, now: () => number): Promise<number> {
    let invoked = 0;
    for (let round = 0; round < 100; round++) {
      this.settleAll();
      const due: { d: SimServiceDeployment; h: HookRun }[] = [];
      for (const state of this.states.values()) {
        for (const d of state.deployments.filter(isOngoing)) {
          for (const h of d.hooks)
            if (h.targetType === 'AWS_LAMBDA' && h.status === 'IN_PROGRESS' && !h.invoking && (h.nextInvokeAt ?? Infinity) <= now()) due.push({ d, h });
        }
      }
      if (due.length === 0) return invoked;
      for (const { d, h } of due.sort((a, b) => (a.h.nextInvokeAt ?? 0) - (b.h.nextInvokeAt ?? 0))) {
        h.invoking = true;
        const payload = payloadOf(d, h, this.serviceArn(d.cluster, d.service));
        const answer: HookAnswer = await invoke(h.targetArn ?? '', payload).then(
          (value) => ({ ok: true as const, value }),
          (error: Error) => ({ ok: false as const, error }),
        );
        invoked += 1;
        // The deployment moved on while the hook ran (stopped, rolled back): its answer is for a stage that is over.
        if (!d.hooks.includes(h) || !isOngoing(d)) continue;
        const { fail } = judgeAnswer(h, answer, now());
        if (!fail) continue;
        if (h.duringRollback) {
          d.status = 'ROLLBACK_FAILED';
          d.statusReason = fail;
          d.finishedAt = now();
        } else this.engine.rollback(d, now(), fail);
      }
    }
    return invoked;
  }

  ContinueServiceDeployment(input: ContinueServiceDeploymentCommandInput): { serviceDeploymentArn: string } {
    const { state, d } = this.find(input.serviceDeploymentArn);
    const hook = d.hooks.find((h) => h.hookId === input.hookId);
    if (hook?.status !== 'AWAITING_ACTION' || !isOngoing(d) || isRollingBack(d)) {
      throw new CloudError('InvalidParameterException', `Hook ${input.hookId} of service deployment ${d.arn} is not awaiting action.`);
    }
    const at = this.host.now();
    if ((input.action ?? 'CONTINUE') === 'CONTINUE') {
      hook.status = 'SUCCEEDED';
      hook.decidedAt = at;
      this.engine.announceHook(d, hook, 'HOOK_SUCCEEDED', at);
    } else {
      hook.status = 'FAILED';
      this.engine.announceHook(d, hook, 'HOOK_FAILED', at);
      this.engine.rollback(d, at, `rolled back at the pause ${hook.hookId} (ContinueServiceDeployment ROLLBACK)`);
    }
    this.engine.settle(state);
    return { serviceDeploymentArn: d.arn };
  }

  StopServiceDeployment(input: StopServiceDeploymentCommandInput): { serviceDeploymentArn: string } {
    if (input.stopType && input.stopType !== 'ROLLBACK')
      throw new CloudError('InvalidParameterException', `stopType ${input.stopType} is not supported; the valid value is ROLLBACK.`);
    const { d } = this.find(input.serviceDeploymentArn);
    // developerguide/stop-service-deployment.html: PENDING and IN_PROGRESS move to ROLLBACK_REQUESTED; a stop or rollback under way goes on.
    if (d.status === 'PENDING' || d.status === 'IN_PROGRESS')
      this.engine.rollback(d, this.host.now(), 'ECS deployment stopped (StopServiceDeployment ROLLBACK)', true);
    else if (!isOngoing(d) && d.status !== 'STOP_REQUESTED')
      throw new CloudError(
        'InvalidParameterException',
        `The service deployment ${d.arn} is ${d.status}; only a deployment that has not completed can be stopped.`,
      );
    return { serviceDeploymentArn: d.arn };
  }

  DescribeServiceDeployments(input: DescribeServiceDeploymentsCommandInput): Out<DescribeServiceDeploymentsCommandOutput> {
    const found: ServiceDeployment[] = [];
    const failures: { arn: string; reason: string }[] = [];
    for (const arn of input.serviceDeploymentArns ?? []) {
      try {
        found.push(shapeDeployment(this.find(arn).d, this.serviceArn));
      } catch {
        failures.push({ arn, reason: 'MISSING' });
      }
    }
    return { serviceDeployments: found, failures };
  }

  ListServiceDeployments(input: ListServiceDeploymentsCommandInput): Out<ListServiceDeploymentsCommandOutput> {
    const state = this.states.get(`${input.cluster ?? 'default'}/${String(input.service).split('/').pop()}`);
    if (state) this.engine.settle(state);
    const all = [...(state?.deployments ?? [])].reverse().filter((d) => !input.status || input.status.includes(d.status));
    const start = input.nextToken ? Number(input.nextToken) : 0;
    const size = input.maxResults ?? 20;
    const page = all.slice(start, start + size).map((d) => ({
      serviceDeploymentArn: d.arn,
      serviceArn: this.serviceArn(d.cluster, d.service),
      clusterArn: `arn:aws:ecs:${this.region}:${this.account}:cluster/${d.cluster}`,
      startedAt: new Date(d.startedAt),
      createdAt: new Date(d.createdAt),
      ...(d.finishedAt ? { finishedAt: new Date(d.finishedAt) } : {}),
      targetServiceRevisionArn: d.target.arn,
      status: d.status,
      ...(d.statusReason ? { statusReason: d.statusReason } : {}),
    }));
    return { serviceDeployments: page, ...(start + size < all.length ? { nextToken: String(start + size) } : {}) };
  }

  DescribeServiceRevisions(input: DescribeServiceRevisionsCommandInput): Out<DescribeServiceRevisionsCommandOutput> {
    const found: NonNullable<DescribeServiceRevisionsCommandOutput['serviceRevisions']> = [];
    const failures: { arn: string; reason: string }[] = [];
    for (const arn of input.serviceRevisionArns ?? []) {
      const known = this.revisions.get(arn);
      if (!known) {
        failures.push({ arn, reason: 'MISSING' });
        continue;
      }
      const { cluster, service, revision } = known;
      const setup = this.states.get(`${cluster}/${service}`)?.setup;
      found.push({
        serviceRevisionArn: arn,
        serviceArn: this.serviceArn(cluster, service),
        clusterArn: `arn:aws:ecs:${this.region}:${this.account}:cluster/${cluster}`,
        taskDefinition: revision.taskDefinition,
        launchType: 'FARGATE',
        createdAt: new Date(revision.createdAt),
        ...(setup
          ? { loadBalancers: [{ targetGroupArn: setup.primary.arn, containerName: 'app', containerPort: 8080, advancedConfiguration: advancedOf(setup) }] }
          : {}),
        ...(revision.targetGroup
          ? { resolvedConfiguration: { loadBalancers: [{ targetGroupArn: revision.targetGroup, productionListenerRule: setup?.productionListenerRule }] } }
          : {}),
      });
    }
    return { serviceRevisions: found, failures };
  }
}

export const advancedOf = (setup: LoadBalancerSetup) => ({
  alternateTargetGroupArn: setup.alternate.arn,
  productionListenerRule: setup.productionListenerRule,
  ...(setup.testListenerRule ? { testListenerRule: setup.testListenerRule } : {}),
  roleArn: setup.roleArn,
});

/** A service deployment as DescribeServiceDeployments answers it (API_ServiceDeployment.html). */
function shapeDeployment(d: SimServiceDeployment, serviceArn: (cluster: string, service: string) => string): ServiceDeployment {
  const running = (mine: boolean) => (mine ? d.desiredCount : 0);
  const targetUp = d.stage !== 'PRE_SCALE_UP' && d.stage !== 'RECONCILE_SERVICE' && !d.failing;
  return {
    serviceDeploymentArn: d.arn,
    serviceArn: serviceArn(d.cluster, d.service),
    clusterArn: serviceArn(d.cluster, d.service).replace(`:service/${d.cluster}/${d.service}`, `:cluster/${d.cluster}`),
    createdAt: new Date(d.createdAt),
    startedAt: new Date(d.startedAt),
    updatedAt: new Date(d.updatedAt),
    ...(d.finishedAt ? { finishedAt: new Date(d.finishedAt) } : {}),
    ...(d.stoppedAt ? { stoppedAt: new Date(d.stoppedAt) } : {}),
    sourceServiceRevisions: [
      {
        arn: d.source.arn,
        requestedTaskCount: d.desiredCount,
        runningTaskCount: running(d.status !== 'SUCCESSFUL'),
        pendingTaskCount: 0,
        requestedTestTrafficWeight: 100 - d.test,
        requestedProductionTrafficWeight: Math.round((100 - d.production) * 10) / 10,
      },
    ],
    targetServiceRevision: {
      arn: d.target.arn,
      requestedTaskCount: d.desiredCount,
      runningTaskCount: running(targetUp && d.status !== 'ROLLBACK_SUCCESSFUL'),
      pendingTaskCount: targetUp ? 0 : d.desiredCount,
      requestedTestTrafficWeight: d.test,
      requestedProductionTrafficWeight: d.production,
    },
    status: d.status,
    ...(d.statusReason ? { statusReason: d.statusReason } : {}),
    ...(isOngoing(d) ? { lifecycleStage: d.stage as ServiceDeployment['lifecycleStage'] } : {}),
    lifecycleHookDetails: d.hooks.map((h) => ({
      hookId: h.hookId,
      targetType: h.targetType,
      ...(h.targetArn ? { targetArn: h.targetArn } : {}),
      status: h.status,
      expiresAt: new Date(h.expiresAt),
      timeoutAction: h.timeoutAction,
    })),
    deploymentConfiguration: structuredClone(d.config),
    ...(d.rollback
      ? { rollback: { reason: d.rollback.reason, startedAt: new Date(d.rollback.startedAt), serviceRevisionArn: d.rollback.serviceRevisionArn } }
      : {}),
  };
}
