import type { GetCallerIdentityCommandOutput } from '@aws-sdk/client-sts';

type Out<T> = Omit<T, '$metadata'>;

/**
 * STS: who the caller is. Everyone who reaches the sandbox with its throwaway
 * keys (the shipwatch CLI, the AWS CLI) is the one operator below, a role
 * session as an SSO or CI login would be; a test may name another.
 */
export class StsModel {
  /** The role session `aws sts get-caller-identity` answers. */
  caller = 'arn:aws:sts::123456789012:assumed-role/sandbox-operator/you';

  constructor(
    readonly account: string,
    readonly region: string,
  ) {}

  GetCallerIdentity(): Out<GetCallerIdentityCommandOutput> {
    const session = this.caller.split('/').pop() ?? 'you';
    // A role session's UserId is the role's unique id, a colon, and the session name.
    return { UserId: `AROASANDBOXOPERATOR00:${session}`, Account: this.caller.split(':')[4] ?? this.account, Arn: this.caller };
  }
}
