import type { ServiceConfig } from '../config/schema.js';
import { logger } from '../lambda/logger.js';
import type { DeploymentView } from './messages.js';
import { slackBotToken } from './secrets.js';
import { Notifier } from './slack-notifier.js';

/** Where a deployment's message lives, once posted. */
export interface SlackRef {
  channel: string;
  ts: string;
}

/**
 * The one channel of a deployment's message: the approval channel when this
 * push needs approval (its buttons live in that message), else `notify.channel`,
 * else the approval channel, else none (no Slack at all).
 */
export const channelFor = (service: Pick<ServiceConfig, 'notify' | 'approval'>, needsApproval: boolean): string | undefined =>
  (needsApproval ? service.approval?.channel : undefined) ?? service.notify?.channel ?? service.approval?.channel;

let notifier: Promise<Notifier> | undefined;
/** One Slack client per container, made on first use (services without a channel never fetch the token). */
export function slackNotifier(): Promise<Notifier> {
  notifier ??= slackBotToken().then((token) => new Notifier(token));
  notifier.catch(() => {
    notifier = undefined;
  });
  return notifier;
}

/**
 * Posts a deployment's message. Slack outages never fail a deployment: any
 * failure (including reading the token) is logged and the deployment goes on
 * without a message.
 */
export async function postMessage(channel: string | undefined, view: DeploymentView): Promise<SlackRef | undefined> {
  if (!channel) return undefined;
  try {
    const ts = await (await slackNotifier()).post(channel, view);
    return ts ? { channel, ts } : undefined;
  } catch (error) {
    logger.warn('slack unavailable; the deployment goes on without its message', { error: (error as Error).message });
    return undefined;
  }
}

/** Updates the deployment's message in place (no new post), if it has one. */
export async function updateMessage(ref: SlackRef | undefined, view: DeploymentView): Promise<void> {
  if (!ref) return;
  try {
    await (await slackNotifier()).update(ref.channel, ref.ts, view);
  } catch (error) {
    logger.warn('slack unavailable; message not updated', { error: (error as Error).message });
  }
}
