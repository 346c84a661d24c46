import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../shared/errors.js';
import { parseEcrPushEvent } from '../../shared/events/ecr-push.js';
import { registryHost, releaseFromPush, releaseSchema } from '../../shared/release/release.js';
import { eventSample } from '../support/fixtures.js';
import { thrownBy } from '../support/thrown.js';

const PUSH = 'eventbridge-ecr-image-action-push-success';
const DIGEST = 'sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234';
const REGISTRY = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const MAX_EVENT_BYTES = 256 * 1024;

describe('parseEcrPushEvent: the published push sample', () => {
  it('parses and gives the release, pinned by digest', () => {
    // Prepare
    const event = eventSample(PUSH);

    // Act
    const release = releaseFromPush(parseEcrPushEvent(event));

    // Assess
    expect(release).toEqual({
      repository: 'my-repository-name',
      registry: REGISTRY,
      digest: DIGEST,
      tag: 'latest',
      imageUri: `${REGISTRY}/my-repository-name@${DIGEST}`,
      pushedAt: '2019-11-16T01:54:34Z',
      eventId: '13cde686-328b-6117-af20-0e5566167482',
      region: 'us-west-2',
    });
    // What the workflow carries must satisfy the schema every later task parses with.
    expect(v.parse(releaseSchema, release)).toEqual(release);
  });

  it('keeps the fields the rest of the pipeline reads', () => {
    // Prepare
    const event = eventSample(PUSH);

    // Act
    const push = parseEcrPushEvent(event);

    // Assess
    expect(push).toEqual({
      id: '13cde686-328b-6117-af20-0e5566167482',
      source: 'aws.ecr',
      'detail-type': 'ECR Image Action',
      account: '123456789012',
      region: 'us-west-2',
      time: '2019-11-16T01:54:34Z',
      detail: {
        'action-type': 'PUSH',
        result: 'SUCCESS',
        'repository-name': 'my-repository-name',
        'image-digest': DIGEST,
        'image-tag': 'latest',
      },
    });
  });

  it('parses a push by digest only (no image-tag) and gives a release without a tag', () => {
    // Prepare
    const event = eventSample(PUSH);
    delete event.detail['image-tag'];

    // Act
    const release = releaseFromPush(parseEcrPushEvent(event));

    // Assess
    expect(release).not.toHaveProperty('tag');
    expect(release.imageUri).toBe(`${REGISTRY}/my-repository-name@${DIGEST}`);
  });

  it('keeps a repository path with a namespace in the image URI', () => {
    // Prepare
    const event = eventSample(PUSH);
    event.detail['repository-name'] = 'team/web';

    // Act
    const release = releaseFromPush(parseEcrPushEvent(event));

    // Assess
    expect(release.imageUri).toBe(`${REGISTRY}/team/web@${DIGEST}`);
  });
});

describe('parseEcrPushEvent: other events are refused with the reason', () => {
  it('refuses the delete sample, naming detail.action-type', () => {
    // Prepare
    const event = eventSample('eventbridge-ecr-image-action-delete-success');

    // Act
    const error = thrownBy(InvalidInput, () => parseEcrPushEvent(event));

    // Assess
    expect(error.message).toBe('not an ECR push event (ECR Image Action, PUSH, SUCCESS): detail.action-type: Invalid input: expected "PUSH"');
  });

  it('refuses the ECR scan sample, naming detail-type', () => {
    // Prepare
    const event = eventSample('eventbridge-ecr-image-scan-basic-complete');

    // Act
    const error = thrownBy(InvalidInput, () => parseEcrPushEvent(event));

    // Assess
    expect(error.message).toMatch(/^not an ECR push event \(ECR Image Action, PUSH, SUCCESS\): /);
    expect(error.message).toContain('detail-type: Invalid input: expected "ECR Image Action"');
    expect(error.message).toContain('detail.action-type:');
  });

  it('refuses the CloudWatch alarm sample, naming source', () => {
    // Prepare
    const event = eventSample('eventbridge-cloudwatch-alarm-state-change-single-metric-ok-to-alarm');

    // Act
    const error = thrownBy(InvalidInput, () => parseEcrPushEvent(event));

    // Assess
    expect(error.message).toContain('source: Invalid input: expected "aws.ecr"');
    expect(error.message).toContain('detail-type: Invalid input: expected "ECR Image Action"');
    expect(error.message).toContain('detail.image-digest:');
  });

  it('refuses the ECS deployment sample, naming source', () => {
    // Prepare
    const event = eventSample('eventbridge-ecs-deployment-state-change-completed');

    // Act
    const error = thrownBy(InvalidInput, () => parseEcrPushEvent(event));

    // Assess
    expect(error.message).toContain('source: Invalid input: expected "aws.ecr"');
    expect(error.message).toContain('detail.repository-name:');
  });

  it('refuses a push whose result is FAILURE', () => {
    // Prepare
    const event = eventSample(PUSH);
    event.detail.result = 'FAILURE';

    // Act
    const error = thrownBy(InvalidInput, () => parseEcrPushEvent(event));

    // Assess
    expect(error.message).toBe('not an ECR push event (ECR Image Action, PUSH, SUCCESS): detail.result: Invalid input: expected "SUCCESS"');
  });

  it('refuses a truncated event with no detail', () => {
    // Prepare
    const { detail: _dropped, ...event } = eventSample(PUSH);

    // Act
    const error = thrownBy(InvalidInput, () => parseEcrPushEvent(event));

    // Assess
    expect(error.message).toBe('not an ECR push event (ECR Image Action, PUSH, SUCCESS): detail: Invalid input: expected object, received undefined');
  });

  it.each([
    ['null', null, 'received null'],
    ['undefined', undefined, 'received undefined'],
    ['a string', '{"source":"aws.ecr"}', 'received string'],
    ['an array', [], 'received array'],
  ])('refuses %s as the event', (_label, event, received) => {
    // Prepare: the event itself

    // Act
    const error = thrownBy(InvalidInput, () => parseEcrPushEvent(event));

    // Assess
    expect(error.message).toBe(`not an ECR push event (ECR Image Action, PUSH, SUCCESS): (event): Invalid input: expected object, ${received}`);
  });

  it('refuses a digest that is not <algorithm>:<hex>', () => {
    // Prepare
    const event = eventSample(PUSH);
    event.detail['image-digest'] = 'latest';

    // Act
    const error = thrownBy(InvalidInput, () => parseEcrPushEvent(event));

    // Assess
    expect(error.message).toContain('detail.image-digest: an image digest such as sha256:<hex>');
  });

  it('refuses an account id that is not 12 digits', () => {
    // Prepare
    const event = eventSample(PUSH);
    event.account = '12345';

    // Act
    const error = thrownBy(InvalidInput, () => parseEcrPushEvent(event));

    // Assess
    expect(error.message).toContain('account: a 12-digit AWS account id');
  });
});

describe('parseEcrPushEvent: size limit', () => {
  /** The push sample, padded with an extra top-level field to exactly `bytes` bytes of JSON. */
  function pushOfSize(bytes: number, pad = 'x'): unknown {
    const event = { ...eventSample(PUSH), padding: '' };
    const base = Buffer.byteLength(JSON.stringify(event));
    const padBytes = Buffer.byteLength(pad);
    event.padding = pad.repeat(Math.floor((bytes - base) / padBytes)) + 'x'.repeat((bytes - base) % padBytes);
    expect(Buffer.byteLength(JSON.stringify(event))).toBe(bytes);
    return event;
  }

  it('accepts an event of exactly 256 KiB', () => {
    // Prepare
    const event = pushOfSize(MAX_EVENT_BYTES);

    // Act
    const push = parseEcrPushEvent(event);

    // Assess
    expect(push.detail['repository-name']).toBe('my-repository-name');
  });

  it('refuses an event one byte over 256 KiB, before looking at its content', () => {
    // Prepare
    const event = pushOfSize(MAX_EVENT_BYTES + 1);

    // Act
    const error = thrownBy(InvalidInput, () => parseEcrPushEvent(event));

    // Assess
    expect(error.message).toBe(`not an ECR push event: ${MAX_EVENT_BYTES + 1} bytes is larger than any EventBridge event (256 KiB)`);
  });

  it('counts bytes, not characters', () => {
    // Prepare: fewer than 256 Ki characters, more than 256 KiB in UTF-8
    const event = pushOfSize(MAX_EVENT_BYTES + 2, 'é');
    expect(JSON.stringify(event).length).toBeLessThan(MAX_EVENT_BYTES);

    // Act
    const error = thrownBy(InvalidInput, () => parseEcrPushEvent(event));

    // Assess
    expect(error.message).toContain(`${MAX_EVENT_BYTES + 2} bytes is larger than any EventBridge event`);
  });
});

describe('registryHost and regions', () => {
  it('uses amazonaws.com.cn for China regions', () => {
    // Prepare
    const event = eventSample(PUSH);
    event.region = 'cn-north-1';

    // Act
    const release = releaseFromPush(parseEcrPushEvent(event));

    // Assess
    expect(release.registry).toBe('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn');
    expect(release.imageUri).toBe(`123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/my-repository-name@${DIGEST}`);
    expect(release.region).toBe('cn-north-1');
  });

  it('uses amazonaws.com for commercial and GovCloud regions', () => {
    // Prepare / Act / Assess
    expect(registryHost('123456789012', 'eu-central-1')).toBe('123456789012.dkr.ecr.eu-central-1.amazonaws.com');
    expect(registryHost('123456789012', 'us-gov-west-1')).toBe('123456789012.dkr.ecr.us-gov-west-1.amazonaws.com');
  });

  it('refuses a region that is not a region name', () => {
    // Prepare
    const event = eventSample(PUSH);
    event.region = 'us-west';

    // Act
    const error = thrownBy(InvalidInput, () => parseEcrPushEvent(event));

    // Assess
    expect(error.message).toContain('region: an AWS region');
  });
});
