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

/**
 * The deploy state machine exactly as serverless.yml deploys it, with each
 * `Fn::GetAtt: [fn, Arn]` (resolved by CloudFormation in AWS) replaced by a
 * local ARN. `taskFunctions` maps each Task state to the function it runs.
 */
export function loadDefinition(file = DEFINITION_FILE): { definition: Definition; taskFunctions: Record<string, string> } {
  const definition = parse(readFileSync(file, 'utf8'), { merge: true, maxAliasCount: -1 }) as Definition;
  const taskFunctions: Record<string, string> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    const ref = (state.Resource as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
    if (ref) {
      taskFunctions[name] = ref[0];
      state.Resource = localFunctionArn(ref[0]);
    }
  }
  return { definition, taskFunctions };
}
