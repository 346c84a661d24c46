import type { GetParameterCommandInput, GetParameterCommandOutput } from '@aws-sdk/client-ssm';
import { CloudError } from './errors.js';

type Out<T> = Omit<T, '$metadata'>;

/** Parameter Store: SecureStrings the sandbox's handlers read their Slack secrets from. */
export class SsmModel {
  readonly parameters = new Map<string, { value: string; type: 'String' | 'SecureString' }>();

  constructor(
    readonly account: string,
    readonly region: string,
  ) {}

  put(name: string, value: string, type: 'String' | 'SecureString' = 'SecureString'): void {
    this.parameters.set(name, { value, type });
  }

  GetParameter(input: GetParameterCommandInput): Out<GetParameterCommandOutput> {
    const p = this.parameters.get(input.Name ?? '');
    if (!p) throw new CloudError('ParameterNotFound', `Parameter ${input.Name} not found.`);
    // A SecureString read without decryption comes back as ciphertext, as in AWS.
    const value = p.type === 'SecureString' && !input.WithDecryption ? Buffer.from(`kms:${p.value}`).toString('base64') : p.value;
    return {
      Parameter: { Name: input.Name, Type: p.type, Value: value, Version: 1, ARN: `arn:aws:ssm:${this.region}:${this.account}:parameter${input.Name}` },
    };
  }
}
