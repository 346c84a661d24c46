// CloudFormation's intrinsic functions, as far as a function's environment
// uses them, resolved to stand-in values of the right shape (a state machine's
// Ref is an ARN; a table's is its name). An intrinsic this does not know
// throws: a template the local loader cannot read must not load half-right.

export type Resources = Record<string, { Type: string }>;

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const PSEUDO: Record<string, string> = { 'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT, 'AWS::Partition': 'aws', 'AWS::StackName': 'shipwatch-local', 'AWS::URLSuffix': 'amazonaws.com' };

function ref(logicalId: string, resources: Resources): string {
  if (PSEUDO[logicalId]) return PSEUDO[logicalId];
  const type = resources[logicalId]?.Type;
  switch (type) {
    case 'AWS::StepFunctions::StateMachine':
      return `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${logicalId}`;
    case 'AWS::SQS::Queue':
      return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${logicalId}`;
    case undefined:
      throw new Error(`Ref to ${logicalId}, which the template does not define`);
    default:
      // Tables, buckets, functions, roles: Ref is the physical name.
      return `shipwatch-local-${logicalId}`;
  }
}

export function resolveIntrinsic(value: unknown, resources: Resources): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsic(v, resources));
  const [key, arg] = Object.entries(value)[0] ?? [];
  switch (key) {
    case 'Ref':
      return ref(String(arg), resources);
    case 'Fn::GetAtt': {
      const [id, attribute] = arg as [string, string];
      if (!resources[id]) throw new Error(`Fn::GetAtt on ${id}, which the template does not define`);
      return attribute === 'Arn' ? `arn:aws:local:${REGION}:${ACCOUNT}:${id}` : `${id}.${attribute}`;
    }
    case 'Fn::Join': {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map((p) => resolveIntrinsic(p, resources)).join(separator);
    }
    default:
      throw new Error(`intrinsic ${String(key)} is not resolved locally: ${JSON.stringify(value)}`);
  }
}
