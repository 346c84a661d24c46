import * as v from 'valibot';
import '../shared/validation/messages.js';
import { object } from '../shared/validation/object.js';
import { now } from '../shared/clock.js';
import { DEFAULTS } from '../shared/config/defaults.js';
import { lambdaHandler } from '../shared/lambda/handler.js';
import { targetFor } from '../shared/targets/target-for.js';
import { watchRollout } from '../shared/targets/watch.js';
import { requireDeploy, requireRollback, workflowStateSchema } from '../shared/workflow/state.js';

const input = object({ phase: v.picklist(['rollout', 'rollback']), state: workflowStateSchema });

/** One look at our deployment (phase rollout) or at our rollback (phase rollback). */
export const handler = lambdaHandler('watch-rollout', input, ({ phase, state }) => {
  const deploy = requireDeploy(state);
  const rollback = phase === 'rollback' ? requireRollback(state) : undefined;
  const { pollSeconds, rolloutTimeoutMinutes } = state.service.health;
  const watched = rollback
    ? { deploymentId: rollback.deploymentId, startedAt: rollback.startedAt, revision: deploy.previousRevision, revertRevision: deploy.revision }
    : { deploymentId: deploy.deploymentId, startedAt: deploy.startedAt, revision: deploy.revision, revertRevision: deploy.previousRevision };
  return watchRollout(
    targetFor(state.service),
    watched,
    { pollSeconds, fallbackSeconds: DEFAULTS.health.eventFallbackSeconds, timeoutMinutes: rolloutTimeoutMinutes },
    phase,
    now(),
  );
});
