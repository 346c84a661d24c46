/** An AWS error as the service would return it: the SDK turns `name` into the exception class. */
export class CloudError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode: number };
  constructor(name: string, message: string, status = 400) {
    super(message);
    this.name = name;
    this.$fault = status >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: status };
  }
}

/** The simulated cloud says so, loudly, instead of answering something made up. */
export class NotImplementedInSandbox extends CloudError {
  constructor(service: string, operation: string) {
    super('NotImplementedInSandbox', `${service}:${operation} is not implemented by the Shipwatch simulated cloud`, 501);
  }
}
