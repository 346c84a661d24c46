import type { CloudWatchModel, MetricProvider, MetricQuery } from './cloudwatch.js';
import type { EksModel } from './eks.js';
import type { ImageProfile } from './profiles.js';
import { noise } from './random.js';

// Requests to a Kubernetes Service on a simulated EKS cluster, split over its
// endpoints: kube-proxy spreads connections evenly over a Service's ready
// endpoints (https://kubernetes.io/docs/reference/networking/virtual-ips/),
// so each revision's share of the requests is its share of the ready pods,
// whichever Deployment they belong to (a canary beside its Deployment).
// From each revision's share and behaviour (profiles.ts) come:
//
// - per-revision request metrics, in namespace `ServiceRequests`
//   (SERVICE_METRICS_NAMESPACE): RequestCount and HTTPCode_5XX_Count with
//   dimensions ClusterName, Namespace, Service and Image, the image reference
//   the pods run (a Shipwatch revision on EKS), so a config names the new
//   revision as `Image: "{revision}"`; without Image, the whole Service.
//   The sandbox's stand-in for what an application or its metrics pipeline
//   publishes (docs/progressive-eks.md);
// - the ALB metrics (RequestCount, HTTPCode_Target_5XX_Count) of a load
//   balancer in front of the Service: the sum over its revisions.

export const SERVICE_METRICS_NAMESPACE = 'ServiceRequests';
export const SERVICE_DIMENSIONS = ['ClusterName', 'Namespace', 'Service'] as const;
/** The dimension whose value names a revision: the image reference its pods run. */
export const REVISION_DIMENSION = 'Image';
/** Pods are counted this often within a period, and the shares averaged. */
const SAMPLE_MS = 10_000;
/** How a Service behaves with an image the simulated ECR does not know (a sidecar-only template, say). */
const UNKNOWN: Pick<ImageProfile, 'requestsPerMinute' | 'errorRate'> = { requestsPerMinute: 1200, errorRate: 0.3 };

interface ServiceRef {
  cluster: string;
  namespace: string;
  service: string;
}

/** Requests and 5xx answers of one revision (an image) over one period. */
export interface RevisionCounts {
  requests: number;
  errors: number;
}

export class ServiceTraffic {
  /** Load balancers in front of a Service, by LoadBalancer dimension value. */
  private readonly balancers = new Map<string, ServiceRef>();
  /** Past periods never change (a write changes only the pods after it), so each ended period is worked out once. */
  private readonly memo = new Map<string, Map<string, RevisionCounts>>();
  readonly provider: MetricProvider = (metric, t, periodSeconds) => this.value(metric, t, periodSeconds);

  constructor(
    private readonly eks: EksModel,
    private readonly profileOf: (image: string) => ImageProfile | undefined,
    private readonly seed: number,
    private readonly cloudwatch: Pick<CloudWatchModel, 'outages'>,
    private readonly now: () => number,
  ) {}

  /** A load balancer (its LoadBalancer dimension value) in front of a Service: its metrics are the Service's. */
  attach(loadBalancer: string, ref: ServiceRef): void {
    this.balancers.set(loadBalancer, { ...ref });
  }

  /** Each image's share of the Service's requests over [t, t + periodMs), in [0, 1]; a moment with no ready endpoint serves nobody. */
  shares(ref: ServiceRef, t: number, periodMs: number): Map<string, number> {
    const kube = this.eks.clusters.get(ref.cluster)?.kubernetes;
    const service = kube?.service(ref.namespace, ref.service);
    const shares = new Map<string, number>();
    if (!kube || !service) return shares;
    const samples = Math.max(1, Math.round(periodMs / SAMPLE_MS));
    for (let k = 0; k < samples; k++) {
      const endpoints = kube.endpoints(ref.namespace, service.spec.selector, t + k * (periodMs / samples));
      const total = endpoints.reduce((n, e) => n + e.pods, 0);
      for (const e of endpoints) shares.set(e.image, (shares.get(e.image) ?? 0) + e.pods / total / samples);
    }
    return shares;
  }

  /** Requests and errors per image over one period starting at t (empty: the Service has no such pods, or does not exist). */
  counts(ref: ServiceRef, t: number, periodSeconds: number): Map<string, RevisionCounts> {
    const key = `${ref.cluster}/${ref.namespace}/${ref.service}`;
    const memoKey = `${key}|${t}|${periodSeconds}`;
    const known = this.memo.get(memoKey);
    if (known) return known;
    const minutes = periodSeconds / 60;
    const load = 1 + 0.1 * noise(this.seed, `${key}:req`, t);
    // An outage behind a load balancer in front of the Service fails that share of every revision's requests.
    const fronts = [...this.balancers].filter(([, r]) => sameService(r, ref)).map(([lb]) => lb);
    const outageRate = this.cloudwatch.outages.find((o) => fronts.includes(o.loadBalancer) && t >= o.from && t < o.to)?.errorRate;
    const counts = new Map<string, RevisionCounts>();
    for (const [image, share] of this.shares(ref, t, periodSeconds * 1000)) {
      const profile = this.profileOf(image);
      const behaviour = profile ?? UNKNOWN;
      const requests = Math.max(0, Math.round(behaviour.requestsPerMinute * minutes * share * load));
      const since = profile?.latent ? this.eks.clusters.get(ref.cluster)!.kubernetes.firstServed(ref.namespace, this.selectorOf(ref), image) : undefined;
      const latent = profile?.latent && since !== undefined && t >= since + profile.latent.afterMinutes * 60_000 ? profile.latent.errorRate : undefined;
      const rate = (outageRate ?? latent ?? behaviour.errorRate) * (1 + 0.2 * noise(this.seed, `${key}:${image}:err`, t));
      counts.set(image, { requests, errors: Math.round((requests * Math.max(0, rate)) / 100) });
    }
    if (t + periodSeconds * 1000 <= this.now()) this.memo.set(memoKey, counts);
    return counts;
  }

  /** Requests the Service served between two times, in all and by image: the exposure of a revision is its part of them. */
  served(ref: ServiceRef, from: number, to: number): { requests: number; byImage: Map<string, RevisionCounts> } {
    const byImage = new Map<string, RevisionCounts>();
    let requests = 0;
    for (let t = Math.floor(from / 60_000) * 60_000; t < to; t += 60_000) {
      for (const [image, c] of this.counts(ref, t, 60)) {
        const sum = byImage.get(image) ?? { requests: 0, errors: 0 };
        byImage.set(image, { requests: sum.requests + c.requests, errors: sum.errors + c.errors });
        requests += c.requests;
      }
    }
    return { requests, byImage };
  }

  private selectorOf(ref: ServiceRef): Record<string, string> {
    return this.eks.clusters.get(ref.cluster)?.kubernetes.service(ref.namespace, ref.service)?.spec.selector ?? {};
  }

  private value(metric: MetricQuery, t: number, periodSeconds: number): { value: number | undefined } | undefined {
    if (metric.namespace === SERVICE_METRICS_NAMESPACE) return { value: this.revisionValue(metric, t, periodSeconds) };
    const ref = metric.namespace === 'AWS/ApplicationELB' ? this.balancers.get(metric.dimensions.LoadBalancer ?? '') : undefined;
    if (!ref) return undefined;
    const all = [...this.counts(ref, t, periodSeconds).values()];
    const requests = all.reduce((n, c) => n + c.requests, 0);
    const sums: Record<string, number> = { RequestCount: requests, HTTPCode_Target_5XX_Count: all.reduce((n, c) => n + c.errors, 0) };
    const sum = sums[metric.metricName];
    if (sum === undefined || (requests === 0 && metric.metricName !== 'RequestCount')) return { value: undefined };
    return { value: statistic(metric.stat, sum, requests, periodSeconds) };
  }

  /** A CloudWatch metric is its exact set of dimensions: the Service's three, and Image or not. */
  private revisionValue(metric: MetricQuery, t: number, periodSeconds: number): number | undefined {
    const names = Object.keys(metric.dimensions).sort();
    const expected = [...SERVICE_DIMENSIONS, ...(REVISION_DIMENSION in metric.dimensions ? [REVISION_DIMENSION] : [])].sort();
    if (names.join() !== expected.join()) return undefined;
    const d = metric.dimensions;
    const counts = this.counts({ cluster: d.ClusterName!, namespace: d.Namespace!, service: d.Service! }, t, periodSeconds);
    const image = d[REVISION_DIMENSION];
    const chosen = image === undefined ? [...counts.values()] : [counts.get(image)].filter((c): c is RevisionCounts => c !== undefined);
    const requests = chosen.reduce((n, c) => n + c.requests, 0);
    // A revision that served nothing in a period published nothing: no datapoint, which the bake counts as inconclusive, never healthy.
    if (requests === 0) return undefined;
    const sums: Record<string, number> = { RequestCount: requests, HTTPCode_5XX_Count: chosen.reduce((n, c) => n + c.errors, 0) };
    const sum = sums[metric.metricName];
    return sum === undefined ? undefined : statistic(metric.stat, sum, requests, periodSeconds);
  }
}

const sameService = (a: ServiceRef, b: ServiceRef) => a.cluster === b.cluster && a.namespace === b.namespace && a.service === b.service;

/** As the ALB model answers: Sum, SampleCount (the requests), anything else per minute. */
function statistic(stat: string, sum: number, requests: number, periodSeconds: number): number {
  if (stat === 'Sum') return sum;
  if (stat === 'SampleCount') return requests;
  return sum / Math.max(1, periodSeconds / 60);
}
