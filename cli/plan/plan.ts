import picomatch from 'picomatch';
import type { Config, ServiceConfig } from '../../shared/config/schema.js';
import { trafficSteps } from '../../shared/config/traffic-steps.js';
import { matchServices } from '../../shared/match/match-push.js';
import { isIgnoreActive } from '../../shared/scan/policy.js';
import { requiresApproval } from '../../shared/slack/approval-policy.js';
import type { ImageRef } from '../options.js';

/** What one push would do to one service it matches (no AWS call: the config alone). */
export interface ServicePlan {
  service: string;
  target:
    | { platform: 'ecs'; cluster: string; service: string; container: string }
    | { platform: 'eks'; cluster: string; namespace: string; deployment: string; container: string };
  scan: {
    blockAt: string;
    maxCounts: Record<string, number>;
    ignoring: { id: string; until: string; reason: string }[];
    /** Ignore entries whose day has passed: they no longer hide their finding. */
    expired: { id: string; until: string }[];
    timeoutMinutes: number;
    onUnsupported: string;
    onFailed: string;
  };
  approval:
    | { needed: false; why: string }
    | { needed: true; why: string; channel: string; approvers: string[]; timeoutMinutes: number; onTimeout: string; selfApproval: boolean };
  strategy: string;
  health: {
    alarms: string[];
    metrics: string[];
    bakeMinutes: number;
    pollSeconds: number;
    rolloutTimeoutMinutes: number;
    guardMinutes: number;
    fixForward: boolean;
  };
}

export interface PushPlan {
  image: ImageRef;
  matched: ServicePlan[];
  /** Every other service, and why this push does not reach it. */
  notMatched: { service: string; why: string }[];
}

/** Why a push does not reach a service: the repository, or no tag glob accepts the tag. */
function whyNot(service: ServiceConfig, image: ImageRef): string {
  if (service.image.repository !== image.repository) return `repository is ${service.image.repository}, not ${image.repository}`;
  if (image.tag === undefined) return `a push by digest alone only matches tags ["*"]; tags are ${JSON.stringify(service.image.tags)}`;
  return `tag ${image.tag} matches none of ${JSON.stringify(service.image.tags)}`;
}

function approvalOf(service: ServiceConfig, tag: string | undefined): ServicePlan['approval'] {
  const policy = service.approval;
  if (!policy) return { needed: false, why: 'no approval policy' };
  if (!requiresApproval(policy, tag)) return { needed: false, why: `tag ${tag} matches none of approval.required ${JSON.stringify(policy.required)}` };
  const why =
    policy.required === true
      ? 'approval.required is true'
      : tag
        ? `tag ${tag} matches approval.required ${JSON.stringify(policy.required)}`
        : 'a push by digest alone cannot be shown not to be a release';
  return {
    needed: true,
    why,
    channel: policy.channel,
    approvers: policy.approvers,
    timeoutMinutes: policy.timeoutMinutes,
    onTimeout: policy.onTimeout,
    selfApproval: policy.allowSelfApproval,
  };
}

function strategyOf(service: ServiceConfig): string {
  const h = service.health;
  if (service.target.ecs) {
    const t = service.target.ecs;
    return `ECS rolling update of ${t.cluster}/${t.service}: a new revision of its task definition where only container ${t.container}'s image changes (pinned to the digest), then UpdateService; the circuit breaker's verdict is watched, and ${h.rolloutTimeoutMinutes} min without completing rolls back`;
  }
  const t = service.target.eks!;
  const strategy = service.strategy;
  if (strategy.type === 'canary' || strategy.type === 'linear') {
    const steps = trafficSteps(strategy).filter((p) => p < 100);
    return `canary by replica ratio beside Deployment ${t.namespace}/${t.deployment} on ${t.cluster} (docs/progressive-eks.md): ${t.deployment}-canary runs the new image for ${steps.map((p) => `${p}%`).join(', ')} of the pods, each step judged ${strategy.bakeMinutes} min on the new revision${strategy.pause ? ', a person promoting after the first' : ''}; then the RollingUpdate of ${t.deployment} (container ${t.container}, pinned to the digest) and the canary deleted; an unhealthy step deletes the canary, ${t.deployment} unchanged`;
  }
  return `Kubernetes RollingUpdate of Deployment ${t.namespace}/${t.deployment} on ${t.cluster}: one strategic merge patch of container ${t.container}'s image (pinned to the digest), watched as kubectl rollout status does; ProgressDeadlineExceeded or ${h.rolloutTimeoutMinutes} min rolls back`;
}

/** Pure: what a push of `image` would do, from the config alone (shared/ decides matching, approval and ignores, as the workflow does). */
export function planPush(config: Config, image: ImageRef, now: Date): PushPlan {
  const matched = new Set(matchServices(config, image).map((s) => s.name));
  return {
    image,
    matched: config.services
      .filter((s) => matched.has(s.name))
      .map((s) => ({
        service: s.name,
        target: s.target.ecs ? { platform: 'ecs' as const, ...s.target.ecs } : { platform: 'eks' as const, ...s.target.eks! },
        scan: {
          blockAt: s.scan.blockAt,
          maxCounts: { ...(s.scan.maxCounts ?? {}) } as Record<string, number>,
          ignoring: s.scan.ignore.filter((e) => isIgnoreActive(e.until, now)).map((e) => ({ id: e.id, until: e.until, reason: e.reason })),
          expired: s.scan.ignore.filter((e) => !isIgnoreActive(e.until, now)).map((e) => ({ id: e.id, until: e.until })),
          timeoutMinutes: s.scan.timeoutMinutes,
          onUnsupported: s.scan.onUnsupported,
          onFailed: s.scan.onFailed,
        },
        approval: approvalOf(s, image.tag),
        strategy: strategyOf(s),
        health: {
          alarms: s.health.alarms,
          metrics: s.health.metrics.map((m) => `${m.name} ${m.comparison} ${m.threshold}${m.unit} (failure limit ${m.failureLimit})`),
          bakeMinutes: s.health.bakeMinutes,
          pollSeconds: s.health.pollSeconds,
          rolloutTimeoutMinutes: s.health.rolloutTimeoutMinutes,
          guardMinutes: s.health.guardMinutes,
          fixForward: image.tag !== undefined && s.health.fixForwardTags.some((g) => picomatch(g)(image.tag!)),
        },
      })),
    notMatched: config.services.filter((s) => !matched.has(s.name)).map((s) => ({ service: s.name, why: whyNot(s, image) })),
  };
}
