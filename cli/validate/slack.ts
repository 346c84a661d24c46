import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { WebClient } from '@slack/web-api';
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
    config.services.flatMap((s) => [s.approval?.channel, s.notify?.channel].filter((c): c is string => Boolean(c)).map((c) => ({ service: s.name, key: c, value: c }))),
  );
  if (channels.length === 0) return [];
  const who = [...new Set(channels.flatMap((c) => c.services))];
  const resource = `slack ${settings.tokenParameter}`;
  let token: string;
  try {
    token = (await ssm.send(new GetParameterCommand({ Name: settings.tokenParameter, WithDecryption: true }))).Parameter?.Value ?? '';
  } catch (e) {
    if ((e as Error).name === 'ParameterNotFound') {
      return [error(resource, who, 'bot token works', `no parameter ${settings.tokenParameter}`, `aws ssm put-parameter --type SecureString --name ${settings.tokenParameter} --value xoxb-… (README, "Set up the Slack app")`)];
    }
    return [callFailed(resource, who, 'bot token works', e, 'ssm:GetParameter with decryption')];
  }
  // No retries: a look, not a delivery.
  const slack = new WebClient(token, { ...(settings.apiUrl ? { slackApiUrl: settings.apiUrl } : {}), retryConfig: { retries: 0 } });
  let bot: string;
  try {
    const auth = await slack.auth.test();
    bot = `${auth.user ?? auth.user_id} in ${auth.team ?? auth.team_id}`;
  } catch (e) {
    return [error(resource, who, 'bot token works', `auth.test: ${(e as { data?: { error?: string } }).data?.error ?? (e as Error).message}`, `store a valid Bot User OAuth Token (xoxb-…) in ${settings.tokenParameter}`)];
  }
  const checks: Check[] = [ok(resource, who, 'bot token works', bot)];
  for (const { key: channel, services } of channels) {
    try {
      const info = await slack.conversations.info({ channel });
      const name = (info.channel as { name?: string } | undefined)?.name ?? channel;
      checks.push(
        (info.channel as { is_member?: boolean } | undefined)?.is_member
          ? ok(`slack #${name}`, services, 'bot in channel', `${channel}`)
          : error(`slack #${name}`, services, 'bot in channel', `the bot is not in ${channel}, so it cannot post there`, `in Slack: /invite @${bot.split(' ')[0]} in #${name}`),
      );
    } catch (e) {
      const code = (e as { data?: { error?: string } }).data?.error ?? (e as Error).message;
      checks.push(
        code === 'channel_not_found'
          ? error(`slack ${channel}`, services, 'bot in channel', `no channel ${channel} that the bot can see`, 'check the channel id (channel details → bottom); for a private channel, invite the bot first')
          : code === 'missing_scope'
            ? warning(`slack ${channel}`, services, 'bot in channel', 'the token lacks the scope to look at the channel (channels:read or groups:read)', 'add the scope to check this, or make sure the bot is invited')
            : error(`slack ${channel}`, services, 'bot in channel', `conversations.info: ${code}`, 'check the channel id'),
      );
    }
  }
  return checks;
}
