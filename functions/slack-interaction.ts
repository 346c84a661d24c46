import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import middy from '@middy/core';
import { recordsDb } from '../shared/aws/dynamodb.js';
import { lookupEvents } from '../shared/aws/cloudtrail.js';
import { sfnClient } from '../shared/aws/sfn.js';
import { whoTriggered } from '../shared/slack/pusher.js';
import { now } from '../shared/clock.js';
import { injectLambdaContext, logger } from '../shared/lambda/logger.js';
import { dynamoApprovals } from '../shared/records/approvals.js';
import { handleInteraction } from '../shared/slack/interaction.js';
import { slackBotToken, slackSigningSecret } from '../shared/slack/secrets.js';
import { INTERACTIVE_NOTIFIER_OPTIONS, Notifier } from '../shared/slack/slack-notifier.js';

let notifier: Notifier | undefined;

/**
 * Slack's interactivity endpoint (a Lambda function URL): the Approve and
 * Reject buttons. The signature is verified before anything is parsed; the
 * answer goes back within Slack's three seconds (no retries, short timeouts).
 */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const rawBody = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
    const [signingSecret, token] = await Promise.all([slackSigningSecret(), slackBotToken()]);
    notifier ??= new Notifier(token, INTERACTIVE_NOTIFIER_OPTIONS);
    return handleInteraction(
      { rawBody, headers: event.headers ?? {} },
      {
        signingSecret,
        now: now(),
        approvals: dynamoApprovals(recordsDb()),
        sfn: sfnClient(),
        slack: notifier,
        // A `shipwatch deploy` knows who asked; a push is looked up in CloudTrail.
        whoPushed: (approval) => whoTriggered({ lookupEvents, slackUserByEmail: (email) => notifier!.userByEmail(email) }, approval),
      },
    );
  });
