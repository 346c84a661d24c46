import { ConfigError } from '../errors.js';

/**
 * A variable serverless.yml sets for the function. Read at cold start: a
 * function deployed without it fails at once, naming it, instead of at the
 * first event with an error that names nothing.
 */
export function requiredEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (!value) throw new ConfigError(`${name} is ${value === undefined ? 'not set' : 'empty'}: serverless.yml sets it for this function`);
  return value;
}

/** The account of an ARN (`arn:<partition>:<service>:<region>:<account>:…`) read from the variable `name`. */
export function accountOfArn(name: string, arn: string): string {
  const account = arn.split(':')[4];
  if (!account || !/^\d{12}$/.test(account)) throw new ConfigError(`${name} is not an ARN with a 12-digit account id: ${arn}`);
  return account;
}
