import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { PSEUDO_PARAMETERS, resolveIntrinsics, type Resolver } from './cfn.js';

export const DEFINITION_FILE = fileURLToPath(new URL('../statemachines/deploy.asl.yml', import.meta.url));

export type Retrier = { ErrorEquals: string[]; IntervalSeconds?: number; BackoffRate?: number; MaxAttempts?: number; MaxDelaySeconds?: number };
export type StateDefinition = Record<string, unknown> & {
  Type: string;
  Resource?: unknown;
  Retry?: Retrier[];
};
export interface Definition {
  StartAt: string;
  States: Record<string, StateDefinition>;
  [key: string]: unknown;
}

/** A state machine ready for a local run: its states, and the function each Task state invokes. */
export interface LoadedDefinition {
  definition: Definition;
  /** Task state → the serverless.yml function it invokes. */
  taskFunctions: Record<string, string>;
  /** The `.waitForTaskToken` states. */
  waitsForToken: Set<string>;
}

const LOCAL_FUNCTION_PREFIX = 'arn:aws:lambda:us-east-1:123456789012:function:shipwatch-local-';
export const localFunctionArn = (fn: string) => `${LOCAL_FUNCTION_PREFIX}${fn}`;
const functionOf = (arn: unknown) => (typeof arn === 'string' && arn.startsWith(LOCAL_FUNCTION_PREFIX) ? arn.slice(LOCAL_FUNCTION_PREFIX.length) : undefined);

const pseudo = (name: string) => {
  const value = PSEUDO_PARAMETERS[name];
  if (value === undefined) throw new Error(`Ref ${name} cannot be resolved in the state machine definition`);
  return value;
};

/**
 * statemachines/deploy.asl.yml as serverless.yml declares it, with each
 * `Fn::GetAtt: [fn, Arn]` (resolved by CloudFormation in AWS) replaced by a
 * local ARN.
 */
export function loadDefinition(file = DEFINITION_FILE): LoadedDefinition {
  const source = parse(readFileSync(file, 'utf8'), { merge: true, maxAliasCount: -1 }) as unknown;
  const resolver: Resolver = { ref: pseudo, getAtt: (fn) => localFunctionArn(fn) };
  return localize(resolveIntrinsics(source, resolver) as Definition);
}

/**
 * The state machine exactly as `serverless package` rendered it into the
 * CloudFormation template: its DefinitionString's `Fn::Sub` resolved, each
 * Lambda function's ARN made local.
 */
export function packagedDefinition(
  template: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> },
  logicalId = 'DeployStateMachine',
): LoadedDefinition {
  const machine = template.Resources[logicalId];
  if (machine?.Type !== 'AWS::StepFunctions::StateMachine') throw new Error(`the template has no state machine ${logicalId}`);
  const resolver: Resolver = {
    ref: pseudo,
    getAtt: (id, attribute) => {
      const fn = lambdaFunctionName(template, id);
      if (attribute !== 'Arn') throw new Error(`Fn::GetAtt ${id}.${attribute} is not resolved locally`);
      return localFunctionArn(fn);
    },
  };
  const text = resolveIntrinsics(machine.Properties?.DefinitionString, resolver);
  return localize(JSON.parse(String(text)) as Definition);
}

/** The serverless.yml name of the function behind a logical id (`CheckHealthLambdaFunction` → `checkHealth`). */
export function lambdaFunctionName(template: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> }, logicalId: string): string {
  const resource = template.Resources[logicalId];
  if (resource?.Type !== 'AWS::Lambda::Function') throw new Error(`${logicalId} is not a Lambda function in the template`);
  const base = logicalId.replace(/LambdaFunction$/, '');
  const name = base.charAt(0).toLowerCase() + base.slice(1);
  if (!String(resource.Properties?.FunctionName).endsWith(`-${name}`))
    throw new Error(`${logicalId}: FunctionName ${String(resource.Properties?.FunctionName)} does not end with ${name}`);
  return name;
}

function localize(definition: Definition): LoadedDefinition {
  const taskFunctions: Record<string, string> = {};
  const waitsForToken = new Set<string>();
  for (const [name, state] of Object.entries(definition.States)) {
    const direct = functionOf(state.Resource);
    if (direct) taskFunctions[name] = direct;
    // `arn:<partition>:states:::lambda:invoke.waitForTaskToken` names its function in Parameters.
    const invoked = functionOf((state.Parameters as Record<string, unknown> | undefined)?.FunctionName);
    if (invoked) {
      taskFunctions[name] = invoked;
      if (String(state.Resource).endsWith('.waitForTaskToken')) waitsForToken.add(name);
    }
  }
  return { definition, taskFunctions, waitsForToken };
}
