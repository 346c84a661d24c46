import { DescribeImageScanFindingsCommand, ECRClient, ImageNotFoundException, type DescribeImageScanFindingsCommandOutput } from '@aws-sdk/client-ecr';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/scan-image.js';
import { parseConfigText } from '../../shared/config/load.js';
import type { EcrPushEvent } from '../../shared/events/ecr-push.js';
import { releaseFromPush } from '../../shared/release/release.js';
import type { ExecutionInput } from '../../shared/workflow/state.js';
import { recordIdOf } from '../../shared/records/keys.js';
import { freshRecordsTable, useLocalDynamo } from '../support/records.js';
import { fixture } from '../support/fixtures.js';

const SERVICE_YAML = `
services:
  - name: web
    image:
      repository: my-repository-name
    target:
      ecs: { cluster: prod, service: web, container: app }
    scan:
      blockAt: HIGH
    health:
      pollSeconds: 30
`;

const state = (): ExecutionInput => {
  const release = releaseFromPush(fixture<EcrPushEvent>('eventbridge-ecr-image-action-push-success'));
  return {
    release,
    service: parseConfigText(SERVICE_YAML, 'inline.yml').services[0]!,
    admission: { recordId: recordIdOf(release), admittedAt: release.pushedAt },
  };
};

const context: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'shipwatch-scan-image',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:shipwatch-scan-image',
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/shipwatch-scan-image',
  logStreamName: '2019/11/16/[$LATEST]0123456789abcdef',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

/** Ten minutes after the fixture's push: well within the default 30-minute scan timeout. */
const NOW = new Date('2019-11-16T02:04:34Z');
const sdkError = (name: string, message: string, httpStatusCode?: number) =>
  Object.assign(new Error(message), { name, $metadata: httpStatusCode ? { httpStatusCode } : {} });

const ecrMock = mockClient(ECRClient);

// The handler checks the records (is this push still the newest?) in a real local DynamoDB.
useLocalDynamo();

beforeEach(async () => {
  await freshRecordsTable();
  ecrMock.reset();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
  ecrMock.reset();
});

describe('scan-image handler', () => {
  it('returns the gate verdict for a finished scan, stamped with the current time', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).resolves(fixture<DescribeImageScanFindingsCommandOutput>('ecr-describe-image-scan-findings-basic-response'));

    // Act
    const result = await handler(state(), context);

    // Assess
    expect(ecrMock.commandCalls(DescribeImageScanFindingsCommand)[0]!.args[0].input).toEqual({
      repositoryName: 'my-repository-name',
      registryId: '123456789012',
      imageId: { imageDigest: 'sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234' },
      maxResults: 1000,
    });
    expect(result).toEqual({
      done: true,
      passed: true,
      reason: 'scan passed: MEDIUM 1',
      scanStatus: 'COMPLETE',
      counts: { CRITICAL: 0, HIGH: 0, MEDIUM: 1, LOW: 0, INFORMATIONAL: 0, UNDEFINED: 0 },
      blocking: [],
      blockingTotal: 0,
      ignored: [],
      at: '2019-11-16T02:04:34.000Z',
    });
  });

  it('returns pending while the scan runs, woken by the scan event, looking again after the 300 s fallback', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).resolves({ imageScanStatus: { status: 'IN_PROGRESS', description: '' } });

    // Act
    const result = await handler(state(), context);

    // Assess
    expect(result).toStrictEqual({
      done: false,
      detail: 'scan of my-repository-name@sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234 not finished: scan in progress',
      lookAgainSeconds: 300,
      lookedAt: '2019-11-16T02:04:34.000Z',
      wake: ['scan:my-repository-name@sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234'],
      awaitEvent: true,
    });
  });

  it('blocks with TIMED_OUT once the clock is past the scan timeout', async () => {
    // Prepare
    vi.setSystemTime(new Date('2019-11-16T02:24:34Z'));
    ecrMock.on(DescribeImageScanFindingsCommand).resolves({ imageScanStatus: { status: 'IN_PROGRESS', description: 'scanning' } });

    // Act
    const result = await handler(state(), context);

    // Assess
    expect(result).toMatchObject({ done: true, passed: false, scanStatus: 'TIMED_OUT', at: '2019-11-16T02:24:34.000Z' });
  });

  it('turns a ThrottlingException from ECR into Transient, keeping the cause', async () => {
    // Prepare
    const throttled = sdkError('ThrottlingException', 'Rate exceeded');
    ecrMock.on(DescribeImageScanFindingsCommand).rejects(throttled);

    // Act
    const invocation = handler(state(), context);

    // Assess
    await expect(invocation).rejects.toMatchObject({
      name: 'Transient',
      message: 'ThrottlingException: Rate exceeded',
      cause: throttled,
    });
  });

  it('turns an ECR 5xx into Transient', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).rejects(sdkError('ServerException', 'internal', 500));

    // Act
    const invocation = handler(state(), context);

    // Assess
    await expect(invocation).rejects.toMatchObject({ name: 'Transient', message: 'ServerException: internal' });
  });

  it('leaves a non-retriable SDK error under its own name', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).rejects(sdkError('AccessDeniedException', 'not authorized', 400));

    // Act
    const invocation = handler(state(), context);

    // Assess
    await expect(invocation).rejects.toMatchObject({ name: 'AccessDeniedException', message: 'not authorized' });
  });

  it('keeps InvalidInput from the gate when the image is gone', async () => {
    // Prepare
    ecrMock.on(DescribeImageScanFindingsCommand).rejects(new ImageNotFoundException({ message: 'gone', $metadata: {} }));

    // Act
    const invocation = handler(state(), context);

    // Assess
    await expect(invocation).rejects.toMatchObject({ name: 'InvalidInput' });
  });

  it('refuses a state without a release as InvalidInput naming `release`, sending nothing to ECR', async () => {
    // Prepare
    const { service } = state();

    // Act
    const invocation = handler({ service }, context);

    // Assess
    await expect(invocation).rejects.toMatchObject({ name: 'InvalidInput', message: expect.stringMatching(/^scan-image: release: /) });
    expect(ecrMock.calls()).toHaveLength(0);
  });

  it('names the field path of a malformed release', async () => {
    // Prepare
    const { release, service } = state();
    const broken = { release: { ...release, digest: 42 }, service };

    // Act
    const invocation = handler(broken, context);

    // Assess
    await expect(invocation).rejects.toMatchObject({ name: 'InvalidInput', message: expect.stringContaining('release.digest') });
    expect(ecrMock.calls()).toHaveLength(0);
  });
});
