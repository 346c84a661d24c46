// What a platform's IAM module (platforms/<key>/iam.ts) gives infra/iam.cjs:
// per function, the statements that function needs to drive the platform's
// targets. The building blocks come from infra/policy.cjs (CloudFormation
// intrinsics), passed in so that shared/ never reaches into infra/.

/** One IAM policy statement (ARNs are CloudFormation intrinsics). */
export interface Statement {
  Effect: 'Allow';
  Action: string[];
  Resource: unknown[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** infra/policy.cjs. */
export interface Policy {
  arn(...parts: unknown[]): unknown;
  inAccount(service: string, resource: string): unknown;
  allow(actions: string[], resources: unknown[], condition?: Record<string, Record<string, unknown>>): Statement;
  unique<T>(xs: T[]): T[];
}

/**
 * The platform's statements by function, for the `target.<key>` sections of
 * every service on it (none: statements that match nothing, as IAM needs at
 * least one resource). infra/iam.cjs puts them where each function's role
 * lists its platform statements, in registry order.
 */
export type PlatformIam<T> = (targets: T[], policy: Policy) => Partial<Record<string, Statement[]>>;
