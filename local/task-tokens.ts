import { CloudError } from './cloud/errors.js';

interface Waiting {
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
}

/** A task failed through SendTaskFailure: its `name` is the error Catch matches. */
export class TaskFailure extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/**
 * Step Functions' side of `.waitForTaskToken`: a task waits for its token
 * until SendTaskSuccess or SendTaskFailure names it, as the real service does.
 */
export class TaskTokens {
  private readonly waiting = new Map<string, Waiting>();
  private readonly finished = new Set<string>();

  wait(token: string): Promise<unknown> {
    return new Promise((resolve, reject) => this.waiting.set(token, { resolve, reject }));
  }

  /** Stops waiting (a timeout): later SendTask* calls are told the task timed out. */
  expire(token: string): void {
    this.waiting.delete(token);
    this.finished.add(token);
  }

  private take(token: string): Waiting {
    const w = this.waiting.get(token);
    if (!w) {
      if (this.finished.has(token)) throw new CloudError('TaskTimedOut', 'Task Timed Out: the task is no longer waiting for this token');
      throw new CloudError('TaskDoesNotExist', 'Task does not exist anymore');
    }
    this.waiting.delete(token);
    this.finished.add(token);
    return w;
  }

  succeed(token: string, output: string): void {
    this.take(token).resolve(JSON.parse(output));
  }

  fail(token: string, error: string | undefined, cause: string | undefined): void {
    this.take(token).reject(new TaskFailure(error ?? 'States.TaskFailed', cause ?? ''));
  }

  get pending(): number {
    return this.waiting.size;
  }
}
