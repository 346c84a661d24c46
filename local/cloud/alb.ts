import type { ImageProfile } from './profiles.js';
import { noise } from './random.js';

// Application Load Balancers in front of ECS services that deploy with ECS's
// canary, linear or blue/green engine: two target groups per service, a
// production listener rule that weights them, and an optional test listener
// rule (developerguide/alb-resources-for-blue-green.html). ECS moves the
// weights; this model keeps, per target group, which image its tasks run and
// what share of the production and test traffic it gets, over time, and
// generates the ALB metrics CloudWatch publishes per target group and per
// load balancer from them: RequestCount, HTTPCode_Target_5XX_Count and
// TargetResponseTime, with the `TargetGroup` and `LoadBalancer` dimensions
// (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html).

/** Production requests per minute a load balancer receives; the share of each target group follows the listener rule's weights. */
export const PRODUCTION_RPM = 1200;
/** Requests per minute the test listener rule receives (smoke tests, a header people add). */
export const TEST_RPM = 120;
/** A healthy image's mean response time, in seconds; an unhealthy one's errors come back faster, its successes slower. */
const RESPONSE_SECONDS = 0.085;

/** What one target group serves from `from` on. */
interface Segment {
  from: number;
  image: string | undefined;
  /** When this image started serving behind this target group (a latent bug counts from then). */
  imageSince: number;
  production: number;
  test: number;
}

export interface TargetGroup {
  arn: string;
  /** `targetgroup/<name>/<id>`, the TargetGroup dimension. */
  dimension: string;
  /** `app/<name>/<id>`, the LoadBalancer dimension. */
  loadBalancer: string;
}

export interface LoadBalancerSetup {
  loadBalancer: string;
  primary: TargetGroup;
  alternate: TargetGroup;
  productionListenerRule: string;
  testListenerRule?: string;
  /** The role ECS assumes to edit the listener rules (the infrastructure role for load balancers). */
  roleArn: string;
}

type Metric = { namespace: string; metricName: string; dimensions: Record<string, string>; stat: string };

export class AlbModel {
  private readonly groups = new Map<string, TargetGroup>();
  private readonly timelines = new Map<string, Segment[]>();
  readonly setups = new Map<string, LoadBalancerSetup>();

  constructor(
    readonly account: string,
    readonly region: string,
    private readonly seed: number,
    private readonly profileOf: (image: string) => ImageProfile | undefined,
    /** Errors that are no release's fault (CloudWatchModel.outages): this share fails, whatever serves. */
    private readonly outageRate: (loadBalancer: string, t: number) => number | undefined,
  ) {}

  /** A load balancer with the two target groups and the listener rules of one service, production on the primary group. */
  create(name: string, options: { testListener?: boolean } = {}): LoadBalancerSetup {
    const hex = (s: string) =>
      [...s]
        .reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7)
        .toString(16)
        .padStart(8, '0');
    const lbId = `${hex(name)}${hex(`${name}/lb`)}`;
    const loadBalancer = `app/${name}/${lbId}`;
    const group = (color: string): TargetGroup => {
      const dimension = `targetgroup/${name}-${color}/${hex(`${name}/${color}`)}${hex(color)}`;
      return { arn: `arn:aws:elasticloadbalancing:${this.region}:${this.account}:${dimension}`, dimension, loadBalancer };
    };
    const listener = `arn:aws:elasticloadbalancing:${this.region}:${this.account}:listener/${loadBalancer}/${hex(`${name}/80`)}`;
    const setup: LoadBalancerSetup = {
      loadBalancer,
      primary: group('blue'),
      alternate: group('green'),
      productionListenerRule: `${listener.replace(':listener/', ':listener-rule/')}/${hex(`${name}/prod`)}`,
      ...(options.testListener ? { testListenerRule: `${listener.replace(':listener/', ':listener-rule/')}/${hex(`${name}/test`)}` } : {}),
      roleArn: `arn:aws:iam::${this.account}:role/ecsInfrastructureRoleForLoadBalancers`,
    };
    for (const g of [setup.primary, setup.alternate]) {
      this.groups.set(g.arn, g);
      this.timelines.set(g.dimension, []);
    }
    this.setups.set(loadBalancer, setup);
    return setup;
  }

  targetGroup(arn: string): TargetGroup | undefined {
    return this.groups.get(arn);
  }

  /** From `at` on, the target group's tasks run `image` (undefined: none) and get these shares (0–100) of production and test traffic. */
  serve(targetGroupArn: string, at: number, change: { image?: string | undefined; production?: number; test?: number }): void {
    const group = this.groups.get(targetGroupArn);
    if (!group) throw new Error(`no target group ${targetGroupArn}`);
    const timeline = this.timelines.get(group.dimension)!;
    const last = timeline.at(-1);
    const image = 'image' in change ? change.image : last?.image;
    const next: Segment = {
      from: at,
      image,
      imageSince: last && last.image === image ? last.imageSince : at,
      production: change.production ?? last?.production ?? 0,
      test: change.test ?? last?.test ?? 0,
    };
    while (timeline.length > 0 && timeline.at(-1)!.from >= at) timeline.pop();
    timeline.push(next);
  }

  /** Requests and failed requests a target group served in [t, t + ms), integrating over its segments. */
  private served(dimension: string, loadBalancer: string, t: number, ms: number): { requests: number; errors: number; slow: number } {
    const timeline = this.timelines.get(dimension) ?? [];
    let requests = 0;
    let errors = 0;
    let slow = 0;
    for (let i = 0; i < timeline.length; i++) {
      const s = timeline[i]!;
      const from = Math.max(t, s.from);
      const to = Math.min(t + ms, timeline[i + 1]?.from ?? Infinity);
      if (to <= from || !s.image) continue;
      const minutes = (to - from) / 60_000;
      const profile = this.profileOf(s.image);
      const n = ((PRODUCTION_RPM * s.production + TEST_RPM * s.test) / 100) * minutes;
      const latent = profile?.latent && from >= s.imageSince + profile.latent.afterMinutes * 60_000 ? profile.latent.errorRate : undefined;
      const rate = this.outageRate(loadBalancer, from) ?? latent ?? profile?.errorRate ?? 0.3;
      requests += n;
      errors += (n * rate) / 100;
      slow += n * (profile?.healthy === false ? 4 : 1);
    }
    return { requests, errors, slow };
  }

  /**
   * One ALB metric over one period, or null when the metric is not about a
   * load balancer of this model (CloudWatch then asks its other sources), or
   * undefined when there is no datapoint (no request in the period).
   */
  value(metric: Metric, t: number, periodSeconds: number): number | undefined | null {
    if (metric.namespace !== 'AWS/ApplicationELB') return null;
    const lb = metric.dimensions.LoadBalancer;
    const tg = metric.dimensions.TargetGroup;
    const setup = lb ? this.setups.get(lb) : [...this.setups.values()].find((s) => s.primary.dimension === tg || s.alternate.dimension === tg);
    if (!setup) return null;
    const groups = [setup.primary, setup.alternate].filter((g) => !tg || g.dimension === tg);
    if (groups.length === 0) return undefined;
    const ms = periodSeconds * 1000;
    let requests = 0;
    let errors = 0;
    let slow = 0;
    for (const g of groups) {
      const s = this.served(g.dimension, setup.loadBalancer, t, ms);
      requests += s.requests;
      errors += s.errors;
      slow += s.slow;
    }
    const key = `${setup.loadBalancer}:${tg ?? 'all'}`;
    const count = Math.round(requests * (1 + 0.1 * noise(this.seed, `${key}:req`, t)));
    if (count <= 0) return undefined;
    const failed = Math.max(0, Math.round(errors * (1 + 0.2 * noise(this.seed, `${key}:err`, t))));
    const latency = ((RESPONSE_SECONDS * slow) / Math.max(requests, 1e-9)) * (1 + 0.15 * noise(this.seed, `${key}:lat`, t));
    switch (metric.metricName) {
      case 'RequestCount':
        return metric.stat === 'Sum' || metric.stat === 'SampleCount' ? count : count / (periodSeconds / 60);
      case 'HTTPCode_Target_5XX_Count':
        return metric.stat === 'Sum' ? failed : metric.stat === 'SampleCount' ? count : failed / (periodSeconds / 60);
      case 'TargetResponseTime':
        // An average over the period's requests: Average and the percentiles come out the same here.
        return metric.stat === 'SampleCount' ? count : latency;
      default:
        return undefined;
    }
  }

  /** Requests each image served in [from, to), for the exposure figures. */
  requestsByImage(loadBalancer: string, from: number, to: number): Map<string, number> {
    const setup = this.setups.get(loadBalancer);
    const out = new Map<string, number>();
    if (!setup) return out;
    for (const g of [setup.primary, setup.alternate]) {
      const timeline = this.timelines.get(g.dimension) ?? [];
      for (let i = 0; i < timeline.length; i++) {
        const s = timeline[i]!;
        const a = Math.max(from, s.from);
        const b = Math.min(to, timeline[i + 1]?.from ?? Infinity);
        if (b <= a || !s.image) continue;
        out.set(s.image, (out.get(s.image) ?? 0) + ((PRODUCTION_RPM * s.production) / 100) * ((b - a) / 60_000));
      }
    }
    return out;
  }
}
