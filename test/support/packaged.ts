import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The parts of a CloudFormation template the infra tests read. */
export interface Template {
  Resources: Record<string, { Type: string; Properties: Record<string, any>; DependsOn?: unknown }>;
  Outputs: Record<string, { Description?: string; Value: unknown }>;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PACKAGED_STAGE = 'itest';

/**
 * `serverless package` of this repository, exactly as CI runs it (offline, no
 * AWS credentials), for `config` with the EKS access entries on. The output
 * goes to .serverless-test/ (ignored by git), never to .serverless/.
 */
export function packageStack(config: string): Template {
  const out = `.serverless-test/${PACKAGED_STAGE}`;
  const env: NodeJS.ProcessEnv = { ...process.env, SHIPWATCH_CONFIG: config, SHIPWATCH_EKS_ACCESS_ENTRIES: 'true' };
  for (const key of Object.keys(env)) if (key.startsWith('AWS_')) delete env[key];
  execFileSync(process.execPath, ['node_modules/osls/bin/serverless.js', 'package', '--stage', PACKAGED_STAGE, '--region', 'eu-west-1', '--package', out], {
    cwd: ROOT,
    env,
    stdio: 'pipe',
  });
  return JSON.parse(readFileSync(`${ROOT}${out}/cloudformation-template-update-stack.json`, 'utf8')) as Template;
}

/** The logical ids of the resources of one type. */
export const idsOfType = (template: Template, type: string) => Object.keys(template.Resources).filter((id) => template.Resources[id]!.Type === type);
