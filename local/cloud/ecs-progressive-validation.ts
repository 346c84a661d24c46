import type { DeploymentConfiguration } from '@aws-sdk/client-ecs';
import type { ProgressiveState } from './ecs-deployment-types.js';
import { CloudError } from './errors.js';

// What UpdateService refuses in a CANARY, LINEAR or BLUE_GREEN
// deploymentConfiguration, as the API reference states the ranges
// (API_DeploymentConfiguration, API_CanaryConfiguration, API_LinearConfiguration,
// API_DeploymentLifecycleHook, pause-lifecycle-hooks.html "Constraints").

const fail = (message: string): never => {
  throw new CloudError('InvalidParameterException', message);
};

const LAMBDA_STAGES = new Set([
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
]);
const PAUSE_STAGES = new Set([
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
]);

export function validateProgressive(config: DeploymentConfiguration, state: ProgressiveState): void {
  if (!state.setup)
    fail(
      'The service has no load balancer with advancedConfiguration (alternateTargetGroupArn, productionListenerRule, roleArn) for managed traffic shifting.',
    );
  const minutes = (v: number | undefined, max: number, what: string) =>
    v !== undefined && (!Number.isInteger(v) || v < 0 || v > max) && fail(`${what} must be an integer from 0 to ${max}.`);
  if (config.strategy === 'BLUE_GREEN' && config.bakeTimeInMinutes === undefined)
    fail('bakeTimeInMinutes must be provided for the BLUE_GREEN deployment strategy.');
  minutes(config.bakeTimeInMinutes, 1440, 'bakeTimeInMinutes');
  if (config.strategy === 'CANARY') {
    const p = config.canaryConfiguration?.canaryPercent;
    if (p !== undefined && (p < 0.1 || p > 100 || Math.abs(p * 10 - Math.round(p * 10)) > 1e-9))
      fail('canaryPercent must be a multiple of 0.1 from 0.1 to 100.0.');
    minutes(config.canaryConfiguration?.canaryBakeTimeInMinutes, 1440, 'canaryBakeTimeInMinutes');
  }
  if (config.strategy === 'LINEAR') {
    const p = config.linearConfiguration?.stepPercent;
    if (p !== undefined && (p < 3 || p > 100 || Math.abs(p * 10 - Math.round(p * 10)) > 1e-9)) fail('stepPercent must be a multiple of 0.1 from 3.0 to 100.0.');
    minutes(config.linearConfiguration?.stepBakeTimeInMinutes, 1440, 'stepBakeTimeInMinutes');
  }
  const hooks = config.lifecycleHooks ?? [];
  if (hooks.filter((h) => h.targetType === 'PAUSE').length > 10 || hooks.filter((h) => h.targetType !== 'PAUSE').length > 10)
    fail('A service can have at most 10 pause hooks and 10 Lambda hooks.');
  for (const h of hooks) {
    const pause = h.targetType === 'PAUSE';
    if (!h.lifecycleStages?.length) fail('A lifecycle hook needs lifecycleStages.');
    for (const stage of h.lifecycleStages ?? [])
      if (!(pause ? PAUSE_STAGES : LAMBDA_STAGES).has(stage)) fail(`${pause ? 'PAUSE' : 'AWS_LAMBDA'} hooks cannot be configured at ${stage}.`);
    if (pause && (h.hookTargetArn || h.roleArn)) fail('Pause hooks do not use hookTargetArn or roleArn.');
    if (!pause && (!h.hookTargetArn || !h.roleArn)) fail('An AWS_LAMBDA lifecycle hook needs hookTargetArn and roleArn.');
    const t = h.timeoutConfiguration?.timeoutInMinutes;
    if (t !== undefined && (t < 1 || t > (pause ? 20_160 : 1440)))
      fail(`timeoutInMinutes must be from 1 to ${pause ? 20_160 : 1440} for a ${pause ? 'pause' : 'Lambda'} hook.`);
  }
}
