/**
 * The few CloudFormation intrinsic functions Shipwatch's template uses
 * (`Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`), resolved the way CloudFormation resolves
 * them at deploy time, so local runs see the values AWS would: the state
 * machine's definition string and each function's environment.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 */
export interface Resolver {
  /** `Ref` of a logical id or a pseudo parameter (AWS::Partition, AWS::Region, AWS::AccountId). */
  ref(name: string): string;
  getAtt(logicalId: string, attribute: string): string;
}

export const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com',
};

/** Resolves every intrinsic function inside `value`; an unknown one fails by name rather than passing through. */
export function resolveIntrinsics(value: unknown, resolver: Resolver): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, resolver));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [key, arg] = entries[0]!;
    if (key === 'Ref') return resolver.ref(String(arg));
    if (key === 'Fn::GetAtt') {
      const [logicalId, attribute] = typeof arg === 'string' ? arg.split('.') : (arg as string[]);
      return resolver.getAtt(String(logicalId), String(attribute));
    }
    if (key === 'Fn::Sub') return substitute(arg, resolver);
    if (key === 'Fn::Join') {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map((p) => String(resolveIntrinsics(p, resolver))).join(separator);
    }
    if (key.startsWith('Fn::')) throw new Error(`${key} is not resolved by the local CloudFormation stand-in`);
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(v, resolver)]));
}

/** `Fn::Sub`: `${Name}` from the variable map first, then `Ref`; `${Resource.Attribute}` is a GetAtt; `${!Literal}` stays. */
function substitute(arg: unknown, resolver: Resolver): string {
  const [template, variables] = Array.isArray(arg) ? [String(arg[0]), (arg[1] ?? {}) as Record<string, unknown>] : [String(arg), {}];
  return template.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    if (name in variables) return String(resolveIntrinsics(variables[name], resolver));
    if (!name.startsWith('AWS::') && name.includes('.')) {
      const [logicalId, attribute] = name.split('.');
      return resolver.getAtt(logicalId!, attribute!);
    }
    return resolver.ref(name);
  });
}
