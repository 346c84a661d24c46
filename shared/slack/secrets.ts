import { awsJsonCall, AwsCallError, isRetryable } from '../aws/json-call.js';
import { DEFAULTS } from '../config/defaults.js';
import { ConfigError } from '../errors.js';

/**
 * The Slack bot token and signing secret, from SSM Parameter Store
 * SecureStrings (never plain environment variables). Each is cached for
 * `secretsMaxAgeSeconds`, so a rotated secret is picked up without a deploy
 * and a warm function makes no SSM call per request. Never logged.
 */
const cache = new Map<string, { value: Promise<string>; until: number }>();

async function read(name: string): Promise<string> {
  let answer: { Parameter?: { Value?: string } };
  try {
    answer = await awsJsonCall({ service: 'ssm', target: 'AmazonSSM.GetParameter', input: { Name: name, WithDecryption: true } });
  } catch (error) {
    // Throttling and outages keep their names (the handler classifies them); a wrong name or a missing
    // permission is our configuration, and SSM's ParameterNotFound has an empty message: name the parameter.
    if (!(error instanceof AwsCallError) || isRetryable(error)) throw error;
    throw new ConfigError(`cannot read SSM parameter ${name}: ${error.name}${error.message ? `: ${error.message}` : ''}`, { cause: error });
  }
  const value = answer.Parameter?.Value;
  if (!value) throw new ConfigError(`SSM parameter ${name} is empty; put the Slack secret there as a SecureString`);
  return value;
}

function secureParameter(name: string, now = Date.now()): Promise<string> {
  const cached = cache.get(name);
  if (cached && cached.until > now) return cached.value;
  const value = read(name);
  cache.set(name, { value, until: now + DEFAULTS.slack.secretsMaxAgeSeconds * 1000 });
  // A failed read is not remembered: the next request asks SSM again.
  value.catch(() => {
    if (cache.get(name)?.value === value) cache.delete(name);
  });
  return value;
}

export const slackBotToken = () => secureParameter(process.env.SLACK_BOT_TOKEN_PARAMETER ?? DEFAULTS.slack.botTokenParameter);
export const slackSigningSecret = () => secureParameter(process.env.SLACK_SIGNING_SECRET_PARAMETER ?? DEFAULTS.slack.signingSecretParameter);
