import { CloudTrailClient, LookupEventsCommand, type LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CloudError } from '../../local/cloud/errors.js';
import { Transient } from '../../shared/errors.js';
import { LOOKUP_LIMITS, whoAsked, whoPushed, whoTriggered } from '../../shared/slack/pusher.js';

// Who pushed an image: CloudTrail's PutImage call, looked up within the few
// seconds a Slack click allows, at LookupEvents' two requests per second.

const cloudtrail = mockClient(CloudTrailClient);
const PUSH = { repository: 'web', digest: 'sha256:1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a7988', pushedAt: '2026-11-02T10:30:00Z' };
const QUERY = {
  LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'PutImage' }],
  StartTime: new Date('2026-11-02T10:25:00Z'),
  EndTime: new Date('2026-11-02T10:35:00Z'),
  MaxResults: 50,
  NextToken: undefined,
};
const putImage = (digest: string, arn: string) => ({
  EventId: `ev-${digest.slice(7, 15)}`,
  EventName: 'PutImage',
  CloudTrailEvent: JSON.stringify({
    userIdentity: { type: 'AssumedRole', arn },
    requestParameters: { repositoryName: 'web' },
    responseElements: { image: { imageId: { imageDigest: digest } } },
  }),
});
const ALICE = 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Developer_0a1b2c/alice@example.com';
const throttled = () => new CloudError('ThrottlingException', 'Rate exceeded');
/** LookupEvents through a mocked SDK client, which records each request; the function itself goes over the wire (approval.test.ts). */
const client = new CloudTrailClient({ maxAttempts: 1 });
const deps = () => ({
  lookupEvents: (input: LookupEventsCommandInput, timeoutMs: number) =>
    client.send(new LookupEventsCommand(input), { abortSignal: AbortSignal.timeout(timeoutMs) }),
  slackUserByEmail: async (email: string) => (email === 'alice@example.com' ? 'U0ALICE' : undefined),
});

beforeEach(() => cloudtrail.reset());

describe('whoPushed', () => {
  it('finds the PutImage of the digest, a few minutes either side of the push, and its Slack user', async () => {
    // Prepare
    cloudtrail
      .on(LookupEventsCommand)
      .resolves({ Events: [putImage('sha256:other', 'arn:aws:sts::123456789012:assumed-role/ci/bot'), putImage(PUSH.digest, ALICE)] });

    // Act
    const pusher = await whoPushed(deps(), PUSH);

    // Assess
    expect(pusher).toEqual({ principal: ALICE, slackUser: 'U0ALICE' });
    expect(cloudtrail.commandCalls(LookupEventsCommand).map((c) => c.args[0].input)).toEqual([QUERY]);
  });

  it('retries a throttled lookup half a second later, once the budget allows', async () => {
    // Prepare
    cloudtrail
      .on(LookupEventsCommand)
      .rejectsOnce(throttled())
      .resolves({ Events: [putImage(PUSH.digest, ALICE)] });

    // Act
    const started = performance.now();
    const pusher = await whoPushed(deps(), PUSH);

    // Assess
    expect(pusher?.principal).toBe(ALICE);
    expect(cloudtrail.commandCalls(LookupEventsCommand)).toHaveLength(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(LOOKUP_LIMITS.intervalMs - 5);
  });

  it("gives up as Transient after the requests that fit in the budget, well inside Slack's 3 seconds", async () => {
    // Prepare
    cloudtrail.on(LookupEventsCommand).rejects(throttled());

    // Act
    const started = performance.now();
    const error = await whoPushed(deps(), PUSH).catch((e: unknown) => e);
    const ms = performance.now() - started;

    // Assess
    expect(error).toBeInstanceOf(Transient);
    expect((error as Transient).message).toBe('CloudTrail LookupEvents: ThrottlingException: Rate exceeded (3 requests in 1500 ms)');
    expect(((error as Transient).cause as Error).name).toBe('ThrottlingException');
    expect(cloudtrail.commandCalls(LookupEventsCommand)).toHaveLength(3);
    expect(ms).toBeLessThan(LOOKUP_LIMITS.budgetMs);
  });

  it('does not retry an error that is not throttling or a fault of the service', async () => {
    cloudtrail.on(LookupEventsCommand).rejects(new CloudError('AccessDeniedException', 'not authorized'));

    await expect(whoPushed(deps(), PUSH)).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(cloudtrail.commandCalls(LookupEventsCommand)).toHaveLength(1);
  });

  it('pages through the window within the same budget, and is undefined when CloudTrail has not delivered the push yet', async () => {
    // Prepare
    cloudtrail.on(LookupEventsCommand, { NextToken: undefined }).resolves({ Events: [putImage('sha256:other', ALICE)], NextToken: 'page-2' });
    cloudtrail.on(LookupEventsCommand, { NextToken: 'page-2' }).resolves({ Events: [] });

    // Act
    const pusher = await whoPushed(deps(), PUSH, { budgetMs: 200, intervalMs: 50 });

    // Assess
    expect(pusher).toBeUndefined();
    expect(cloudtrail.commandCalls(LookupEventsCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'page-2']);
  });
});

describe('whoAsked', () => {
  it('is the identity `shipwatch deploy` recorded, with its Slack user by email, and never asks CloudTrail', async () => {
    // Prepare / Act
    const alice = await whoAsked(ALICE, deps().slackUserByEmail);
    const ci = await whoAsked('arn:aws:sts::123456789012:assumed-role/github-actions-deploy/ci', deps().slackUserByEmail);

    // Assess
    expect(alice).toEqual({ principal: ALICE, slackUser: 'U0ALICE' });
    expect(ci).toEqual({ principal: 'arn:aws:sts::123456789012:assumed-role/github-actions-deploy/ci' });
    expect(cloudtrail.calls()).toHaveLength(0);
  });
});

describe('whoTriggered', () => {
  it('is who asked with `shipwatch deploy` when the approval names them (CloudTrail is not asked); otherwise who pushed, from CloudTrail', async () => {
    // Prepare
    cloudtrail.on(LookupEventsCommand).resolves({ Events: [putImage(PUSH.digest, ALICE)] });
    const approval = { view: { repository: PUSH.repository, digest: PUSH.digest }, pushedAt: PUSH.pushedAt, expiresAt: '2026-11-02T11:00:00Z' };
    const ci = 'arn:aws:sts::123456789012:assumed-role/github-actions-deploy/ci';

    // Act
    const asked = await whoTriggered(deps(), { ...approval, requestedBy: ci });
    const lookupsForAsked = cloudtrail.calls().length;
    const pushed = await whoTriggered(deps(), approval);

    // Assess
    expect(asked).toEqual({ principal: ci });
    expect(lookupsForAsked).toBe(0);
    expect(pushed).toEqual({ principal: ALICE, slackUser: 'U0ALICE' });
    expect(cloudtrail.commandCalls(LookupEventsCommand).map((c) => c.args[0].input)).toEqual([QUERY]);
  });
});
