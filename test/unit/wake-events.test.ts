import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../shared/errors.js';
import { wakeOf } from '../../shared/waits/wake-events.js';
import { alarmKey, ecsServiceKey, scanKey } from '../../shared/waits/keys.js';
import { eventSample } from '../support/fixtures.js';
import { thrownBy } from '../support/thrown.js';

// The published EventBridge samples (test/fixtures, see SOURCES.md), each
// reduced to the keys of waits/keys.ts that a waiting execution stores its
// task token under.

const REFUSED = 'not an event that ends a wait (ECR Image Scan, Inspector2 Scan, ECS Deployment State Change, CloudWatch Alarm State Change): ';

describe('waits/keys', () => {
  it('names scans, ECS services and alarms as the wake keys', () => {
    // Prepare / Act / Assess
    expect(scanKey('team/app', 'sha256:abc')).toBe('scan:team/app@sha256:abc');
    expect(ecsServiceKey('prod', 'web')).toBe('ecs:prod/web');
    expect(alarmKey('web-5xx')).toBe('alarm:web-5xx');
  });
});

describe('wakeOf: ECR basic scans (ECR Image Scan)', () => {
  it('maps the published all-severities sample to the scan key of its repository and digest', () => {
    // Prepare
    const event = eventSample('eventbridge-ecr-image-scan-basic-complete-all-severities');

    // Act
    const wake = wakeOf(event);

    // Assess
    expect(wake).toStrictEqual({
      keys: ['scan:tribble-image-scan-test@sha256:d4a96ee9443e641fc100e763a0c10928720b50c6e3ea3342d05d7c3435fc5355'],
      what: 'ECR Image Scan of tribble-image-scan-test@sha256:d4a96ee9443e641fc100e763a0c10928720b50c6e3ea3342d05d7c3435fc5355',
    });
  });

  // The published ECR sample's digest has 60 hex digits, like the push sample's: the scan
  // event accepts what the push event accepts, so a push's own scan event wakes its wait.
  it("maps the published basic-scan sample (the push sample's 60-digit digest) to its scan key", () => {
    // Prepare
    const event = eventSample('eventbridge-ecr-image-scan-basic-complete');

    // Act
    const wake = wakeOf(event);

    // Assess
    expect(wake).toStrictEqual({
      keys: ['scan:my-repository-name@sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234'],
      what: 'ECR Image Scan of my-repository-name@sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234',
    });
  });

  it('refuses a scan event without image-digest, naming the field', () => {
    // Prepare
    const event = eventSample('eventbridge-ecr-image-scan-basic-complete-all-severities');
    delete event.detail['image-digest'];

    // Act
    const error = thrownBy(InvalidInput, () => wakeOf(event));

    // Assess
    expect(error.message).toBe(`${REFUSED}detail.image-digest: Invalid input: expected string, received undefined`);
  });

  it('refuses a scan event with an empty repository-name, naming the field', () => {
    // Prepare
    const event = eventSample('eventbridge-ecr-image-scan-basic-complete-all-severities');
    event.detail['repository-name'] = '';

    // Act
    const error = thrownBy(InvalidInput, () => wakeOf(event));

    // Assess
    expect(error.message).toBe(`${REFUSED}detail.repository-name: Too small: expected string to have >=1 characters`);
  });

  it('refuses an ECR Image Scan that does not come from aws.ecr, naming source', () => {
    // Prepare
    const event = { ...eventSample('eventbridge-ecr-image-scan-basic-complete-all-severities'), source: 'custom.app' };

    // Act
    const error = thrownBy(InvalidInput, () => wakeOf(event));

    // Assess
    expect(error.message).toBe(`${REFUSED}source: Invalid input: expected "aws.ecr"`);
  });
});

describe('wakeOf: Inspector enhanced scans (Inspector2 Scan)', () => {
  it('maps the published ECR zero-findings sample, whose repository-name is an ARN, to the repository name after repository/', () => {
    // Prepare
    const event = eventSample('eventbridge-inspector2-scan-initial-complete-ecr-zero-findings');

    // Act
    const wake = wakeOf(event);

    // Assess
    expect(event.detail['repository-name']).toBe('arn:aws:ecr:us-east-1:111122223333:repository/inspector2');
    expect(wake).toStrictEqual({
      keys: ['scan:inspector2@sha256:965fbcae990b0467ed5657caceaec165018ef44a4d2d46c7cdea80a9dff0d1ea'],
      what: 'Inspector2 Scan of inspector2@sha256:965fbcae990b0467ed5657caceaec165018ef44a4d2d46c7cdea80a9dff0d1ea',
    });
  });

  it('keeps the slashes of a namespaced repository given as an ARN', () => {
    // Prepare: the zero-findings sample, re-aimed at the ECR guide sample's repository.
    const event = eventSample('eventbridge-inspector2-scan-initial-complete-ecr-zero-findings');
    event.detail['repository-name'] = 'arn:aws:ecr:us-east-2:123456789012:repository/amazon/amazon-ecs-sample';

    // Act
    const wake = wakeOf(event);

    // Assess
    expect(wake.keys).toStrictEqual(['scan:amazon/amazon-ecs-sample@sha256:965fbcae990b0467ed5657caceaec165018ef44a4d2d46c7cdea80a9dff0d1ea']);
  });

  it('takes a bare repository name as it is', () => {
    // Prepare
    const event = eventSample('eventbridge-inspector2-scan-initial-complete-ecr-zero-findings');
    event.detail['repository-name'] = 'team/app';

    // Act
    const wake = wakeOf(event);

    // Assess
    expect(wake.keys).toStrictEqual(['scan:team/app@sha256:965fbcae990b0467ed5657caceaec165018ef44a4d2d46c7cdea80a9dff0d1ea']);
  });

  // The ECR guide's Inspector2 Scan sample carries a placeholder digest ("…EXAMPLE"), which
  // is no digest and is refused like any other; with a real digest in its place it maps.
  it("refuses the placeholder digest of the ECR guide's Inspector2 Scan sample", () => {
    expect(() => wakeOf(eventSample('eventbridge-inspector2-scan-initial-complete'))).toThrow(/image-digest/);
  });

  it("maps the ECR guide's Inspector2 Scan sample (repository ARN) to the name after repository/", () => {
    // Prepare
    const event = eventSample('eventbridge-inspector2-scan-initial-complete') as { detail: Record<string, string> };
    event.detail['image-digest'] = event.detail['image-digest']!.replace('EXAMPLE', 'abcdef0');

    // Act
    const wake = wakeOf(event);

    // Assess
    expect(wake).toStrictEqual({
      keys: ['scan:amazon/amazon-ecs-sample@sha256:36c7b282abd0186e01419f2e58743e1bf635808231049bbc9d77e5abcdef0'],
      what: 'Inspector2 Scan of amazon/amazon-ecs-sample@sha256:36c7b282abd0186e01419f2e58743e1bf635808231049bbc9d77e5abcdef0',
    });
  });

  it.each([
    ['eventbridge-inspector2-scan-initial-complete-ec2-instance', 'an EC2 instance'],
    ['eventbridge-inspector2-scan-initial-complete-lambda-function', 'a Lambda function'],
  ])('refuses the published %s sample (a scan of %s, no image), naming repository-name and image-digest', (name) => {
    // Prepare
    const event = eventSample(name);

    // Act
    const error = thrownBy(InvalidInput, () => wakeOf(event));

    // Assess
    expect(error.message).toBe(
      `${REFUSED}detail.repository-name: Invalid input: expected string, received undefined; detail.image-digest: Invalid input: expected string, received undefined`,
    );
  });
});

describe('wakeOf: ECS deployments (ECS Deployment State Change)', () => {
  it.each([
    ['eventbridge-ecs-deployment-state-change-completed', 'SERVICE_DEPLOYMENT_COMPLETED'],
    ['eventbridge-ecs-deployment-state-change-failed', 'SERVICE_DEPLOYMENT_FAILED'],
    ['eventbridge-ecs-deployment-state-change-in-progress-rollback', 'SERVICE_DEPLOYMENT_IN_PROGRESS'],
  ])('maps the published %s sample to the key of the service in resources[0]', (name, eventName) => {
    // Prepare
    const event = eventSample(name);

    // Act
    const wake = wakeOf(event);

    // Assess
    expect(event.resources).toStrictEqual(['arn:aws:ecs:us-west-2:111122223333:service/default/servicetest']);
    expect(wake).toStrictEqual({ keys: ['ecs:default/servicetest'], what: `${eventName} for ecs:default/servicetest` });
  });

  it('gives the key the ECS target waits on for the same cluster and service', () => {
    // Prepare
    const event = eventSample('eventbridge-ecs-deployment-state-change-completed');
    event.resources = ['arn:aws:ecs:us-west-2:123456789012:service/prod/web'];

    // Act
    const wake = wakeOf(event);

    // Assess
    expect(wake.keys).toStrictEqual([ecsServiceKey('prod', 'web')]);
  });

  it('gives no key for a service ARN in the old format (no cluster in it)', () => {
    // Prepare
    const event = eventSample('eventbridge-ecs-deployment-state-change-completed');
    event.resources = ['arn:aws:ecs:us-west-2:111122223333:service/servicetest'];

    // Act
    const wake = wakeOf(event);

    // Assess
    expect(wake.keys).toStrictEqual([]);
  });

  it('refuses an event with no resources, naming the field', () => {
    // Prepare
    const event = eventSample('eventbridge-ecs-deployment-state-change-completed');
    event.resources = [];

    // Act
    const error = thrownBy(InvalidInput, () => wakeOf(event));

    // Assess
    expect(error.message).toBe(`${REFUSED}resources: Too small: expected array to have >=1 items`);
  });

  it('refuses an event without detail.eventName, naming the field', () => {
    // Prepare
    const event = eventSample('eventbridge-ecs-deployment-state-change-completed');
    delete event.detail.eventName;

    // Act
    const error = thrownBy(InvalidInput, () => wakeOf(event));

    // Assess
    expect(error.message).toBe(`${REFUSED}detail.eventName: Invalid input: expected string, received undefined`);
  });
});

describe('wakeOf: CloudWatch alarms (CloudWatch Alarm State Change)', () => {
  it('maps the published single-metric OK → ALARM sample to the alarm key', () => {
    // Prepare
    const event = eventSample('eventbridge-cloudwatch-alarm-state-change-single-metric-ok-to-alarm');

    // Act
    const wake = wakeOf(event);

    // Assess
    expect(wake).toStrictEqual({ keys: ['alarm:ServerCpuTooHigh'], what: 'alarm ServerCpuTooHigh changed state' });
  });

  it('refuses an alarm event without alarmName, naming the field', () => {
    // Prepare
    const event = eventSample('eventbridge-cloudwatch-alarm-state-change-single-metric-ok-to-alarm');
    delete event.detail.alarmName;

    // Act
    const error = thrownBy(InvalidInput, () => wakeOf(event));

    // Assess
    expect(error.message).toBe(`${REFUSED}detail.alarmName: Invalid input: expected string, received undefined`);
  });
});

describe('wakeOf: other events', () => {
  it.each([
    ['eventbridge-ecr-image-action-push-success'],
    ['eventbridge-ecs-service-action-steady-state'],
    ['eventbridge-cloudwatch-alarm-configuration-change-metric-update'],
  ])('refuses the published %s sample, naming detail-type', (name) => {
    // Prepare
    const event = eventSample(name);

    // Act
    const error = thrownBy(InvalidInput, () => wakeOf(event));

    // Assess
    expect(error.message).toBe(
      `${REFUSED}detail-type: Invalid discriminator value. Expected 'ECR Image Scan' | 'Inspector2 Scan' | 'ECS Deployment State Change' | 'CloudWatch Alarm State Change'`,
    );
  });

  it('refuses an object without detail-type, naming detail-type', () => {
    // Prepare / Act
    const error = thrownBy(InvalidInput, () => wakeOf({}));

    // Assess
    expect(error.message.startsWith(`${REFUSED}detail-type: Invalid discriminator value.`)).toBe(true);
  });

  it.each([
    [null, 'null'],
    ['ECR Image Scan', 'string'],
    [[], 'array'],
  ])('refuses %j as a whole: (event) is not an object', (event, received) => {
    // Prepare / Act
    const error = thrownBy(InvalidInput, () => wakeOf(event));

    // Assess
    expect(error.message).toBe(`${REFUSED}(event): Invalid input: expected object, received ${received}`);
  });
});
