import { createRequire } from 'node:module';
import type { Config } from '../../shared/config/schema.js';

/** One IAM policy statement as infra/iam.cjs writes it (ARNs are CloudFormation intrinsics). */
export interface Statement {
  Effect: 'Allow';
  Action: string[];
  Resource: unknown[];
  Condition?: Record<string, Record<string, unknown>>;
}

interface IamModule {
  statementsFor(config: Config, stage: string): Record<string, Statement[]>;
  /** The Framework's variable source: every role, and the EKS access entries when asked for. */
  roles(options: { resolveVariable: (name: string) => Promise<unknown> }): Promise<{ Resources: Record<string, unknown> }>;
}

// infra/iam.cjs is the Framework's variable source (CommonJS); the tests read the same module.
export const iam = createRequire(import.meta.url)('../../infra/iam.cjs') as IamModule;

/** The statements of one function's role that grant any action of `prefix` (e.g. `dynamodb:`). */
export const grantsOf = (statements: Statement[], prefix: string) => statements.filter((s) => s.Action.some((a) => a.startsWith(prefix)));

/** Every action of `prefix` one role grants, sorted. */
export const actionsOf = (statements: Statement[], prefix: string) =>
  [...new Set(statements.flatMap((s) => s.Action).filter((a) => a.startsWith(prefix)))].sort();
