import { CommanderError } from 'commander';
import { CliError, EXIT, type ExitCode } from './errors.js';

const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/** An error from the AWS SDK: it carries the HTTP metadata of the call. */
const isAwsError = (error: Error): error is Error & { $metadata: { httpStatusCode?: number } } =>
  (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== undefined;

/** What to do about an AWS error, where the error itself does not say. */
function awsHint(error: Error): string {
  if (error.name === 'CredentialsProviderError' || /Could not load credentials/.test(error.message)) {
    return 'no AWS credentials: pass --profile (or set AWS_PROFILE), run `aws sso login`, or set AWS_ACCESS_KEY_ID; for a sandbox, run its printed export line';
  }
  if (/Region is missing/.test(error.message)) return 'no AWS region: pass --region (or set AWS_REGION, or a region in your profile)';
  if (/AccessDenied|UnauthorizedOperation|not authorized/i.test(`${error.name} ${error.message}`))
    return 'your credentials are not allowed to do this: use a profile with read access to the stack (--profile)';
  const network = `${error.message} ${String((error as { code?: string }).code ?? '')}`;
  if (/ENETUNREACH|EADDRNOTAVAIL/.test(network) && /127\.0\.0\.1/.test(network))
    return '127.0.0.1 is unreachable: the loopback interface is down (sudo ip link set lo up), and the sandbox runs entirely on it';
  if (/ECONNREFUSED|ENOTFOUND|ENETUNREACH|EAI_AGAIN|ETIMEDOUT/.test(network))
    return 'the endpoint cannot be reached: check the network, --region, or that the sandbox still runs';
  return '';
}

/** One line on stderr for any error, and the exit code it means. Commander has already printed its own. */
export function reportError(error: unknown, err: (text: string) => void): ExitCode {
  if (error instanceof CommanderError) return HELP_CODES.has(error.code) && error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  const e = error instanceof Error ? error : new Error(String(error));
  if (e instanceof CliError) {
    err(`shipwatch: ${e.message}`);
    return e.exitCode;
  }
  if (e.name === 'ConfigError') {
    err(`shipwatch: ${e.message}`);
    return EXIT.setup;
  }
  const hint = awsHint(e);
  if (isAwsError(e) || hint) {
    err(`shipwatch: ${isAwsError(e) ? `AWS answered ${e.name}: ` : ''}${e.message}${hint ? `\n  ${hint}` : ''}`);
    return EXIT.setup;
  }
  err(`shipwatch: internal error: ${e.message}${process.env.SHIPWATCH_DEBUG ? `\n${e.stack}` : ' (SHIPWATCH_DEBUG=1 shows where)'}`);
  return EXIT.internal;
}
