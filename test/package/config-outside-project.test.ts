import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import AdmZip from 'adm-zip';
import { extractFunction, packagedFunctions, zipEntries, type PackagedFunction } from '../../local/lambda/package.js';
import { coldStart } from '../../local/lambda/run.js';
import { packageCopy } from '../support/package-copy.js';

// Issue #11 item 10: SHIPWATCH_CONFIG=../cfg/shipwatch.yml packaged fine, then
// every cold start failed with ENOENT (the file was neither in the zip nor at
// that path in Lambda). The config now travels inside the bundle, validated.

const CONFIG = `services:
  - name: outside
    image: { repository: outside-repo, tags: ["v*"] }
    target: { ecs: { cluster: prod, service: outside, container: app } }
    health: { alarms: [outside-5xx] }
`;

let dir: string;
let functions: Map<string, PackagedFunction>;
let sfn: Server;
const startExecutions: { target: string; body: Record<string, string> }[] = [];

/** Lambda's /var/task, away from the config: `../cfg` from here is not the file the package was made from. */
const taskRootOf = (name: string) => join(dir, 'lambda', name, 'task');

/** Step Functions' StartExecution over its wire protocol (awsJson 1.0), recording each call. */
function stepFunctionsStandIn(): Promise<string> {
  sfn = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      startExecutions.push({ target: String(req.headers['x-amz-target']), body: JSON.parse(body) as Record<string, string> });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:x:y', startDate: 1_700_000_000 }));
    });
  });
  return new Promise((resolve) => sfn.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(sfn.address() as AddressInfo).port}`)));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shipwatch-config-outside-'));
  mkdirSync(join(dir, 'cfg'));
  writeFileSync(join(dir, 'cfg', 'shipwatch.yml'), CONFIG);
  // Relative to the project, one level up: outside it, as in the issue.
  const packageDir = await packageCopy(dir, { SHIPWATCH_CONFIG: '../cfg/shipwatch.yml' });
  functions = new Map(packagedFunctions(packageDir).map((fn) => [fn.name, fn]));
}, 180_000);

afterAll(() => {
  sfn?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a config file outside the project', () => {
  it('is inside the trigger it was packaged with: a push of a configured repository starts its deployment', async () => {
    // Prepare
    const fn = functions.get('startDeployments')!;
    const taskRoot = taskRootOf('startDeployments');
    const file = extractFunction(fn, taskRoot);
    const endpoint = await stepFunctionsStandIn();
    const push = JSON.parse(readFileSync('test/fixtures/eventbridge-ecr-image-action-push-success.json', 'utf8')) as { detail: Record<string, string> };
    push.detail['repository-name'] = 'outside-repo';
    push.detail['image-tag'] = 'v1.2.3';

    // Act
    const run = await coldStart(file, fn.handlerExport, { ...fn.env, AWS_ENDPOINT_URL_SFN: endpoint }, { cwd: taskRoot, event: push });

    // Assess
    expect(run.initError).toBeUndefined();
    expect(run.invokeError).toBeUndefined();
    expect(startExecutions).toHaveLength(1);
    expect(startExecutions[0]!.target).toBe('AWSStepFunctions.StartExecution');
    const input = JSON.parse(startExecutions[0]!.body.input!) as { service: { name: string; health: { alarms: string[]; bakeMinutes: number } } };
    // Defaults applied at packaging time travel with the config.
    expect(input.service).toMatchObject({ name: 'outside', health: { alarms: ['outside-5xx'], bakeMinutes: 10 } });
    expect(run.response).toMatchObject({ repository: 'outside-repo', started: [{ service: 'outside' }] });
  });

  it('is inside the alarm rule too, which starts without reading any file', async () => {
    // Prepare
    const fn = functions.get('alarmRollback')!;
    const taskRoot = taskRootOf('alarmRollback');
    const file = extractFunction(fn, taskRoot);

    // Act
    const run = await coldStart(file, fn.handlerExport, fn.env, { cwd: taskRoot });

    // Assess
    expect(run.initError).toBeUndefined();
    expect(run.initMs).toBeGreaterThan(0);
  });

  it('is not needed by the functions: neither the file nor its path ships', () => {
    // Prepare / Act
    const envs = [...functions.values()].map((fn) => fn.env);
    const files = [...functions.values()].flatMap(zipEntries);

    // Assess
    expect(envs.filter((env) => 'SHIPWATCH_CONFIG' in env)).toEqual([]);
    expect(files.filter((f) => !f.endsWith('.mjs'))).toEqual([]);
  });
});

// The same package, for a cost no test of behaviour would see: a static ES
// import of node:http makes Node 22 build the module's ESM facade, which
// loads undici (25–40 ms of cold start here); shared/lambda/post.ts avoids it.
describe('every packaged function', () => {
  it('imports node:http only when it needs it, never as a static ES import', () => {
    // Prepare / Act
    const staticHttp = [...functions.values()].filter((fn) => {
      const code = new AdmZip(fn.zip).readAsText(fn.handlerFile);
      return /\bfrom\s*["'](node:)?http["']/.test(code);
    });

    // Assess
    expect(staticHttp.map((fn) => fn.name)).toEqual([]);
  });
});
