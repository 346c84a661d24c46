import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const DEFINITION_FILE = fileURLToPath(new URL('../statemachines/deploy.asl.yml', import.meta.url));

export type StateDefinition = Record<string, unknown> & {
  Type: string;
  Resource?: unknown;
  Retry?: { ErrorEquals: string[]; IntervalSeconds?: number; BackoffRate?: number; MaxAttempts?: number; MaxDelaySeconds?: number }[];
};
export interface Definition {
  StartAt: string;
  States: Record<string, StateDefinition>;
  [key: string]: unknown;
}

export const localFunctionArn = (fn: string) => `arn:aws:lambda:us-east-1:123456789012:function:shipwatch-local-${fn}`;

/** The pseudo parameters as a local run sees them: the account and region of localFunctionArn. */
const LOCAL_PSEUDO: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012' };

/**
 * A value CloudFormation builds from pseudo parameters (`Fn::Join` of strings
 * and `Ref: AWS::…`), as it is in a local run; anything else as it is.
 */
function localValue(value: unknown): unknown {
  const v = value as { Ref?: unknown; 'Fn::Join'?: [string, unknown[]] } | undefined;
  if (typeof v?.Ref === 'string' && v.Ref in LOCAL_PSEUDO) return LOCAL_PSEUDO[v.Ref];
  if (Array.isArray(v?.['Fn::Join'])) {
    const [separator, parts] = v['Fn::Join'];
    const resolved = parts.map(localValue);
    if (resolved.every((p) => typeof p === 'string')) return resolved.join(separator);
  }
  return value;
}

/**
 * The deploy state machine exactly as serverless.yml deploys it, with each
 * `Fn::GetAtt: [fn, Arn]` (resolved by CloudFormation in AWS) replaced by a
 * local ARN. `taskFunctions` maps each Task state to the function it runs.
 */
export function loadDefinition(file = DEFINITION_FILE): { definition: Definition; taskFunctions: Record<string, string>; waitsForToken: Set<string> } {
  const definition = parse(readFileSync(file, 'utf8'), { merge: true, maxAliasCount: -1 }) as Definition;
  const taskFunctions: Record<string, string> = {};
  const waitsForToken = new Set<string>();
  const getAtt = (v: unknown) => (v as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
  for (const [name, state] of Object.entries(definition.States)) {
    const ref = getAtt(state.Resource);
    if (ref) {
      taskFunctions[name] = ref[0];
      state.Resource = localFunctionArn(ref[0]);
    } else if (state.Resource !== undefined) {
      state.Resource = localValue(state.Resource);
    }
    // `arn:<partition>:states:::lambda:invoke.waitForTaskToken` names its function in Parameters.
    const parameters = state.Parameters as Record<string, unknown> | undefined;
    const invoked = getAtt(parameters?.FunctionName);
    if (invoked && parameters) {
      taskFunctions[name] = invoked[0];
      parameters.FunctionName = localFunctionArn(invoked[0]);
      if (String(state.Resource).endsWith('.waitForTaskToken')) waitsForToken.add(name);
    }
  }
  return { definition, taskFunctions, waitsForToken };
}
