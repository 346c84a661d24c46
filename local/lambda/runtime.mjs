// A Lambda cold start in a fresh Node process: import the handler module as
// the Node.js runtime does (an ES module from the task root), time the import
// (the function's init), and optionally invoke the handler once with an event.
// Plain JavaScript, so no TypeScript loader is in the process or the timing.
// Usage: node runtime.mjs <handler file> <export> <result file> [event file]
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [file, exportName, resultFile, eventFile] = process.argv.slice(2);
const describe = (error) => ({ name: error?.name ?? 'Error', message: error?.message ?? String(error) });
const context = {
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:123456789012:function:${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  awsRequestId: 'local-request-1',
  logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
  logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 30_000,
};

let result;
const started = performance.now();
try {
  const module = await import(pathToFileURL(file).href);
  result = { initMs: performance.now() - started };
  const handler = module[exportName];
  if (typeof handler !== 'function') throw new Error(`${file} has no exported function ${exportName}`);
  if (eventFile) {
    try {
      result.response = await handler(JSON.parse(readFileSync(eventFile, 'utf8')), context);
    } catch (error) {
      result.invokeError = describe(error);
    }
  }
} catch (error) {
  result = { ...result, initError: describe(error) };
}
writeFileSync(resultFile, JSON.stringify(result ?? {}));
// Keep-alive sockets would hold the process open; Lambda would freeze it here.
process.exit(0);
