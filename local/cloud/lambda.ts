import { CloudError } from './errors.js';

/** A function as the simulated cloud invokes it: the event in, its result out (or its error). */
export type SimFunction = (event: unknown) => Promise<unknown>;

/**
 * Lambda, as the simulated services see it: functions by ARN, invoked with an
 * event (ECS invokes a deployment's lifecycle hooks this way). The sandbox
 * registers the real handler, from source or from its packaged zip, under the
 * ARN the deploy function gives ECS.
 */
export class LambdaModel {
  private readonly functions = new Map<string, SimFunction>();
  readonly invocations: { arn: string; event: unknown; at?: number }[] = [];

  register(arn: string, fn: SimFunction): void {
    this.functions.set(arn, fn);
  }

  async invoke(arn: string, event: unknown): Promise<unknown> {
    this.invocations.push({ arn, event: structuredClone(event) });
    const fn = this.functions.get(arn);
    if (!fn) throw new CloudError('ResourceNotFoundException', `Function not found: ${arn}`, 404);
    return fn(event);
  }
}
