import { GetParameterError } from '@aws-lambda-powertools/parameters/errors';
import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import { DEFAULTS } from '../config/defaults.js';
import { ConfigError } from '../errors.js';

/**
 * The Slack bot token and signing secret, from SSM Parameter Store
 * SecureStrings (never plain environment variables). Powertools caches them
 * for `secretsMaxAgeSeconds`, so a rotated secret is picked up without a
 * deploy and a warm function makes no SSM call per request. Never logged.
 */
async function secureParameter(name: string): Promise<string> {
  let value: string | undefined;
  try {
    value = await getParameter(name, { decrypt: true, maxAge: DEFAULTS.slack.secretsMaxAgeSeconds });
  } catch (error) {
    // SSM's ParameterNotFound has an empty message: without the name, nobody can tell which parameter is wrong.
    if (!(error instanceof GetParameterError)) throw error;
    const cause = error.cause instanceof Error ? error.cause : error;
    throw new ConfigError(`cannot read SSM parameter ${name}: ${cause.name}${cause.message ? `: ${cause.message}` : ''}`, { cause: error });
  }
  if (!value) throw new ConfigError(`SSM parameter ${name} is empty; put the Slack secret there as a SecureString`);
  return value;
}

export const slackBotToken = () => secureParameter(process.env.SLACK_BOT_TOKEN_PARAMETER ?? DEFAULTS.slack.botTokenParameter);
export const slackSigningSecret = () => secureParameter(process.env.SLACK_SIGNING_SECRET_PARAMETER ?? DEFAULTS.slack.signingSecretParameter);
