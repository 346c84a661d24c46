import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Context } from 'aws-lambda';
import type { LambdaHandler } from '../task-handlers.js';

const BOOTSTRAP = fileURLToPath(new URL('./bootstrap.mjs', import.meta.url));

/** One function as `serverless package` shipped it: where its zip was unpacked, its handler, its environment. */
export interface FunctionPackage {
  name: string;
  root: string;
  handler: string;
  timeoutSeconds: number;
  env: Record<string, string>;
}

type Answer =
  | { type: 'ready'; initMs: number }
  | { type: 'init-error'; error: RapidError }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: RapidError };
interface RapidError {
  errorType: string;
  errorMessage: string;
}

interface Environment {
  child: ChildProcess;
  ready: Promise<void>;
  busy: boolean;
  output: string[];
}

/** A function error as Lambda reports it to Step Functions: the error's name is its errorType. */
const functionError = (fn: string, e: RapidError) => Object.assign(new Error(e.errorMessage), { name: e.errorType, functionName: fn });

/**
 * Lambda for local runs of the packaged functions: each invocation gets an
 * execution environment of its own (a child process), reused when it is free
 * and made anew (a cold start) when all are busy, as Lambda scales
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html).
 * An environment whose init failed is thrown away; the next invocation
 * initialises a new one, as Lambda does.
 */
export class LocalLambda {
  private readonly environments = new Map<string, Environment[]>();
  private nextId = 1;
  readonly coldStarts = new Map<string, number>();
  readonly invocations = new Map<string, number>();
  readonly errors = new Map<string, number>();

  constructor(
    private readonly packages: ReadonlyMap<string, FunctionPackage>,
    /** The simulated clock each invocation runs at. */
    private readonly now: () => number,
    /** Environment added to every function's own: the local endpoints and credentials. */
    private readonly localEnv: Record<string, string>,
  ) {}

  get names(): string[] {
    return [...this.packages.keys()];
  }

  handler(name: string): LambdaHandler {
    if (!this.packages.has(name)) throw new Error(`no packaged function ${name}; packaged: ${this.names.join(', ')}`);
    return (event, context) => this.invoke(name, event, context);
  }

  async invoke(name: string, event: unknown, context: Context): Promise<unknown> {
    this.invocations.set(name, (this.invocations.get(name) ?? 0) + 1);
    const environment = this.freeEnvironment(name);
    environment.busy = true;
    try {
      await environment.ready;
      return await this.call(name, environment, event, context);
    } catch (error) {
      this.errors.set(name, (this.errors.get(name) ?? 0) + 1);
      throw error;
    } finally {
      environment.busy = false;
    }
  }

  /** Output the function wrote (its logs), newest last, for a failing test to show. */
  logs(name: string): string[] {
    return (this.environments.get(name) ?? []).flatMap((e) => e.output);
  }

  async close(): Promise<void> {
    const children = [...this.environments.values()].flat().map((e) => e.child);
    this.environments.clear();
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill();
          }),
      ),
    );
  }

  private freeEnvironment(name: string): Environment {
    const pool = this.environments.get(name) ?? [];
    this.environments.set(name, pool);
    const free = pool.find((e) => !e.busy && e.child.exitCode === null);
    if (free) return free;
    const environment = this.start(this.packages.get(name)!);
    pool.push(environment);
    return environment;
  }

  private start(pkg: FunctionPackage): Environment {
    this.coldStarts.set(pkg.name, (this.coldStarts.get(pkg.name) ?? 0) + 1);
    const env = {
      ...this.localEnv,
      ...pkg.env,
      AWS_LAMBDA_FUNCTION_NAME: `shipwatch-local-${pkg.name}`,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      LAMBDA_TASK_ROOT: pkg.root,
      _HANDLER: pkg.handler,
      TZ: ':UTC',
      SHIPWATCH_SIM_NOW: String(this.now()),
    };
    const child = spawn(process.execPath, [BOOTSTRAP], { cwd: pkg.root, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'json' });
    const output: string[] = [];
    const keep = (chunk: Buffer) => {
      output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      output.splice(0, Math.max(0, output.length - 200));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: Answer) => {
        if (message.type === 'ready') resolve();
        if (message.type === 'init-error') reject(functionError(pkg.name, message.error));
        if (message.type !== 'result') child.off('message', onMessage);
      };
      child.on('message', onMessage);
      child.once('exit', (code) =>
        reject(
          Object.assign(new Error(`${pkg.name}: the execution environment exited (${code}) during init: ${output.slice(-5).join(' | ')}`), {
            name: 'Runtime.ExitError',
          }),
        ),
      );
    });
    ready.catch(() => undefined);
    return { child, ready, busy: false, output };
  }

  private call(name: string, environment: Environment, event: unknown, context: Context): Promise<unknown> {
    const id = this.nextId++;
    const { child } = environment;
    const pkg = this.packages.get(name)!;
    const plain = {
      functionName: context.functionName,
      functionVersion: context.functionVersion,
      invokedFunctionArn: context.invokedFunctionArn,
      memoryLimitInMB: context.memoryLimitInMB,
      awsRequestId: context.awsRequestId,
      logGroupName: context.logGroupName,
      logStreamName: context.logStreamName,
      timeoutMs: pkg.timeoutSeconds * 1000,
    };
    return new Promise((resolve, reject) => {
      const onMessage = (message: Answer) => {
        if (message.type !== 'result' || message.id !== id) return;
        done();
        if (message.ok) resolve(message.value);
        else reject(functionError(name, message.error));
      };
      // A process that dies mid-invocation is what Lambda reports as Runtime.ExitError.
      const onExit = (code: number | null) => {
        done();
        reject(
          Object.assign(new Error(`${name}: the execution environment exited (${code}): ${environment.output.slice(-5).join(' | ')}`), {
            name: 'Runtime.ExitError',
          }),
        );
      };
      const done = () => {
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ type: 'invoke', id, event, context: plain, now: this.now() });
    });
  }
}
