import {
  DescribeImageScanFindingsCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  ImageNotFoundException,
  LimitExceededException,
  RepositoryNotFoundException,
  ScanNotFoundException,
  StartImageScanCommand,
  UnsupportedImageTypeException,
  ValidationException,
  type DescribeImageScanFindingsCommandOutput,
  type ImageScanFinding,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../shared/config/load.js';
import type { ServiceConfig } from '../../shared/config/schema.js';
import { DEFAULTS } from '../../shared/config/defaults.js';
import { InvalidInput } from '../../shared/errors.js';
import type { EcrPushEvent } from '../../shared/events/ecr-push.js';
import { releaseFromPush } from '../../shared/release/release.js';
import { scanGate, type ScanResult } from '../../shared/scan/gate.js';
import { readScan } from '../../shared/scan/read-scan.js';
import { scanKey } from '../../shared/waits/keys.js';
import type { Pending } from '../../shared/waits/look.js';
import { fixture } from '../support/fixtures.js';

const release = releaseFromPush(fixture<EcrPushEvent>('eventbridge-ecr-image-action-push-success'));
const DIGEST = 'sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234';
const TARGET = {
  repositoryName: 'my-repository-name',
  registryId: '123456789012',
  imageId: { imageDigest: DIGEST },
};

const PUSHED_AT = Date.parse('2019-11-16T01:54:34Z');
const minutesAfterPush = (minutes: number) => new Date(PUSHED_AT + minutes * 60_000);
const NOW = minutesAfterPush(10);

/** A one-service config; `scan` and `health` are written as YAML flow mappings. */
function service(scan: Record<string, unknown> = {}, health: Record<string, unknown> = {}): ServiceConfig {
  const text = `
services:
  - name: web
    image:
      repository: my-repository-name
    target:
      ecs: { cluster: prod, service: web, container: app }
    scan: ${JSON.stringify(scan)}
    health: ${JSON.stringify(health)}
`;
  return parseConfigText(text, 'inline.yml').services[0]!;
}

const basic = () => fixture<DescribeImageScanFindingsCommandOutput>('ecr-describe-image-scan-findings-basic-response');
const enhanced = () => fixture<DescribeImageScanFindingsCommandOutput>('ecr-describe-image-scan-findings-enhanced-response');
const withStatus = (status: string, description = ''): Partial<DescribeImageScanFindingsCommandOutput> => ({
  repositoryName: TARGET.repositoryName,
  registryId: TARGET.registryId,
  imageId: TARGET.imageId,
  imageScanStatus: { status: status as never, description },
});
const basicFinding = (name: string, severity: string): ImageScanFinding => ({ name, severity: severity as never });
const sdkError = (name: string, message = name) => Object.assign(new Error(message), { name, $metadata: {} });

/** The key ECR's and Inspector's scan events for the pushed digest resolve to. */
const SCAN_KEY = `scan:my-repository-name@${DIGEST}`;

/** The verdict of a finished scan; fails the test when the look is still pending. */
function finished(look: ScanResult | Pending): ScanResult {
  expect(look.done, 'the scan gate gave a verdict').toBe(true);
  if (!look.done) throw new Error(`expected a finished scan, got pending: ${look.detail}`);
  return look;
}

/** What the gate returns while the scan runs: look again after `seconds`, or at once on the scan event. */
const stillScanning = (description: string, seconds: number, at: Date): Pending => ({
  done: false,
  detail: `scan of my-repository-name@${DIGEST} not finished: ${description}`,
  lookAgainSeconds: seconds,
  lookedAt: at.toISOString(),
  wake: [SCAN_KEY],
  awaitEvent: true,
});

const ecrMock = mockClient(ECRClient);
let ecr: ECRClient;

beforeEach(() => {
  ecrMock.reset();
  ecr = new ECRClient({ region: 'us-west-2' });
});

afterEach(() => {
  ecrMock.reset();
});

describe('readScan', () => {
  it('asks for the pushed digest in the account from the registry host, 1000 findings a page', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).resolves(basic());

    // Act
    const read = await readScan(ecr, release);

    // Assess
    expect(ecrMock.calls()).toHaveLength(1);
    const calls = ecrMock.commandCalls(DescribeImageScanFindingsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({ ...TARGET, maxResults: 1000 });
    expect(calls[0]!.args[0].input.nextToken).toBeUndefined();
    expect(read).toEqual({
      status: 'complete',
      scanStatus: 'COMPLETE',
      findings: [
        {
          id: 'CVE-2019-5188',
          severity: 'MEDIUM',
          package: 'e2fsprogs 1.44.1-1ubuntu1.1',
          uri: 'http://people.ubuntu.com/~ubuntu-security/cve/CVE-2019-5188',
        },
      ],
    });
  });

  it('joins pages by nextToken: the second call carries the token and both pages are read', async () => {
    // Prepare: the SDK paginator reuses one input object for every page, so
    // each input is copied as it is sent.
    const pages: Partial<DescribeImageScanFindingsCommandOutput>[] = [
      {
        ...withStatus('COMPLETE', 'The scan was completed successfully.'),
        imageScanFindings: { findings: [basicFinding('CVE-P1-A', 'HIGH'), basicFinding('CVE-P1-B', 'LOW')] },
        nextToken: 'page-2-token',
      },
      {
        ...withStatus('COMPLETE', 'The scan was completed successfully.'),
        imageScanFindings: { findings: [basicFinding('CVE-P2-A', 'CRITICAL')] },
      },
    ];
    const sent: unknown[] = [];
    ecrMock.on(DescribeImageScanFindingsCommand).callsFake((input: unknown) => {
      sent.push(structuredClone(input));
      return pages[sent.length - 1];
    });

    // Act
    const read = await readScan(ecr, release);

    // Assess
    expect(ecrMock.commandCalls(DescribeImageScanFindingsCommand)).toHaveLength(2);
    expect(sent).toEqual([
      { ...TARGET, maxResults: 1000 },
      { ...TARGET, maxResults: 1000, nextToken: 'page-2-token' },
    ]);
    expect((sent[0] as { nextToken?: string }).nextToken).toBeUndefined();
    expect(read.status).toBe('complete');
    expect(read.status === 'complete' && read.findings.map((f) => f.id)).toEqual(['CVE-P1-A', 'CVE-P1-B', 'CVE-P2-A']);
  });

  it('a throttling error propagates unchanged (the handler classifies it)', async () => {
    // Prepare
    const throttled = sdkError('ThrottlingException', 'Rate exceeded');
    ecrMock.on(DescribeImageScanFindingsCommand).rejects(throttled);

    // Act
    const read = readScan(ecr, release);

    // Assess
    await expect(read).rejects.toBe(throttled);
    expect(ecrMock.commandCalls(DescribeRepositoriesCommand)).toHaveLength(0);
  });
});

describe('scanGate: finished scans go through the policy', () => {
  it('passes the basic fixture (one MEDIUM) under blockAt HIGH', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).resolves(basic());

    // Act
    const result = finished(await scanGate(ecr, release, service({ blockAt: 'HIGH' }), NOW));

    // Assess
    expect(result).toEqual({
      done: true,
      passed: true,
      reason: 'scan passed: MEDIUM 1',
      scanStatus: 'COMPLETE',
      counts: { CRITICAL: 0, HIGH: 0, MEDIUM: 1, LOW: 0, INFORMATIONAL: 0, UNDEFINED: 0 },
      blocking: [],
      blockingTotal: 0,
      ignored: [],
      at: NOW.toISOString(),
    });
  });

  it('blocks the basic fixture under blockAt MEDIUM, naming the CVE', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).resolves(basic());

    // Act
    const result = finished(await scanGate(ecr, release, service({ blockAt: 'MEDIUM' }), NOW));

    // Assess
    expect(result.passed).toBe(false);
    expect(result.scanStatus).toBe('COMPLETE');
    expect(result.blockingTotal).toBe(1);
    expect(result.blocking.map((f) => f.id)).toEqual(['CVE-2019-5188']);
    expect(result.reason).toBe('scan blocked: 1 finding at or above MEDIUM (CVE-2019-5188)');
  });

  it('counts findings from both pages against maxCounts', async () => {
    // Prepare: one HIGH on each page, at most one allowed.
    ecrMock
      .on(DescribeImageScanFindingsCommand)
      .resolvesOnce({ ...withStatus('COMPLETE'), imageScanFindings: { findings: [basicFinding('CVE-1', 'HIGH')] }, nextToken: 't2' })
      .resolvesOnce({ ...withStatus('COMPLETE'), imageScanFindings: { findings: [basicFinding('CVE-2', 'HIGH')] } });

    // Act
    const result = finished(await scanGate(ecr, release, service({ blockAt: 'none', maxCounts: { HIGH: 1 } }), NOW));

    // Assess
    expect(ecrMock.commandCalls(DescribeImageScanFindingsCommand)).toHaveLength(2);
    expect(result.passed).toBe(false);
    expect(result.counts?.HIGH).toBe(2);
    expect(result.reason).toBe('scan blocked: 2 HIGH > maximum 1 (CVE-1, CVE-2)');
  });

  it('evaluates ACTIVE enhanced (Inspector) findings by the policy', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).resolves({ ...enhanced(), imageScanStatus: { status: 'ACTIVE', description: '' } });

    // Act
    const result = finished(await scanGate(ecr, release, service({ blockAt: 'MEDIUM' }), NOW));

    // Assess
    expect(result.passed).toBe(false);
    expect(result.scanStatus).toBe('ACTIVE');
    expect(result.counts).toEqual({ CRITICAL: 0, HIGH: 0, MEDIUM: 1, LOW: 0, INFORMATIONAL: 0, UNDEFINED: 1 });
    expect(result.blocking).toEqual([
      {
        id: 'CVE-2024-9681',
        severity: 'MEDIUM',
        package: 'curl 7.88.1',
        uri: 'https://security-tracker.debian.org/tracker/CVE-2024-9681',
        arn: 'arn:aws:inspector2:eu-west-1:000000000000:finding/92ec736dde6c50c668cf5721027ae176',
      },
    ]);
  });

  it('lets an ACTIVE enhanced finding through when it is ignored by its finding ARN', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).resolves({ ...enhanced(), imageScanStatus: { status: 'ACTIVE', description: '' } });
    const arn = 'arn:aws:inspector2:eu-west-1:000000000000:finding/92ec736dde6c50c668cf5721027ae176';
    const svc = service({ blockAt: 'MEDIUM', ignore: [{ id: arn, until: '2019-11-16', reason: 'no HSTS in use' }] });

    // Act
    const result = finished(await scanGate(ecr, release, svc, NOW));

    // Assess
    expect(result.passed).toBe(true);
    expect(result.ignored.map((f) => f.arn)).toEqual([arn]);
    expect(result.reason).toBe('scan passed: UNDEFINED 1 (1 ignored)');
  });

  it('lists at most 50 blocking findings but reports the total', async () => {
    // Prepare
    const findings = Array.from({ length: 60 }, (_, i) => basicFinding(`CVE-${String(i).padStart(3, '0')}`, 'CRITICAL'));
    ecrMock.on(DescribeImageScanFindingsCommand).resolves({ ...withStatus('COMPLETE'), imageScanFindings: { findings } });

    // Act
    const result = finished(await scanGate(ecr, release, service(), NOW));

    // Assess
    expect(result.passed).toBe(false);
    expect(result.blocking).toHaveLength(50);
    expect(result.blockingTotal).toBe(60);
  });
});

describe('scanGate: a scan still running', () => {
  it('is pending, woken by the scan event, with the event fallback (300 s) as the next look well within the timeout', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).resolves(withStatus('IN_PROGRESS'));

    // Act
    const look = await scanGate(ecr, release, service({}, { pollSeconds: 30 }), NOW);

    // Assess
    expect(look).toStrictEqual(stillScanning('scan in progress', 300, NOW));
    expect(DEFAULTS.health.eventFallbackSeconds).toBe(300);
    expect(scanKey('my-repository-name', DIGEST)).toBe(SCAN_KEY);
  });

  it('looks again no later than scan.timeoutMinutes after the push', async () => {
    // Prepare: one minute of the 30 left.
    ecrMock.on(DescribeImageScanFindingsCommand).resolves(withStatus('IN_PROGRESS'));
    const at = minutesAfterPush(29);

    // Act
    const look = await scanGate(ecr, release, service({}, { pollSeconds: 30 }), at);

    // Assess
    expect(look).toStrictEqual(stillScanning('scan in progress', 60, at));
  });

  it('rounds the seconds left up to a whole second', async () => {
    // Prepare: 29.5 s of a 12-minute timeout left.
    ecrMock.on(DescribeImageScanFindingsCommand).resolves(withStatus('IN_PROGRESS', 'scanning'));
    const at = new Date(PUSHED_AT + 12 * 60_000 - 29_500);

    // Act
    const look = await scanGate(ecr, release, service({ timeoutMinutes: 12 }), at);

    // Assess
    expect(look).toStrictEqual(stillScanning('scanning', 30, at));
  });

  it('does not use the service pollSeconds: the scan event ends the wait', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).resolves(withStatus('PENDING'));

    // Act
    const look = await scanGate(ecr, release, service({}, { pollSeconds: 60 }), NOW);

    // Assess
    expect(look).toStrictEqual(stillScanning('scan in progress', 300, NOW));
  });

  it('reads only the first page while the scan is still running', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).resolves({ ...withStatus('IN_PROGRESS'), nextToken: 'ignored' });

    // Act
    const look = await scanGate(ecr, release, service(), NOW);

    // Assess
    expect(look).toStrictEqual(stillScanning('scan in progress', 300, NOW));
    expect(ecrMock.commandCalls(DescribeImageScanFindingsCommand)).toHaveLength(1);
  });

  it('blocks once scan.timeoutMinutes have passed since the push', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).resolves(withStatus('IN_PROGRESS', 'scanning'));
    const at = minutesAfterPush(20);

    // Act
    const result = finished(await scanGate(ecr, release, service({ timeoutMinutes: 20 }), at));

    // Assess
    expect(result).toEqual({
      done: true,
      passed: false,
      reason: 'scan did not finish within 20 minutes (scanning); blocked by scan.onFailed',
      scanStatus: 'TIMED_OUT',
      blocking: [],
      blockingTotal: 0,
      ignored: [],
      at: at.toISOString(),
    });
  });

  it('passes after the timeout when scan.onFailed is allow', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).resolves(withStatus('IN_PROGRESS', 'scanning'));

    // Act
    const result = finished(await scanGate(ecr, release, service({ timeoutMinutes: 20, onFailed: 'allow' }), minutesAfterPush(21)));

    // Assess
    expect(result.passed).toBe(true);
    expect(result.scanStatus).toBe('TIMED_OUT');
    expect(result.reason).toBe('scan did not finish within 20 minutes (scanning); allowed by scan.onFailed');
  });
});

describe('scanGate: no scan yet (ScanNotFoundException)', () => {
  it('waits for scan on push without starting a scan', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).rejects(new ScanNotFoundException({ message: 'no scan', $metadata: {} }));
    ecrMock.on(DescribeRepositoriesCommand).resolves({
      repositories: [{ repositoryName: TARGET.repositoryName, imageScanningConfiguration: { scanOnPush: true } }],
    });

    // Act
    const look = await scanGate(ecr, release, service(), NOW);

    // Assess
    expect(look).toStrictEqual(stillScanning('waiting for the scan on push to start', 300, NOW));
    const describe = ecrMock.commandCalls(DescribeRepositoriesCommand);
    expect(describe).toHaveLength(1);
    expect(describe[0]!.args[0].input).toEqual({ repositoryNames: ['my-repository-name'], registryId: '123456789012' });
    expect(ecrMock.commandCalls(StartImageScanCommand)).toHaveLength(0);
  });

  it('starts a scan of the digest when the repository does not scan on push', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).rejects(new ScanNotFoundException({ message: 'no scan', $metadata: {} }));
    ecrMock.on(DescribeRepositoriesCommand).resolves({
      repositories: [{ repositoryName: TARGET.repositoryName, imageScanningConfiguration: { scanOnPush: false } }],
    });
    ecrMock.on(StartImageScanCommand).resolves({ imageScanStatus: { status: 'IN_PROGRESS' } });

    // Act
    const look = await scanGate(ecr, release, service(), NOW);

    // Assess
    expect(look).toStrictEqual(stillScanning('scan started by Shipwatch', 300, NOW));
    const start = ecrMock.commandCalls(StartImageScanCommand);
    expect(start).toHaveLength(1);
    expect(start[0]!.args[0].input).toEqual(TARGET);
  });

  it.each([
    ['LimitExceededException', () => new LimitExceededException({ message: 'one scan per day', $metadata: {} })],
    ['ValidationException', () => new ValidationException({ message: 'enhanced scanning', $metadata: {} })],
  ])('waits when StartImageScan says %s (a scan is coming)', async (name, error) => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).rejects(new ScanNotFoundException({ message: 'no scan', $metadata: {} }));
    ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [{ imageScanningConfiguration: { scanOnPush: false } }] });
    ecrMock.on(StartImageScanCommand).rejects(error());

    // Act
    const look = await scanGate(ecr, release, service(), NOW);

    // Assess
    expect(look).toStrictEqual(stillScanning(`waiting for the existing scan (${name})`, 300, NOW));
    expect(ecrMock.commandCalls(StartImageScanCommand)).toHaveLength(1);
  });

  it('blocks an image ECR cannot scan (UnsupportedImageTypeException) by default', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).rejects(new ScanNotFoundException({ message: 'no scan', $metadata: {} }));
    ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [{ imageScanningConfiguration: { scanOnPush: false } }] });
    ecrMock.on(StartImageScanCommand).rejects(new UnsupportedImageTypeException({ message: 'The operating system is not supported', $metadata: {} }));

    // Act
    const result = finished(await scanGate(ecr, release, service(), NOW));

    // Assess
    expect(result).toEqual({
      done: true,
      passed: false,
      reason: 'image cannot be scanned (The operating system is not supported); blocked by scan.onUnsupported',
      scanStatus: 'UNSUPPORTED_IMAGE',
      blocking: [],
      blockingTotal: 0,
      ignored: [],
      at: NOW.toISOString(),
    });
  });

  it('passes an image ECR cannot scan when scan.onUnsupported is allow', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).rejects(new ScanNotFoundException({ message: 'no scan', $metadata: {} }));
    ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [{ imageScanningConfiguration: { scanOnPush: false } }] });
    ecrMock.on(StartImageScanCommand).rejects(sdkError('UnsupportedImageTypeException', 'not supported'));

    // Act
    const result = finished(await scanGate(ecr, release, service({ onUnsupported: 'allow' }), NOW));

    // Assess
    expect(result.passed).toBe(true);
    expect(result.scanStatus).toBe('UNSUPPORTED_IMAGE');
    expect(result.reason).toBe('image cannot be scanned (not supported); allowed by scan.onUnsupported');
  });

  it('lets any other StartImageScan error propagate unchanged', async () => {
    // Prepare
    const throttled = sdkError('ThrottlingException', 'Rate exceeded');
    ecrMock.on(DescribeImageScanFindingsCommand).rejects(new ScanNotFoundException({ message: 'no scan', $metadata: {} }));
    ecrMock.on(DescribeRepositoriesCommand).resolves({ repositories: [{ imageScanningConfiguration: { scanOnPush: false } }] });
    ecrMock.on(StartImageScanCommand).rejects(throttled);

    // Act
    const gate = scanGate(ecr, release, service(), NOW);

    // Assess
    await expect(gate).rejects.toBe(throttled);
  });
});

describe('scanGate: scans that cannot give a verdict', () => {
  it('blocks status UNSUPPORTED_IMAGE by default', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).resolves(withStatus('UNSUPPORTED_IMAGE', 'UnsupportedImageError: distroless'));

    // Act
    const result = finished(await scanGate(ecr, release, service(), NOW));

    // Assess
    expect(result.passed).toBe(false);
    expect(result.scanStatus).toBe('UNSUPPORTED_IMAGE');
    expect(result.reason).toBe('image cannot be scanned (UNSUPPORTED_IMAGE: UnsupportedImageError: distroless); blocked by scan.onUnsupported');
  });

  it('passes status UNSUPPORTED_IMAGE with scan.onUnsupported allow', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).resolves(withStatus('UNSUPPORTED_IMAGE', 'distroless'));

    // Act
    const result = finished(await scanGate(ecr, release, service({ onUnsupported: 'allow' }), NOW));

    // Assess
    expect(result.passed).toBe(true);
    expect(result.reason).toBe('image cannot be scanned (UNSUPPORTED_IMAGE: distroless); allowed by scan.onUnsupported');
  });

  it('onFailed does not decide an unsupported image', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).resolves(withStatus('UNSUPPORTED_IMAGE', 'distroless'));

    // Act
    const result = finished(await scanGate(ecr, release, service({ onFailed: 'allow' }), NOW));

    // Assess
    expect(result.passed).toBe(false);
  });

  it('blocks status FAILED by default', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).resolves(withStatus('FAILED', 'internal error'));

    // Act
    const result = finished(await scanGate(ecr, release, service(), NOW));

    // Assess
    expect(result).toEqual({
      done: true,
      passed: false,
      reason: 'scan failed (FAILED: internal error); blocked by scan.onFailed',
      scanStatus: 'FAILED',
      blocking: [],
      blockingTotal: 0,
      ignored: [],
      at: NOW.toISOString(),
    });
  });

  it('passes status FAILED with scan.onFailed allow', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).resolves(withStatus('FAILED', 'internal error'));

    // Act
    const result = finished(await scanGate(ecr, release, service({ onFailed: 'allow' }), NOW));

    // Assess
    expect(result.passed).toBe(true);
    expect(result.reason).toBe('scan failed (FAILED: internal error); allowed by scan.onFailed');
  });

  it('treats an enhanced-scanning dead end (SCAN_ELIGIBILITY_EXPIRED) as failed', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).resolves(withStatus('SCAN_ELIGIBILITY_EXPIRED', 'expired'));

    // Act
    const result = finished(await scanGate(ecr, release, service(), NOW));

    // Assess
    expect(result.passed).toBe(false);
    expect(result.scanStatus).toBe('FAILED');
  });
});

describe('scanGate: errors', () => {
  it.each([
    ['ImageNotFoundException', () => new ImageNotFoundException({ message: 'gone', $metadata: {} })],
    ['RepositoryNotFoundException', () => new RepositoryNotFoundException({ message: 'gone', $metadata: {} })],
  ])('%s becomes InvalidInput: nothing to deploy', async (name, error) => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).rejects(error());

    // Act
    const gate = scanGate(ecr, release, service(), NOW);

    // Assess
    await expect(gate).rejects.toBeInstanceOf(InvalidInput);
    await expect(gate).rejects.toMatchObject({
      name: 'InvalidInput',
      message: `my-repository-name@${DIGEST} is no longer in ECR (${name}); nothing to deploy`,
    });
    expect(ecrMock.commandCalls(DescribeRepositoriesCommand)).toHaveLength(0);
  });

  it('a ThrottlingException propagates unchanged', async () => {
    // Prepare
    const throttled = sdkError('ThrottlingException', 'Rate exceeded');
    ecrMock.on(DescribeImageScanFindingsCommand).rejects(throttled);

    // Act
    const gate = scanGate(ecr, release, service(), NOW);

    // Assess
    await expect(gate).rejects.toBe(throttled);
  });
});
