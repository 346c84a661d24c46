/**
 * Just enough of CloudFormation's intrinsic functions to read Shipwatch's
 * templates as an account would see them: Ref (pseudo parameters, and a
 * resource's own id), Fn::GetAtt, Fn::Join and Fn::Sub. A resource's Ref and
 * attributes resolve to readable placeholders (`<Queue>`, `<Queue.Arn>`), so
 * an assertion can say which resource a value points at.
 */
export interface Stack {
  partition: string;
  region: string;
  account: string;
}

/** A stack outside the `aws` partition: a value built from a hard-coded `arn:aws:` shows at once. */
export const GOV_CLOUD: Stack = { partition: 'aws-us-gov', region: 'us-gov-west-1', account: '123456789012' };

function pseudo(name: string, stack: Stack): string | undefined {
  return { 'AWS::Partition': stack.partition, 'AWS::Region': stack.region, 'AWS::AccountId': stack.account, 'AWS::URLSuffix': 'amazonaws.com' }[name];
}

function substitute(text: string, variables: Record<string, unknown>, stack: Stack): string {
  return text.replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
    if (name in variables) return resolve(variables[name], stack);
    const p = pseudo(name, stack);
    if (p !== undefined) return p;
    // A resource (`${Queue}`) or one of its attributes (`${Queue.Arn}`).
    return `<${name}>`;
  });
}

/** The string CloudFormation would produce in `stack` for a property value. */
export function resolve(value: unknown, stack: Stack = GOV_CLOUD): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const v = value as Record<string, unknown>;
  if ('Ref' in v) return pseudo(String(v.Ref), stack) ?? `<${String(v.Ref)}>`;
  if ('Fn::GetAtt' in v) {
    const at = v['Fn::GetAtt'];
    return `<${Array.isArray(at) ? at.join('.') : String(at)}>`;
  }
  if ('Fn::Join' in v) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => resolve(p, stack)).join(separator);
  }
  if ('Fn::Sub' in v) {
    const sub = v['Fn::Sub'];
    return Array.isArray(sub) ? substitute(sub[0] as string, sub[1] as Record<string, unknown>, stack) : substitute(sub as string, {}, stack);
  }
  throw new Error(`no local meaning for ${JSON.stringify(value)}`);
}

/** Every value of a list resolved. */
export const resolveAll = (values: unknown[], stack: Stack = GOV_CLOUD) => values.map((v) => resolve(v, stack));
