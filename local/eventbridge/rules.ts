import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Config } from '../../shared/config/schema.js';
import { PSEUDO_PARAMETERS, resolveIntrinsics, type Resolver } from '../cfn.js';
import { lambdaFunctionName } from '../definition.js';

/** An EventBridge rule: which events, which function. */
export interface Rule {
  name: string;
  pattern: Record<string, unknown>;
  target: string;
}

const SERVERLESS_FILE = fileURLToPath(new URL('../../serverless.yml', import.meta.url));

const unique = <T>(xs: T[]) => [...new Set(xs)];

/**
 * The rules serverless.yml declares, for runs of the sources: each
 * function's `eventBridge` patterns with the values packaging would put in
 * them (the config's alarm and repository names, the account, the state
 * machine). Packaged runs read the rendered template instead (rulesOf).
 */
export function declaredRules(config: Config, refs: { stateMachineArn: string }, file = SERVERLESS_FILE): Rule[] {
  const variables: Record<string, unknown> = {
    '${file(./infra/iam.cjs):alarmNames}': unique(config.services.flatMap((s) => s.health.alarms)),
    '${file(./infra/iam.cjs):repositoryNames}': unique(config.services.map((s) => s.image.repository)),
  };
  const yml = parse(readFileSync(file, 'utf8'), { merge: true }) as {
    functions: Record<string, { events?: { eventBridge?: { pattern: Record<string, unknown> } }[] }>;
  };
  const resolver: Resolver = { ref: (n) => (n === 'DeployStateMachine' ? refs.stateMachineArn : (PSEUDO_PARAMETERS[n] ?? fail(n))), getAtt: (id) => fail(id) };
  const rules: Rule[] = [];
  for (const [fn, def] of Object.entries(yml.functions)) {
    (def.events ?? []).forEach((e, i) => {
      if (!e.eventBridge) return;
      const pattern = resolveIntrinsics(substitute(e.eventBridge.pattern, variables), resolver) as Record<string, unknown>;
      rules.push({ name: `${fn}-rule-${i + 1}`, pattern, target: fn });
    });
  }
  return rules;
}

/** The rules the CloudFormation template creates: each AWS::Events::Rule's pattern and its Lambda target. */
export function rulesOf(
  template: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> },
  refs: { stateMachineArn: string },
): Rule[] {
  const resolver: Resolver = { ref: (n) => (n === 'DeployStateMachine' ? refs.stateMachineArn : (PSEUDO_PARAMETERS[n] ?? fail(n))), getAtt: (id) => id };
  const rules: Rule[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Events::Rule') continue;
    const props = resource.Properties as { EventPattern: unknown; Targets: { Arn: { 'Fn::GetAtt': [string, string] } }[] };
    const pattern = resolveIntrinsics(props.EventPattern, resolver) as Record<string, unknown>;
    for (const t of props.Targets) rules.push({ name: id, pattern, target: lambdaFunctionName(template, t.Arn['Fn::GetAtt'][0]) });
  }
  return rules;
}

function fail(name: string): never {
  throw new Error(`${name} has no local value in an event pattern`);
}

function substitute(value: unknown, variables: Record<string, unknown>): unknown {
  if (typeof value === 'string' && value in variables) return variables[value];
  if (Array.isArray(value)) return value.map((v) => substitute(v, variables));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, variables)]));
  return value;
}
