import { CloudError } from './errors.js';
import type { QueryDispatch } from './query-protocol.js';

/**
 * STS for the sandbox: GetCallerIdentity says who the sandbox's credentials
 * are, as AWS says who an access key belongs to. Whoever calls with the
 * sandbox's keys is this one IAM user, the operator at the keyboard.
 */
export class StsModel {
  constructor(
    readonly account: string,
    readonly operator = `arn:aws:iam::${account}:user/sandbox-operator`,
  ) {}

  readonly dispatch: QueryDispatch = async (action) => {
    if (action !== 'GetCallerIdentity') throw new CloudError('NotImplementedInSandbox', `sts:${action} is not implemented by the Shipwatch simulated cloud`, 501);
    return { UserId: 'AIDASANDBOXOPERATOR0001', Account: this.account, Arn: this.operator };
  };
}
