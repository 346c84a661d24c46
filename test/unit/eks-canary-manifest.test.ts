import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TargetMisconfigured } from '../../shared/errors.js';
import { canaryManifest, canaryName, canaryReplicas, sharePercent } from '../../shared/targets/eks/canary-manifest.js';
import { CANARY_ANNOTATION, canaryState, pauseIdOf, stateAnnotation, stepOfPause, type CanaryState } from '../../shared/targets/eks/canary-state.js';
import type { KubeDeployment } from '../../shared/targets/eks/types.js';

const fixture = (name: string): any => JSON.parse(readFileSync(new URL(`../fixtures/${name}.json`, import.meta.url), 'utf8'));
const NEW_IMAGE = '123456789012.dkr.ecr.us-west-2.amazonaws.com/guestbook@sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234';
const ENVOY = { name: 'envoy', image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod' };

/** The published guestbook-ui Deployment, with a sidecar, GitOps labels on its metadata and a scrape annotation on its pods. */
function guestbook(): KubeDeployment {
  const d: KubeDeployment = fixture('k8s-deployment-progressing-mid-rollout');
  d.spec.template.spec.containers.push(structuredClone(ENVOY));
  d.metadata.labels = { 'app.kubernetes.io/instance': 'guestbook', 'argocd.argoproj.io/instance': 'guestbook' };
  d.spec.template.metadata = { ...d.spec.template.metadata, annotations: { 'prometheus.io/scrape': 'true' } };
  return d;
}

const state: CanaryState = {
  of: 'guestbook-ui',
  container: 'guestbook-ui',
  revision: NEW_IMAGE,
  from: 'gcr.io/heptio-images/ks-guestbook-demo:0.3',
  steps: [10, 100],
  step: 1,
  replicas: 1,
  stableReplicas: 1,
  since: '2026-11-02T10:00:00.000Z',
};

describe('canaryManifest', () => {
  it('copies the pod template with only the container image changed, adds track: canary to the pods and the selector', () => {
    // Prepare
    const main = guestbook();

    // Act
    const canary = canaryManifest(main, { container: 'guestbook-ui', image: NEW_IMAGE, replicas: 1, annotations: stateAnnotation(state) });

    // Assess
    expect(canary.metadata).toStrictEqual({
      name: 'guestbook-ui-canary',
      namespace: 'default',
      labels: { track: 'canary', 'app.kubernetes.io/managed-by': 'shipwatch' },
      annotations: { [CANARY_ANNOTATION]: JSON.stringify(state) },
    });
    expect(canary.spec.replicas).toBe(1);
    expect(canary.spec.selector).toStrictEqual({ matchLabels: { app: 'guestbook-ui', track: 'canary' } });
    expect(canary.spec.template.metadata).toStrictEqual({
      ...main.spec.template.metadata,
      labels: { ...main.spec.template.metadata!.labels, track: 'canary' },
    });
    const expected = structuredClone(main.spec.template.spec);
    expected.containers[0]!.image = NEW_IMAGE;
    expect(canary.spec.template.spec).toStrictEqual(expected);
    expect(main.spec.template.spec.containers[0]!.image).toBe('gcr.io/heptio-images/ks-guestbook-demo:0.3');
  });

  it("leaves out the Deployment's own labels and annotations: GitOps tools would count the canary as theirs", () => {
    // Act
    const canary = canaryManifest(guestbook(), { container: 'guestbook-ui', image: NEW_IMAGE, replicas: 1, annotations: {} });

    // Assess
    expect(JSON.stringify(canary.metadata)).not.toMatch(/argocd|app\.kubernetes\.io\/instance|deployment\.kubernetes\.io/);
  });

  it('carries the progress deadline over, so a canary whose pods never become ready fails as its Deployment would', () => {
    // Prepare
    const main = guestbook();
    main.spec.progressDeadlineSeconds = 300;
    main.spec.minReadySeconds = 10;

    // Act
    const canary = canaryManifest(main, { container: 'guestbook-ui', image: NEW_IMAGE, replicas: 2, annotations: {} });

    // Assess
    expect(canary.spec).toMatchObject({ replicas: 2, progressDeadlineSeconds: 300, minReadySeconds: 10 });
    expect(canary.spec).not.toHaveProperty('strategy');
  });

  it('replaces the value of a track label the docs pattern already uses (stable) in selector and pods, so the two sets do not overlap', () => {
    // Prepare
    const main = guestbook();
    main.spec.selector = {
      matchLabels: { app: 'guestbook-ui', track: 'stable' },
      matchExpressions: [
        { key: 'track', operator: 'In', values: ['stable'] },
        { key: 'tier', operator: 'Exists' },
      ],
    };
    main.spec.template.metadata!.labels = { app: 'guestbook-ui', track: 'stable', tier: 'frontend' };

    // Act
    const canary = canaryManifest(main, { container: 'guestbook-ui', image: NEW_IMAGE, replicas: 1, annotations: {} });

    // Assess
    expect(canary.spec.selector).toStrictEqual({
      matchLabels: { app: 'guestbook-ui', track: 'canary' },
      matchExpressions: [{ key: 'tier', operator: 'Exists' }],
    });
    expect(canary.spec.template.metadata!.labels).toStrictEqual({ app: 'guestbook-ui', track: 'canary', tier: 'frontend' });
  });

  it('refuses a container the Deployment does not have, and a Deployment without a selector', () => {
    // Prepare
    const noSelector = guestbook();
    delete noSelector.spec.selector;

    // Act / Assess
    expect(() => canaryManifest(guestbook(), { container: 'web', image: NEW_IMAGE, replicas: 1, annotations: {} })).toThrow(
      new TargetMisconfigured('Deployment default/guestbook-ui has no container "web" (containers: guestbook-ui, envoy); check target.eks.container'),
    );
    expect(() => canaryManifest(noSelector, { container: 'guestbook-ui', image: NEW_IMAGE, replicas: 1, annotations: {} })).toThrow(/has no spec.selector/);
  });

  it('is named <deployment>-canary, and refuses a name its ReplicaSets could not carry', () => {
    expect(canaryName('catalog')).toBe('catalog-canary');
    expect(() => canaryName('a'.repeat(236))).toThrow(TargetMisconfigured);
    expect(canaryName('a'.repeat(235))).toHaveLength(242);
  });
});

describe('canaryReplicas: the canary adds pods beside the Deployment', () => {
  it.each([
    // [stable replicas, asked %, canary pods, effective %]
    [1, 10, 1, 50],
    [2, 10, 1, 33.3],
    [3, 10, 1, 25],
    [4, 10, 1, 20],
    [5, 10, 1, 16.7],
    [9, 10, 1, 10],
    [10, 10, 1, 9.1],
    [20, 10, 2, 9.1],
    [4, 25, 1, 20],
    [4, 50, 4, 50],
    [4, 75, 12, 75],
    [100, 0.1, 1, 1],
  ])('%i replicas, %s percent asked: %i canary pod(s), %s percent of the pods', (stable, percent, pods, effective) => {
    expect(canaryReplicas(stable, percent)).toStrictEqual({ replicas: pods, effectivePercent: effective });
  });

  it('refuses a Deployment scaled to zero: there is no ratio to take', () => {
    expect(() => canaryReplicas(0, 10)).toThrow(new TargetMisconfigured('a canary by replica ratio needs a Deployment with at least one replica (it has 0)'));
  });

  it('shares are of the pods, to a tenth of a percent', () => {
    expect(sharePercent(1, 4)).toBe(20);
    expect(sharePercent(0, 4)).toBe(0);
    expect(sharePercent(0, 0)).toBe(0);
    expect(sharePercent(2, 1)).toBe(66.7);
  });
});

describe('canaryState', () => {
  const on = (annotations: Record<string, string>): KubeDeployment => ({
    metadata: { name: 'guestbook-ui-canary', annotations },
    spec: { template: { spec: { containers: [] } } },
  });

  it('reads back what was written', () => {
    const paused = { ...state, readyAt: '2026-11-02T10:02:01.000Z', pausedAt: 'step-1' };
    expect(canaryState(on(stateAnnotation(paused)))).toStrictEqual(paused);
  });

  it.each([
    ['no annotation', {}],
    ['not JSON', { [CANARY_ANNOTATION]: '{step: 1' }],
    ['a step beyond the steps', { [CANARY_ANNOTATION]: JSON.stringify({ ...state, step: 3 }) }],
    ['no revision', { [CANARY_ANNOTATION]: JSON.stringify({ ...state, revision: '' }) }],
    ['a step over 100%', { [CANARY_ANNOTATION]: JSON.stringify({ ...state, steps: [10, 120] }) }],
  ])('is undefined with %s (not ours, or edited by hand)', (_, annotations) => {
    expect(canaryState(on(annotations))).toBeUndefined();
  });

  it('names pauses by step', () => {
    expect(pauseIdOf(1)).toBe('step-1');
    expect(stepOfPause('step-2')).toBe(2);
    expect(stepOfPause('step-0')).toBeUndefined();
    expect(stepOfPause('hook-1')).toBeUndefined();
  });
});
