import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startCloudServer } from '../../local/cloud/http.js';
import type { World } from '../../local/cloud/world.js';
import type { SlackStandIn } from '../../local/slack/slack-server.js';
import { serveSlackApiUrl, startTestSlack } from './slack.js';
import { startSsmStandIn } from './ssm-stand-in.js';

export const SIGNING_SECRET = 'test-signing-secret-not-a-secret';

export interface SlackApprovals {
  slack: SlackStandIn;
  /** The real Slack interaction handler, loaded once the stand-ins are up. */
  interaction: (event: unknown, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
  /** The current test's world: it answers CloudTrail's LookupEvents (who pushed, for allowSelfApproval). */
  world: World | undefined;
}

/**
 * Everything a signed approval click needs, for one test file: the Slack
 * stand-in (group S0RELEASE has U0GROUPIE), the bot token and signing secret
 * in an SSM stand-in, CloudTrail over its wire protocol answered by the
 * current test's world, and the real interaction handler. The stand-in's
 * recorded calls are cleared after each test.
 */
export function useSlackApprovals(): SlackApprovals {
  const s = { world: undefined } as SlackApprovals;
  let ssm: Awaited<ReturnType<typeof startSsmStandIn>>;
  let cloudtrail: Awaited<ReturnType<typeof startCloudServer>>;
  beforeAll(async () => {
    s.slack = await startTestSlack();
    return serveSlackApiUrl(s.slack);
  });
  beforeAll(async () => {
    ssm = await startSsmStandIn();
    process.env.AWS_ENDPOINT_URL_SSM = ssm.url;
    ssm.store.put('/shipwatch/slack-bot-token', s.slack.token);
    ssm.store.put('/shipwatch/slack-signing-secret', SIGNING_SECRET);
    s.slack.userGroups.set('S0RELEASE', ['U0GROUPIE']);
    cloudtrail = await startCloudServer((service, operation, input) => s.world!.handle(service as 'cloudtrail', operation, input));
    process.env.AWS_ENDPOINT_URL_CLOUDTRAIL = cloudtrail.url;
    ({ handler: s.interaction } = (await import('../../functions/slack-interaction.js')) as never);
  });
  afterAll(async () => {
    await ssm.close();
    await cloudtrail.close();
    delete process.env.AWS_ENDPOINT_URL_SSM;
    delete process.env.AWS_ENDPOINT_URL_CLOUDTRAIL;
  });
  afterEach(() => {
    s.slack.calls.length = 0;
  });
  return s;
}
