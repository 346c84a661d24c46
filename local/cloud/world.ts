import { CloudWatchModel } from './cloudwatch.js';
import { EcrModel } from './ecr.js';
import { EcsModel } from './ecs.js';
import { EksModel } from './eks.js';
import { ServiceTraffic } from './kube-traffic.js';
import { NotImplementedInSandbox } from './errors.js';
import { SsmModel } from './ssm.js';
import { CloudTrailModel } from './cloudtrail.js';
import { StsModel } from './sts.js';
import { CloudEvents } from './events.js';
import { AlbModel } from './alb.js';
import { LambdaModel } from './lambda.js';

export type CloudService = 'ecs' | 'ecr' | 'cloudwatch' | 'eks' | 'ssm' | 'cloudtrail' | 'sts';

export interface CloudCall {
  service: CloudService;
  operation: string;
  input: unknown;
  at: number;
  error?: string;
}

/** Decides whether a call fails before it reaches the model (throttling, 5xx, timeouts). */
export type FaultInjector = (call: { service: CloudService; operation: string; input: unknown }) => Error | undefined;

/** Operations each service answers; anything else fails loudly with its name. */
const OPERATIONS: Record<CloudService, readonly string[]> = {
  ecs: [
    'ContinueServiceDeployment',
    'DescribeServiceDeployments',
    'DescribeServiceRevisions',
    'DescribeServices',
    'DescribeTaskDefinition',
    'ListServiceDeployments',
    'ListServices',
    'RegisterTaskDefinition',
    'StopServiceDeployment',
    'UpdateService',
  ],
  ecr: [
    'BatchGetImage',
    'DescribeImageScanFindings',
    'DescribeImages',
    'DescribeRepositories',
    'GetRegistryScanningConfiguration',
    'ListImages',
    'PutImage',
    'StartImageScan',
  ],
  cloudwatch: ['DescribeAlarmHistory', 'DescribeAlarms', 'GetMetricData', 'SetAlarmState'],
  eks: ['DescribeCluster'],
  ssm: ['GetParameter'],
  cloudtrail: ['LookupEvents'],
  sts: ['GetCallerIdentity'],
};

/**
 * The simulated cloud: one account, one region, services that share a clock
 * and see each other (ECS and EKS run images ECR holds; CloudWatch measures
 * what they serve). Deterministic for a seed.
 */
export class World {
  readonly ecr: EcrModel;
  readonly ecs: EcsModel;
  readonly eks: EksModel;
  readonly cloudwatch: CloudWatchModel;
  readonly ssm: SsmModel;
  readonly cloudtrail: CloudTrailModel;
  readonly sts: StsModel;
  /** Load balancers with two target groups, for services that deploy with ECS's canary, linear or blue/green engine. */
  readonly alb: AlbModel;
  /** Functions the simulated services invoke by ARN (ECS's lifecycle hooks). */
  readonly lambda = new LambdaModel();
  /** Requests to the EKS clusters' Services, split over their revisions' pods: per-revision metrics, and ALB metrics of a load balancer in front of a Service. */
  readonly serviceTraffic: ServiceTraffic;
  readonly calls: CloudCall[] = [];
  faults: FaultInjector | undefined;
  /** Who pushes images (the principal CloudTrail records for PutImage). */
  pusher = 'arn:aws:sts::123456789012:assumed-role/github-actions-deploy/ci';

  constructor(
    readonly now: () => number,
    readonly seed = 1,
    readonly account = '123456789012',
    readonly region = 'us-east-1',
  ) {
    this.ecr = new EcrModel(account, region, now, seed);
    this.cloudwatch = new CloudWatchModel(account, region, now, seed);
    this.alb = new AlbModel(
      account,
      region,
      seed,
      (image) => this.ecr.profileOf(image),
      (lb, t) => this.cloudwatch.outages.find((o) => o.loadBalancer === lb && t >= o.from && t < o.to)?.errorRate,
    );
    // The ALB target groups of services on ECS's canary, linear or blue/green engine.
    this.cloudwatch.providers.push((metric, t, period) => {
      const value = this.alb.value(metric, t, period);
      return value === null ? undefined : { value };
    });
    this.ecs = new EcsModel(account, region, now, (image) => this.ecr.profileOf(image), this.alb);
    this.eks = new EksModel(account, region, now, (image) => this.ecr.profileOf(image), seed);
    this.ssm = new SsmModel(account, region);
    this.cloudtrail = new CloudTrailModel(account, region);
    this.sts = new StsModel(account, region);
    this.serviceTraffic = new ServiceTraffic(this.eks, (image) => this.ecr.profileOf(image), seed, this.cloudwatch, now);
    this.cloudwatch.providers.push(this.serviceTraffic.provider);
    // Every push is in CloudTrail, by the CI role unless a test says otherwise.
    this.ecr.onPush = (at, repository, digest, tag) => this.cloudtrail.recordPutImage(at, repository, digest, tag, this.pusher);
  }

  private announcer: CloudEvents | undefined;
  /** What the services announced on EventBridge since the last call (created on first use: alarms set up before it count as their initial state). */
  drainEvents() {
    this.announcer ??= new CloudEvents(this);
    return this.announcer.drain();
  }

  /** Lets CloudWatch measure an ECS service through the load balancer in front of it. */
  attachLoadBalancer(loadBalancer: string, cluster: string, service: string): void {
    this.cloudwatch.sources.set(loadBalancer, {
      servingImage: (t) => this.ecs.servingImage(cluster, service, t),
      profileOf: (image) => this.ecr.profileOf(image),
    });
  }

  /** Lets CloudWatch measure a Kubernetes Deployment on EKS through the load balancer in front of it. */
  attachEksLoadBalancer(loadBalancer: string, cluster: string, namespace: string, deployment: string): void {
    const kubernetes = this.eks.cluster(cluster).kubernetes;
    this.cloudwatch.sources.set(loadBalancer, {
      servingImage: (t) => kubernetes.servingImage(namespace, deployment, t),
      profileOf: (image) => this.ecr.profileOf(image),
    });
  }

  /**
   * ECS invokes the Lambda hooks of its service deployments that are due now
   * (and again after each callBackDelay), as it does with the hook's role; the
   * sandbox's driver calls this every few simulated seconds (ecs-hook-driver.ts).
   */
  invokeDueHooks(): Promise<number> {
    return this.ecs.progressive.invokeDueHooks((arn, payload) => this.lambda.invoke(arn, payload), this.now);
  }

  /**
   * Lets CloudWatch measure a Kubernetes Service on EKS through the load
   * balancer in front of it: every ready pod its selector matches serves its
   * share (a canary's too), as kube-traffic.ts splits the requests.
   */
  attachEksServiceLoadBalancer(loadBalancer: string, cluster: string, namespace: string, service: string): void {
    this.eks.cluster(cluster);
    this.serviceTraffic.attach(loadBalancer, { cluster, namespace, service });
  }

  /** Every AWS call the handlers make ends here, over HTTP or through a mocked client. */
  async handle(service: CloudService, operation: string, input: unknown): Promise<unknown> {
    const call: CloudCall = { service, operation, input: structuredClone(input), at: this.now() };
    this.calls.push(call);
    try {
      if (!OPERATIONS[service].includes(operation)) throw new NotImplementedInSandbox(service, operation);
      const fault = this.faults?.({ service, operation, input });
      if (fault) throw fault;
      const model = this[service] as unknown as Record<string, (input: unknown) => unknown>;
      return await model[operation]!.call(model, input ?? {});
    } catch (error) {
      call.error = (error as Error).name;
      throw error;
    }
  }

  callsTo(operation: string): CloudCall[] {
    return this.calls.filter((c) => c.operation === operation && !c.error);
  }
}
