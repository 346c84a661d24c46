import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalLambda } from '../../local/lambda-runtime/environments.js';
import { loadPackage, type PackagedApp } from '../../local/lambda-runtime/packaged.js';
import { lambdaContext } from '../../local/task-handlers.js';
import { packageCopy } from '../support/package-copy.js';
import { fixture } from '../support/fixtures.js';

// Issue #11 item 10: SHIPWATCH_CONFIG=../cfg/shipwatch.yml packaged fine, then
// every cold start failed with ENOENT (the file was neither in the zip nor at
// that path in Lambda). The config now travels inside the bundle, validated.
// Lambda's task root here is a temp directory of its own, where ../cfg is not
// the file the package was made from, as /var/task/../cfg is not in AWS.

const CONFIG = `services:
  - name: outside
    image: { repository: outside-repo, tags: ["v*"] }
    target: { ecs: { cluster: prod, service: outside, container: app } }
    health: { alarms: [outside-5xx] }
`;
const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:shipwatch-test-deploy';

let dir: string;
let app: PackagedApp;
let lambda: LocalLambda;
let sfn: Server;
const startExecutions: { target: string; body: Record<string, string> }[] = [];

/** Step Functions' StartExecution over its wire protocol (awsJson 1.0), recording each call. */
function stepFunctionsStandIn(): Promise<string> {
  sfn = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      startExecutions.push({ target: String(req.headers['x-amz-target']), body: JSON.parse(body) as Record<string, string> });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ executionArn: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:x`, startDate: 1_700_000_000 }));
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
  app = await loadPackage(packageDir, { table: 'shipwatch-test-records', stateMachineArn: STATE_MACHINE_ARN });
  const endpoint = await stepFunctionsStandIn();
  lambda = new LocalLambda(app.functions, () => Date.parse('2026-11-02T10:00:00Z'), {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_SFN: endpoint,
    // Anything else would fail fast on this closed port.
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_MAX_ATTEMPTS: '1',
  });
}, 300_000);

afterAll(async () => {
  await lambda?.close();
  await app?.dispose();
  sfn?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a config file outside the project', () => {
  it('is inside the trigger it was packaged with: a push of a configured repository starts its deployment', async () => {
    // Prepare
    const push = fixture<{ detail: Record<string, string> }>('eventbridge-ecr-image-action-push-success');
    push.detail['repository-name'] = 'outside-repo';
    push.detail['image-tag'] = 'v1.2.3';

    // Act
    const response = await lambda.invoke('startDeployments', push, lambdaContext('startDeployments'));

    // Assess
    expect(startExecutions).toHaveLength(1);
    expect(startExecutions[0]!.target).toBe('AWSStepFunctions.StartExecution');
    expect(startExecutions[0]!.body.stateMachineArn).toBe(STATE_MACHINE_ARN);
    const input = JSON.parse(startExecutions[0]!.body.input!) as { service: { name: string; health: { alarms: string[]; bakeMinutes: number } } };
    // Defaults applied at packaging time travel with the config.
    expect(input.service).toMatchObject({ name: 'outside', health: { alarms: ['outside-5xx'], bakeMinutes: 10 } });
    expect(response).toMatchObject({ repository: 'outside-repo', started: [{ service: 'outside' }] });
  });

  it('is inside the alarm rule too: an alarm of another service changes nothing, and nothing failed at cold start', async () => {
    // Prepare
    const alarm = fixture<{ detail: { alarmName: string } }>('eventbridge-cloudwatch-alarm-state-change-single-metric-ok-to-alarm');
    alarm.detail.alarmName = 'not-a-shipwatch-alarm';

    // Act
    const response = await lambda.invoke('alarmRollback', alarm, lambdaContext('alarmRollback'));

    // Assess
    expect(response).toMatchObject({ alarm: 'not-a-shipwatch-alarm', services: [] });
  });

  it('is not needed by the functions: neither the file nor its path ships', () => {
    // Prepare / Act
    const packages = [...app.functions.values()];
    const files = packages.flatMap((pkg) =>
      readdirSync(pkg.root, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name),
    );

    // Assess
    expect(packages.filter((pkg) => 'SHIPWATCH_CONFIG' in pkg.env).map((pkg) => pkg.name)).toEqual([]);
    expect(files.filter((f) => !f.endsWith('.mjs'))).toEqual([]);
  });
});

// The same package, for a cost no test of behaviour would see: a static ES
// import of node:http makes Node 22 build the module's ESM facade, which
// loads undici (25–60 ms of cold start here); shared/lambda/http.ts avoids it.
describe('every packaged function', () => {
  it('imports node:http only when it needs it, never as a static ES import', () => {
    // Prepare / Act
    const staticHttp = [...app.functions.values()].filter((pkg) => {
      const module = join(pkg.root, `${pkg.handler.slice(0, pkg.handler.lastIndexOf('.'))}.mjs`);
      return /\bfrom\s*["'](node:)?http["']/.test(readFileSync(module, 'utf8'));
    });

    // Assess
    expect(staticHttp.map((pkg) => pkg.name)).toEqual([]);
  });
});
