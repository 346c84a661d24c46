import type { DeploymentConfiguration } from '@aws-sdk/client-ecs';
import type { LoadBalancerSetup } from './alb.js';

// The simulated ECS's service deployments for the canary, linear and
// blue/green strategies (ecs-deployments.ts moves them through their stages).

/** The lifecycle stages, in order (developerguide/blue-green-deployment-how-it-works.html, canary-deployment.html). */
export type Stage =
  | 'RECONCILE_SERVICE'
  | 'PRE_SCALE_UP'
  | 'SCALE_UP'
  | 'POST_SCALE_UP'
  | 'TEST_TRAFFIC_SHIFT'
  | 'POST_TEST_TRAFFIC_SHIFT'
  | 'PRE_PRODUCTION_TRAFFIC_SHIFT'
  | 'PRODUCTION_TRAFFIC_SHIFT'
  | 'POST_PRODUCTION_TRAFFIC_SHIFT'
  | 'BAKE_TIME'
  | 'CLEAN_UP';

export type DeploymentStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'SUCCESSFUL'
  | 'STOPPED'
  | 'STOP_REQUESTED'
  | 'ROLLBACK_REQUESTED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_SUCCESSFUL'
  | 'ROLLBACK_FAILED';

/** A service revision: the task definition it runs and the target group its tasks register with. */
export interface Revision {
  arn: string;
  taskDefinition: string;
  targetGroup?: string;
  createdAt: number;
}

/** One execution of one lifecycle hook at one stage. */
export interface HookRun {
  hookId: string;
  targetType: 'AWS_LAMBDA' | 'PAUSE';
  targetArn?: string;
  roleArn?: string;
  stage: Stage;
  status: 'IN_PROGRESS' | 'AWAITING_ACTION' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  startedAt: number;
  expiresAt: number;
  timeoutAction: 'ROLLBACK' | 'CONTINUE';
  /** When it reached SUCCEEDED (or was continued): the stage may end from then. */
  decidedAt?: number;
  /** Lambda: the same executionId for every invocation of this execution. */
  executionId: string;
  /** The service definition's hookDetails merged with what IN_PROGRESS answers returned. */
  details: Record<string, unknown>;
  nextInvokeAt?: number;
  invoking: boolean;
  invocations: number;
  /** Invoked while ECS rolls back (the weights move back to the source revision). */
  duringRollback: boolean;
}

export interface SimServiceDeployment {
  arn: string;
  /** The DescribeServices deployment id of its target (ecs-svc/…), as ECS Deployment State Change events name it. */
  legacyId: string;
  cluster: string;
  service: string;
  createdAt: number;
  startedAt: number;
  updatedAt: number;
  finishedAt?: number;
  stoppedAt?: number;
  status: DeploymentStatus;
  statusReason?: string;
  stage: Stage;
  stageAt: number;
  /** The stage's own time (tasks starting, the listener rule changing, a bake) ends then. */
  stageUntil: number;
  /** After the stage's hooks succeed, this long more (a canary or linear step's bake). */
  afterHooksMs: number;
  /** Scale-up that never becomes healthy: the deployment fails when the stage's time is up. */
  failing?: string | undefined;
  source: Revision;
  target: Revision;
  config: DeploymentConfiguration;
  /** The production weights of the target revision, one per traffic step. */
  steps: number[];
  /** Index of the current production step; -1 before the first shift. */
  step: number;
  production: number;
  test: number;
  hooks: HookRun[];
  rollback?: { reason: string; startedAt: number; serviceRevisionArn: string };
  desiredCount: number;
}

/** What a progressive service has besides the rolling model's: its load balancer, its revisions and its service deployments. */
export interface ProgressiveState {
  setup?: LoadBalancerSetup;
  /** The revision production is on (the source of the next deployment). */
  revision: Revision;
  /** The target group production is on. */
  productionTargetGroup?: string | undefined;
  deployments: SimServiceDeployment[];
}

/** An ECS Hook State Change, as ECS announces it for pause hooks (developerguide/ecs_hook_state_change_events.html). */
export interface HookChange {
  at: number;
  cluster: string;
  service: string;
  deploymentArn: string;
  hookId: string;
  hookType: 'PAUSE' | 'AWS_LAMBDA';
  eventName: 'HOOK_AWAITING_ACTION' | 'HOOK_SUCCEEDED' | 'HOOK_FAILED' | 'HOOK_TIMED_OUT' | 'HOOK_IN_PROGRESS';
  stage: Stage;
  expiresAt?: number;
}
