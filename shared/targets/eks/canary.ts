// Long on purpose: the four ProgressiveTarget methods of EKS and the rollback, which share how a
// canary's state is read; the manifest and the state itself are in canary-manifest.ts and canary-state.ts.
import type { Strategy } from '../../config/strategy.js';
import { trafficSteps } from '../../config/traffic-steps.js';
import { InvalidInput, Superseded, TargetMisconfigured } from '../../errors.js';
import type { Release } from '../../release/release.js';
import type { ProgressStatus, ProgressiveTarget } from '../progressive.js';
import type { Deployment } from '../rollout.js';
import type { Watch } from '../target.js';
import { canaryManifest, canaryName, canaryReplicas, sharePercent } from './canary-manifest.js';
import { canaryState, pauseIdOf, stateAnnotation, stepOfPause, type CanaryState } from './canary-state.js';
import { KubeApiError } from './errors.js';
import type { KubeApi } from './kube-api.js';
import { imageOf, patchImage, rollingUpdate, type EksConfig } from './last-deploy.js';
import { eksRolloutStatus } from './rollout-status.js';
import type { KubeDeployment } from './types.js';

// A progressive deployment on EKS: Shipwatch steps a canary Deployment beside
// the configured one (canary-manifest.ts) and keeps where it stands on the
// canary (canary-state.ts). The Deployment itself is not touched until the
// promotion, which is today's rolling update of its image; an abort or a
// rollback before that is the canary's deletion, so the previous revision
// never loses a pod.

export type ProgressiveStrategy = Extract<Strategy, { type: 'canary' | 'linear' }>;

export interface CanaryDeps {
  /** The cluster's Kubernetes API. */
  kube: () => Promise<KubeApi>;
  /** When progress first finds a step in place (the start of its judging). */
  now: () => Date;
}

export interface EksCanary {
  /** The first step: the canary created (or adopted), or, where the first step is 100%, the promotion itself. */
  start(api: KubeApi, deployment: KubeDeployment, image: string, release: Release, now: Date): Promise<Deployment>;
  /** Deletes Shipwatch's canary of the Deployment, if there is one (before a rollback of the Deployment itself). */
  remove(): Promise<boolean>;
  progressive: ProgressiveTarget;
}

interface Look {
  api: KubeApi;
  main: KubeDeployment;
  mainImage: string | undefined;
  canary: KubeDeployment | undefined;
  state: CanaryState | undefined;
  /** The canary is the one this deployment created: its state names our release and our Deployment, and (by uid) it is the same object. */
  ours: boolean;
}

const numeric = (id: string) => /^\d+$/.test(id);

export function eksCanary(deps: CanaryDeps, config: EksConfig, strategy: ProgressiveStrategy, label: string): EksCanary {
  const name = canaryName(config.deployment);
  const where = `${config.cluster}/${config.namespace}/${name}`;
  const ns = config.namespace;

  async function look(watch: Watch): Promise<Look> {
    const api = await deps.kube();
    const main = await api.getDeployment(ns, config.deployment);
    const canary = await api.findDeployment(ns, name);
    const state = canary ? canaryState(canary) : undefined;
    const sameObject = numeric(watch.deploymentId) || canary?.metadata.uid === watch.deploymentId;
    const ours = Boolean(canary && state && state.of === config.deployment && state.revision === watch.revision && sameObject);
    return { api, main, mainImage: imageOf(main, config.container), canary, state, ours };
  }

  /** Why the canary is no longer what this deployment made of it, or undefined while it is. */
  function changed(l: Look, watch: Watch): string | undefined {
    const { canary, state } = l;
    if (!canary || !state) return undefined;
    if (!l.ours) return `${where} is another deployment's canary now (${state.revision}${canary.metadata.uid ? `, uid ${canary.metadata.uid}` : ''})`;
    const image = imageOf(canary, config.container);
    if (image !== watch.revision) return `${where} was changed by someone: it runs ${image ?? `no container "${config.container}"`}`;
    const replicas = canary.spec.replicas ?? 1;
    if (replicas !== state.replicas) return `${where} was scaled by someone to ${replicas} (Shipwatch set ${state.replicas} for step ${state.step})`;
    return undefined;
  }

  const stableOf = (main: KubeDeployment) => main.spec.replicas ?? 1;

  function position(l: Look, state: CanaryState, detail: string) {
    const canaryPods = l.canary?.status?.availableReplicas ?? 0;
    const stablePods = l.main.status?.availableReplicas ?? 0;
    const asked = state.steps[state.step - 1]!;
    const share = sharePercent(canaryPods, stablePods);
    return {
      step: state.step,
      steps: state.steps.length,
      trafficPercent: share,
      detail: `${asked}% asked: ${canaryPods} of ${state.replicas} canary pods available beside ${stablePods} of ${config.deployment} (${share}% of the pods); ${detail}`,
    };
  }

  async function create(api: KubeApi, main: KubeDeployment, from: string, release: Release, now: Date): Promise<KubeDeployment> {
    const steps = trafficSteps(strategy);
    const stable = stableOf(main);
    const { replicas } = canaryReplicas(stable, steps[0]!);
    const state: CanaryState = {
      of: config.deployment,
      container: config.container,
      revision: release.imageUri,
      from,
      steps,
      step: 1,
      replicas,
      stableReplicas: stable,
      since: now.toISOString(),
    };
    const created = await api.createDeployment(
      ns,
      canaryManifest(main, { container: config.container, image: release.imageUri, replicas, annotations: stateAnnotation(state) }),
    );
    if (!created.metadata.uid) throw new KubeApiError(`create ${where}: the created Deployment has no metadata.uid`);
    return created;
  }

  /** After step `state.step` was judged healthy (and, at a pause, promoted by a person): the next step, or the promotion. */
  async function next(l: Look, state: CanaryState, watch: Watch, now: Date): Promise<void> {
    const percent = state.steps[state.step];
    if (percent === undefined || percent >= 100) {
      // The Deployment rolls out the new image as a rolling deploy does; the canary keeps serving until that completes (progress deletes it then).
      await patchImage(l.api, config, l.main, watch.revertRevision, watch.revision);
      return;
    }
    const stable = stableOf(l.main);
    const { replicas } = canaryReplicas(stable, percent);
    const { readyAt: _r, pausedAt: _p, ...rest } = state;
    const moved: CanaryState = { ...rest, step: state.step + 1, replicas, stableReplicas: stable, since: now.toISOString() };
    await l.api.patchDeployment(ns, name, {
      metadata: { resourceVersion: l.canary!.metadata.resourceVersion, annotations: stateAnnotation(moved) },
      spec: { replicas },
    });
  }

  async function deleteCanary(api: KubeApi, canary: KubeDeployment): Promise<boolean> {
    return api.deleteDeployment(ns, name, canary.metadata.uid ? { uid: canary.metadata.uid } : undefined);
  }

  /** The canary is not the one this deployment is stepping: someone else's change, which the workflow leaves alone. */
  function refuse(l: Look, watch: Watch, what: string): never {
    const why =
      l.mainImage !== watch.revision && l.mainImage !== watch.revertRevision
        ? `${label} runs ${l.mainImage ?? 'another container set'}, changed by someone`
        : (changed(l, watch) ?? `${where} is gone`);
    throw new Superseded(`${what}: ${why}`);
  }

  const progressive: ProgressiveTarget = {
    async progress(watch: Watch): Promise<ProgressStatus> {
      const l = await look(watch);
      const steps = l.state?.steps ?? trafficSteps(strategy);

      if (l.mainImage === watch.revision) {
        // Promoted (or a first step of 100%): the Deployment's own rollout, as `kubectl rollout status` reads it.
        const status = eksRolloutStatus(l.main, {
          container: config.container,
          generation: l.main.metadata.generation ?? 0,
          revision: watch.revision,
          revertRevision: watch.revertRevision,
        });
        if (status.state === 'failed') return { state: 'failed', reason: `promotion on ${label}: ${status.reason}` };
        if (status.state !== 'completed') {
          const detail = status.state === 'in_progress' ? status.detail : status.by;
          return {
            state: 'stepping',
            step: steps.length,
            steps: steps.length,
            trafficPercent: 100,
            detail: `promoting: ${label} rolls out the new image: ${detail}`,
          };
        }
        // The one cleanup progress makes: once the Deployment serves the new image everywhere, the canary has no purpose.
        const removed = l.canary && l.state?.of === config.deployment && l.state.revision === watch.revision ? await deleteCanary(l.api, l.canary) : false;
        return { state: 'completed', detail: `${status.detail}${removed ? `; canary ${name} deleted` : ''}` };
      }

      if (l.mainImage !== watch.revertRevision) {
        // Someone else deployed to the Deployment: theirs stands, and our release must not keep serving beside it.
        const removed = l.canary && l.ours ? await deleteCanary(l.api, l.canary) : false;
        return {
          state: 'superseded',
          by: `${l.mainImage ?? `no container "${config.container}"`} on ${label} (changed by someone${removed ? `; Shipwatch deleted its canary ${name}` : ''})`,
        };
      }

      if (!l.canary) {
        return {
          state: 'failed',
          reason: `the canary ${where} is gone (aborted, or deleted by someone): ${label} serves every request with the previous image ${watch.revertRevision}`,
        };
      }
      const other = changed(l, watch) ?? (l.state ? undefined : `${where} carries no Shipwatch state (annotation shipwatch/canary): someone replaced it`);
      if (other) return { state: 'superseded', by: other };
      const state = l.state!;

      const status = eksRolloutStatus(l.canary, {
        container: config.container,
        generation: l.canary.metadata.generation ?? 0,
        revision: watch.revision,
        revertRevision: watch.revertRevision,
      });
      if (status.state === 'failed') return { state: 'failed', reason: `canary ${where}, step ${state.step} of ${state.steps.length}: ${status.reason}` };
      if (status.state !== 'completed') return { state: 'stepping', ...position(l, state, status.state === 'in_progress' ? status.detail : status.by) };
      if (state.pausedAt)
        return {
          state: 'paused',
          pauseId: state.pausedAt,
          ...position(l, state, `judged healthy; waiting for a person to promote or abort (${state.pausedAt})`),
        };

      let readyAt = state.readyAt;
      if (!readyAt) {
        // First seen in place: the judging starts now, not when the canary was scaled (its pods were not serving yet).
        readyAt = deps.now().toISOString();
        await l.api.patchDeployment(ns, name, {
          metadata: { resourceVersion: l.canary.metadata.resourceVersion, annotations: stateAnnotation({ ...state, readyAt }) },
        });
      }
      return {
        state: 'judge',
        since: readyAt,
        bakeMinutes: strategy.bakeMinutes,
        scope: { revision: watch.revision },
        ...position(l, state, `in place since ${readyAt}`),
      };
    },

    async advance(watch: Watch, step: number, now: Date): Promise<void> {
      const l = await look(watch);
      if (l.mainImage === watch.revision) return; // promoted already: a retried advance of the last step
      if (l.mainImage !== watch.revertRevision || !l.canary || !l.ours || changed(l, watch)) refuse(l, watch, `advance of step ${step} on ${label}`);
      const state = l.state!;
      if (state.step > step || state.pausedAt === pauseIdOf(step)) return; // done already (a retry)
      if (state.step < step)
        throw new InvalidInput(`advance of step ${step} on ${label}: the canary ${where} is at step ${state.step} of ${state.steps.length}`);
      if (strategy.pause && step === 1) {
        // Judged healthy: held for a person before any more traffic moves (decide).
        await l.api.patchDeployment(ns, name, {
          metadata: { resourceVersion: l.canary!.metadata.resourceVersion, annotations: stateAnnotation({ ...state, pausedAt: pauseIdOf(step) }) },
        });
        return;
      }
      await next(l, state, watch, now);
    },

    async decide(watch: Watch, pauseId: string, action: 'promote' | 'abort', now: Date): Promise<void> {
      const paused = stepOfPause(pauseId);
      if (paused === undefined) throw new InvalidInput(`${label}: "${pauseId}" is not a pause of an EKS canary (step-<n>)`);
      const l = await look(watch);
      if (action === 'abort') {
        // Every request back on the previous revision at once: the Deployment never stopped serving it.
        if (l.mainImage === watch.revision) throw new InvalidInput(`abort on ${label}: already promoted to ${watch.revision}; roll back instead`);
        if (!l.canary) return; // aborted already
        if (!l.ours) refuse(l, watch, `abort on ${label}`);
        await deleteCanary(l.api, l.canary);
        return;
      }
      if (l.mainImage === watch.revision) return; // promoted already
      if (l.mainImage !== watch.revertRevision || !l.canary || !l.ours || changed(l, watch)) refuse(l, watch, `promote on ${label}`);
      const state = l.state!;
      if (!state.pausedAt) {
        if (state.step > paused) return; // this pause was promoted already (a retry)
        throw new InvalidInput(`promote on ${label}: the canary ${where} is not paused (step ${state.step} of ${state.steps.length})`);
      }
      if (state.pausedAt !== pauseId) throw new InvalidInput(`promote on ${label}: the canary waits at ${state.pausedAt}, not ${pauseId}`);
      await next(l, state, watch, now);
    },
  };

  return {
    async start(api, main, image, release, now) {
      const startedAt = now.toISOString();
      if (trafficSteps(strategy)[0]! >= 100) {
        // Nothing to step through: the promotion is the whole deployment.
        return rollingUpdate(api, config, main, image, release.imageUri, startedAt, label);
      }
      canaryReplicas(stableOf(main), trafficSteps(strategy)[0]!); // a Deployment scaled to zero is refused before anything is created
      let canary = await api.findDeployment(ns, name);
      const state = canary ? canaryState(canary) : undefined;
      if (canary && !state) {
        throw new TargetMisconfigured(
          `${where} exists and is not a Shipwatch canary (no shipwatch/canary annotation); Shipwatch creates the canary of ${config.deployment} under that name: rename or delete that Deployment`,
        );
      }
      if (canary && state && !(state.of === config.deployment && state.revision === release.imageUri && state.from === image)) {
        // A canary left by an earlier deployment that ended without cleaning up (the service's lease says none is in flight).
        await deleteCanary(api, canary);
        canary = undefined;
      }
      // Created by an earlier attempt of this very step whose answer was lost: adopt it.
      canary ??= await create(api, main, image, release, now);
      return { platform: 'eks', previousRevision: image, revision: release.imageUri, deploymentId: canary.metadata.uid!, startedAt, alreadyRunning: false };
    },

    async remove() {
      const api = await deps.kube();
      const canary = await api.findDeployment(ns, name);
      if (!canary || canaryState(canary)?.of !== config.deployment) return false; // none, or not Shipwatch's: left alone
      return deleteCanary(api, canary);
    },

    progressive,
  };
}
