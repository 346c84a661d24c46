// One Lambda execution environment for a function from its zip: what the
// Lambda Node.js runtime does with `Handler: functions/check-health.handler`
// (aws-lambda-nodejs-runtime-interface-client, src/UserFunction.js and
// src/Errors.js), in a child process of the local Step Functions runner.
// - cwd and LAMBDA_TASK_ROOT are the unzipped package; the environment is the
//   function's own, from the CloudFormation template;
// - the module is found by trying .js, .mjs and .cjs after the handler's path,
//   and loaded with import() (ESM for .mjs);
// - a thrown error is reported as { errorType: error.name, errorMessage }:
//   errorType is what Step Functions matches against Retry and Catch.
// Plain JavaScript on purpose: it runs in `node` alone, beside no TypeScript loader.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { types } from 'node:util';

// Simulated time: the runner sends its clock with each invocation; time
// stands still during an invocation, as it does for in-process handlers.
const RealDate = globalThis.Date;
let current = Number(process.env.SHIPWATCH_SIM_NOW ?? RealDate.now());
class SimDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(current);
    else super(...args);
  }
  static now() {
    return current;
  }
}
globalThis.Date = SimDate;

const send = (message) => new Promise((resolve) => process.send(message, undefined, undefined, () => resolve()));

function toRapidResponse(error) {
  if (types.isNativeError(error) || (error && typeof error.name === 'string' && typeof error.message === 'string')) {
    return { errorType: error.name, errorMessage: error.message, trace: String(error.stack ?? '').split('\n') };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

async function load() {
  const root = process.env.LAMBDA_TASK_ROOT;
  const spec = process.env._HANDLER;
  const dot = spec.lastIndexOf('.');
  const modulePath = spec.slice(0, dot);
  const exportName = spec.slice(dot + 1);
  const file = ['.js', '.mjs', '.cjs'].map((ext) => path.resolve(root, modulePath + ext)).find((f) => existsSync(f));
  if (!file) throw Object.assign(new Error(`Cannot find module '${modulePath}'`), { name: 'Runtime.ImportModuleError' });
  const module = await import(pathToFileURL(file).href);
  const handler = module[exportName];
  if (typeof handler !== 'function') throw Object.assign(new Error(`${spec} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
  return handler;
}

let handler;
try {
  const started = performance.now();
  handler = await load();
  await send({ type: 'ready', initMs: performance.now() - started });
} catch (error) {
  await send({ type: 'init-error', error: toRapidResponse(error) });
  process.exit(1);
}

process.on('message', async (message) => {
  if (message.type !== 'invoke') return;
  current = message.now;
  const deadline = performance.now() + message.context.timeoutMs;
  const context = {
    ...message.context,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, Math.round(deadline - performance.now())),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  try {
    const value = await handler(message.event, context);
    // Lambda returns the handler's value as JSON: undefined becomes null.
    await send({ type: 'result', id: message.id, ok: true, value: value === undefined ? null : JSON.parse(JSON.stringify(value)) });
  } catch (error) {
    await send({ type: 'result', id: message.id, ok: false, error: toRapidResponse(error) });
  }
});
