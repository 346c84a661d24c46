import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler as resumeWaiters } from '../../functions/resume-waiters.js';
import type { World } from '../../local/cloud/world.js';
import { lambdaContext } from '../../local/task-handlers.js';
import { TaskTokens } from '../../local/task-tokens.js';
import type { BusEvent } from '../../local/cloud/events.js';
import { matches } from '../../local/eventbridge/pattern.js';
import { declaredRules } from '../../local/eventbridge/rules.js';
import { parseConfigText } from '../../shared/config/load.js';
import { WEB_SERVICE_YAML } from './world-fixture.js';

/**
 * For an execution run alone (runWorkflow without virtual time): the
 * simulated cloud's events go to the real resumeWaiters handler, whose
 * SendTaskSuccess reaches the execution's task tokens, as EventBridge and
 * Step Functions would route them. Spread into runWorkflow's options.
 */
export function aloneEvents(world: World) {
  const tokens = new TaskTokens();
  const sfn = mockClient(SFNClient);
  sfn.on(SendTaskSuccessCommand).callsFake((input: { taskToken: string; output: string }) => tokens.succeed(input.taskToken, input.output));
  sfn
    .on(SendTaskFailureCommand)
    .callsFake((input: { taskToken: string; error?: string; cause?: string }) => tokens.fail(input.taskToken, input.error, input.cause));
  world.drainEvents();
  // The resumeWaiters rules serverless.yml declares, as EventBridge would apply them.
  const rules = declaredRules(parseConfigText(`services:\n${WEB_SERVICE_YAML}`, 'test config'), {
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:shipwatch-test',
  }).filter((r) => r.target === 'resumeWaiters');
  const wakes = (event: BusEvent) => rules.some((r) => matches(r.pattern, event));
  return {
    options: {
      tokens,
      events: {
        drain: () => world.drainEvents(),
        deliver: (event: unknown) => (wakes(event as BusEvent) ? resumeWaiters(event, lambdaContext('resumeWaiters') as Context) : Promise.resolve()),
      },
    },
    sfn,
    restore: () => sfn.restore(),
  };
}
