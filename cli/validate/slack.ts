import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { DEFAULT_SLACK_API_URL, DEFAULT_TIMEOUT_MS } from '../../shared/slack/constants.js';
import { callSlack, SlackCallFailure } from '../../shared/slack/web-api.js';
import type { Config } from '../../shared/config/schema.js';
import { callFailed, error, ok, usersOf, warning, type Check } from './check.js';

export interface SlackSettings {
  /** The SSM SecureString parameter with the bot token: /shipwatch/<stage>/slack-bot-token. */
  tokenParameter: string;
  /** The Slack Web API (a sandbox's stand-in); default Slack's own. */
  apiUrl?: string;
}

/** The bot token works (auth.test) and the bot is in each channel the config names (conversations.info). */
export async function checkSlack(ssm: SSMClient, config: Config, settings: SlackSettings): Promise<Check[]> {
  const channels = usersOf(
    config.services.flatMap((s) =>
      [s.approval?.channel, s.notify?.channel].filter((c): c is string => Boolean(c)).map((c) => ({ service: s.name, key: c, value: c })),
    ),
  );
  if (channels.length === 0) return [];
  const who = [...new Set(channels.flatMap((c) => c.services))];
  const resource = `slack ${settings.tokenParameter}`;
  let token: string;
  try {
    token = (await ssm.send(new GetParameterCommand({ Name: settings.tokenParameter, WithDecryption: true }))).Parameter?.Value ?? '';
  } catch (e) {
    if ((e as Error).name === 'ParameterNotFound') {
      return [
        error(
          resource,
          who,
          'bot token works',
          `no parameter ${settings.tokenParameter}`,
          `aws ssm put-parameter --type SecureString --name ${settings.tokenParameter} --value xoxb-… (README, "Set up the Slack app")`,
        ),
      ];
    }
    return [callFailed(resource, who, 'bot token works', e, 'ssm:GetParameter with decryption')];
  }
  // No retries: a look, not a delivery.
  const slack = (method: string, args: Record<string, unknown>) =>
    callSlack(settings.apiUrl ?? DEFAULT_SLACK_API_URL, token, method, args, { retries: 0, timeoutMs: DEFAULT_TIMEOUT_MS, rejectRateLimitedCalls: true });
  /** Slack's error (`invalid_auth`, `channel_not_found`), else what failed. */
  const codeOf = (e: unknown) => (e instanceof SlackCallFailure ? e.code : (e as Error).message);
  let bot: string;
  try {
    const auth = (await slack('auth.test', {})) as { user?: string; user_id?: string; team?: string; team_id?: string };
    bot = `${auth.user ?? auth.user_id} in ${auth.team ?? auth.team_id}`;
  } catch (e) {
    return [error(resource, who, 'bot token works', `auth.test: ${codeOf(e)}`, `store a valid Bot User OAuth Token (xoxb-…) in ${settings.tokenParameter}`)];
  }
  const checks: Check[] = [ok(resource, who, 'bot token works', bot)];
  for (const { key: channel, services } of channels) {
    try {
      const info = (await slack('conversations.info', { channel })) as { channel?: { name?: string; is_member?: boolean } };
      const name = info.channel?.name ?? channel;
      checks.push(
        info.channel?.is_member
          ? ok(`slack #${name}`, services, 'bot in channel', `${channel}`)
          : error(
              `slack #${name}`,
              services,
              'bot in channel',
              `the bot is not in ${channel}, so it cannot post there`,
              `in Slack: /invite @${bot.split(' ')[0]} in #${name}`,
            ),
      );
    } catch (e) {
      const code = codeOf(e);
      checks.push(
        code === 'channel_not_found'
          ? error(
              `slack ${channel}`,
              services,
              'bot in channel',
              `no channel ${channel} that the bot can see`,
              'check the channel id (channel details → bottom); for a private channel, invite the bot first',
            )
          : code === 'missing_scope'
            ? warning(
                `slack ${channel}`,
                services,
                'bot in channel',
                'the token lacks the scope to look at the channel (channels:read or groups:read)',
                'add the scope to check this, or make sure the bot is invited',
              )
            : error(`slack ${channel}`, services, 'bot in channel', `conversations.info: ${code}`, 'check the channel id'),
      );
    }
  }
  return checks;
}
