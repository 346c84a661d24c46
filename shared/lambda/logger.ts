import type { Context } from 'aws-lambda';

// Structured JSON logs, one line per entry, in the shape Powertools Logger
// writes (level, message, timestamp, service, cold_start, function_*, xray_trace_id,
// then the entry's own keys; errors as name, message, stack, cause), and with
// its variables (POWERTOOLS_SERVICE_NAME, POWERTOOLS_LOG_LEVEL, else
// AWS_LAMBDA_LOG_LEVEL), so log queries and settings written for it keep
// working. Not Powertools itself: it costs every function about 24 KB and
// 5 ms of cold start for the four methods used here (README: "Cold start").

const LEVELS = { TRACE: 6, DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 } as const;
type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
/** The keys every entry has; an entry's own key of the same name is dropped, as Powertools drops it. */
const RESERVED = new Set(['level', 'message', 'sampling_rate', 'service', 'timestamp']);

export type LogAttributes = Record<string, unknown>;

function threshold(): number {
  const name = (process.env.POWERTOOLS_LOG_LEVEL || process.env.AWS_LAMBDA_LOG_LEVEL || 'INFO').toUpperCase();
  return LEVELS[name as keyof typeof LEVELS] ?? LEVELS.INFO;
}

function formatError(error: Error): LogAttributes {
  const { name, message, stack, cause, ...own } = error as Error & LogAttributes;
  return { name, message, stack, ...(cause !== undefined ? { cause: cause instanceof Error ? formatError(cause) : cause } : {}), ...own };
}

/** Errors as objects (JSON.stringify writes `{}` for them), bigints as text; with `seen`, a repeated object as "[Circular]". */
function serialize(entry: LogAttributes, seen?: WeakSet<object>): string {
  return JSON.stringify(entry, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) return formatError(value);
    if (seen && typeof value === 'object' && value !== null) {
      if (seen.has(value)) return '[Circular]';
      seen.add(value);
    }
    return value;
  });
}

export class JsonLogger {
  #context: LogAttributes = {};
  #coldStart = true;

  constructor(
    readonly serviceName: string,
    private readonly write: (line: string) => void = (line) => void process.stdout.write(line),
  ) {}

  debug(message: string, attributes?: LogAttributes): void {
    this.#log('DEBUG', message, attributes);
  }

  info(message: string, attributes?: LogAttributes): void {
    this.#log('INFO', message, attributes);
  }

  warn(message: string, attributes?: LogAttributes): void {
    this.#log('WARN', message, attributes);
  }

  error(message: string, attributes?: LogAttributes): void {
    this.#log('ERROR', message, attributes);
  }

  /** The invocation's Lambda context on every entry until the next invocation; cold_start only on the first. */
  addContext(context: Pick<Context, 'invokedFunctionArn' | 'memoryLimitInMB' | 'functionName' | 'awsRequestId'>): void {
    this.#context = {
      cold_start: this.#coldStart,
      function_arn: context.invokedFunctionArn,
      function_memory_size: Number(context.memoryLimitInMB),
      function_name: context.functionName,
      function_request_id: context.awsRequestId,
    };
    this.#coldStart = false;
  }

  #log(level: Level, message: string, attributes: LogAttributes = {}): void {
    if (LEVELS[level] < threshold()) return;
    const own = Object.fromEntries(Object.entries(attributes).filter(([key]) => !RESERVED.has(key)));
    // X-Ray's trace id changes per invocation; Lambda puts it in _X_AMZN_TRACE_ID (`Root=…;Parent=…;Sampled=…`).
    const trace = /Root=([^;]+)/.exec(process.env._X_AMZN_TRACE_ID ?? '')?.[1];
    const entry = {
      level,
      message,
      timestamp: new Date().toISOString(),
      service: process.env.POWERTOOLS_SERVICE_NAME || this.serviceName,
      ...this.#context,
      ...(trace ? { xray_trace_id: trace } : {}),
      ...own,
    };
    let line: string;
    try {
      line = serialize(entry);
    } catch {
      // A cycle: each repeated object cut short. Anything else (a throwing toJSON): the entry without its own keys.
      // A log call never fails the work it describes.
      try {
        line = serialize(entry, new WeakSet());
      } catch (error) {
        line = serialize({ level, message, timestamp: entry.timestamp, service: entry.service, ...this.#context, log_error: String(error) });
      }
    }
    this.write(`${line}\n`);
  }
}

/** middy middleware: the Lambda context on every entry of the invocation. */
export function injectLambdaContext(target: JsonLogger) {
  return { before: (request: { context: Context }) => target.addContext(request.context) };
}

export const logger = new JsonLogger('shipwatch');
