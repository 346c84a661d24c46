import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PSEUDO_PARAMETERS, resolveIntrinsics } from '../cfn.js';
import { lambdaFunctionName, packagedDefinition, type LoadedDefinition } from '../definition.js';
import type { FunctionPackage } from './environments.js';
import { unzip } from './unzip.js';

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

/** What `serverless package` wrote, unpacked for local runs. */
export interface PackagedApp {
  template: Template;
  /** The state machine as the template defines it. */
  definition: LoadedDefinition;
  functions: Map<string, FunctionPackage>;
  /** Removes the unpacked functions. */
  dispose(): Promise<void>;
}

/** Where the deployed stack's resources are, locally: the names a `Ref` resolves to. */
export interface LocalStack {
  table: string;
  stateMachineArn: string;
}

/**
 * Reads `.serverless/` as CloudFormation and Lambda would: the template's
 * state machine definition and, for every AWS::Lambda::Function, its zip
 * (unpacked), its Handler, Runtime, Timeout and Environment with `Ref`s
 * resolved to the local stack.
 */
export async function loadPackage(dir: string, stack: LocalStack): Promise<PackagedApp> {
  const template = JSON.parse(await readFile(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
  const refs: Record<string, string> = { ...PSEUDO_PARAMETERS, RecordsTable: stack.table, DeployStateMachine: stack.stateMachineArn };
  const resolver = {
    ref: (name: string) => {
      const value = refs[name];
      if (value === undefined) throw new Error(`Ref ${name} has no local value`);
      return value;
    },
    // The ARNs CloudFormation would give the stack's own functions and roles (deployRelease
    // names the ECS lifecycle hook and the role ECS invokes it with).
    getAtt: (id: string, attribute: string) => {
      const resource = template.Resources[id];
      if (attribute === 'Arn' && resource?.Type === 'AWS::Lambda::Function')
        return `arn:aws:lambda:${PSEUDO_PARAMETERS['AWS::Region']}:${PSEUDO_PARAMETERS['AWS::AccountId']}:function:${String(resource.Properties?.FunctionName)}`;
      if (attribute === 'Arn' && resource?.Type === 'AWS::IAM::Role') return `arn:aws:iam::${PSEUDO_PARAMETERS['AWS::AccountId']}:role/${id}`;
      throw new Error(`Fn::GetAtt ${id}.${attribute} in a function's environment has no local value`);
    },
  };
  const root = await mkdtemp(path.join(tmpdir(), 'shipwatch-package-'));
  const functions = new Map<string, FunctionPackage>();
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const name = lambdaFunctionName(template, logicalId);
    const props = resource.Properties as {
      Handler: string;
      Runtime: string;
      Timeout?: number;
      Code: { S3Key: string };
      Environment?: { Variables?: Record<string, unknown> };
    };
    if (props.Runtime !== 'nodejs22.x') throw new Error(`${name}: runtime ${props.Runtime}; the local runtime is Node.js 22`);
    const into = path.join(root, name);
    await unzip(path.join(dir, path.basename(props.Code.S3Key)), into);
    const env = resolveIntrinsics(props.Environment?.Variables ?? {}, resolver) as Record<string, unknown>;
    functions.set(name, {
      name,
      root: into,
      handler: props.Handler,
      timeoutSeconds: props.Timeout ?? 6,
      env: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])),
    });
  }
  return { template, definition: packagedDefinition(template), functions, dispose: () => rm(root, { recursive: true, force: true }) };
}
