// The functions `serverless package` wrote, as Lambda would run them: each
// zip extracted into a directory of its own (Lambda's /var/task), its handler
// module and export from the template's `Handler`, and its environment from
// the template's `Environment.Variables` plus what Lambda itself sets. Nothing
// of the machine's own environment leaks in, so a function that only works
// with a variable from a developer's shell fails here as it would in AWS.
import AdmZip from 'adm-zip';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { resolveIntrinsic, type Resources } from './intrinsics.js';

export interface PackagedFunction {
  /** serverless.yml's function name (`startDeployments`). */
  name: string;
  zip: string;
  /** `functions/start-deployments.mjs`, relative to the task root. */
  handlerFile: string;
  handlerExport: string;
  /** Environment.Variables with Ref/GetAtt/Join resolved to stand-in values, and Lambda's own variables. */
  env: Record<string, string>;
}

interface LambdaResource {
  Type: string;
  Properties: { Handler: string; FunctionName: string; MemorySize?: number; Code: { S3Key: string }; Environment?: { Variables?: Record<string, unknown> } };
}

/** What the Lambda service sets for every function (the credentials are stand-ins; nothing here reaches AWS). */
export function lambdaVariables(functionName: string, memory: number, handler: string): Record<string, string> {
  return {
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'ASIAPACKAGETEST00000',
    AWS_SECRET_ACCESS_KEY: 'packaged-function-secret',
    AWS_SESSION_TOKEN: 'packaged-function-session',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memory),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: 'local',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    LAMBDA_TASK_ROOT: '/var/task',
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    _HANDLER: handler,
  };
}

/** Every function in `.serverless/` (or another `--package` directory), from its CloudFormation template. */
export function packagedFunctions(packageDir: string): PackagedFunction[] {
  const template = JSON.parse(readFileSync(join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8')) as { Resources: Resources };
  return Object.values(template.Resources)
    .filter((r): r is LambdaResource => r.Type === 'AWS::Lambda::Function')
    .map(({ Properties: p }) => {
      const zip = basename(p.Code.S3Key);
      const module = p.Handler.slice(0, p.Handler.lastIndexOf('.'));
      const own = Object.entries(p.Environment?.Variables ?? {}).map(([k, v]) => [k, String(resolveIntrinsic(v, template.Resources))]);
      return {
        name: zip.replace(/\.zip$/, ''),
        zip: join(packageDir, zip),
        handlerFile: `${module}.mjs`,
        handlerExport: p.Handler.slice(p.Handler.lastIndexOf('.') + 1),
        env: { ...lambdaVariables(p.FunctionName, p.MemorySize ?? 128, p.Handler), ...Object.fromEntries(own) },
      };
    });
}

/** Unzips the function into `taskRoot` (its /var/task); returns the handler module's path. */
export function extractFunction(fn: PackagedFunction, taskRoot: string): string {
  new AdmZip(fn.zip).extractAllTo(taskRoot, true);
  return join(taskRoot, fn.handlerFile);
}

/** The files in the function's zip. */
export function zipEntries(fn: PackagedFunction): string[] {
  return new AdmZip(fn.zip).getEntries().filter((e) => !e.isDirectory).map((e) => e.entryName);
}

/** The uncompressed size of the function's code, in bytes: what Node reads and compiles at cold start. */
export function codeBytes(fn: PackagedFunction): number {
  return new AdmZip(fn.zip).getEntries().reduce((sum, e) => sum + (e.isDirectory ? 0 : e.header.size), 0);
}
