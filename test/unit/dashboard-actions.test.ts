import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { decide } from '../../cli/dashboard/actions.js';
import type { DashboardData } from '../../cli/dashboard/data.js';
import type { Approval } from '../../shared/slack/interaction.js';

// The dashboard's approve and reject with `allowSelfApproval: false`: who
// triggered the deployment may not decide it, as in Slack — who asked with
// `shipwatch deploy` (the approval keeps their ARN), else who pushed (CloudTrail),
// compared with the operator's IAM identity.

const dynamo = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const cloudtrail = mockClient(CloudTrailClient);

const ALICE = 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Deployers_0123abcd/alice@example.com';
const CI = 'arn:aws:sts::123456789012:assumed-role/github-actions-deploy/ci';
const DIGEST = 'sha256:62b5601548ea25bf228870b417941f99301e527568cff36f67581a08b5d0faae';
const APPROVAL: Approval = {
  approvalId: 'ap-1',
  taskToken: 'token-1',
  service: 'payments',
  recordId: '20261102T100000Z-62b5601548ea-1c0f9e2b',
  channel: 'C0DEPLOYS',
  approvers: ['U0ALICE'],
  allowSelfApproval: false,
  expiresAt: '2026-11-02T10:30:00.000Z',
  pushedAt: '2026-11-02T10:00:00.000Z',
  view: {
    service: 'payments',
    repository: 'payments',
    tag: 'release-4.1',
    digest: DIGEST,
    imageUri: `123456789012.dkr.ecr.us-east-1.amazonaws.com/payments@${DIGEST}`,
    phase: 'awaiting_approval',
  },
};
const putImageBy = (arn: string) => ({
  Events: [
    {
      CloudTrailEvent: JSON.stringify({
        userIdentity: { type: 'AssumedRole', arn },
        requestParameters: { repositoryName: 'payments' },
        responseElements: { image: { imageId: { imageDigest: DIGEST } } },
      }),
    },
  ],
});

const deps = () => {
  const stack = { records: { db: DynamoDBDocumentClient.from(new DynamoDBClient({})), table: 'records' }, sfn: new SFNClient({}) };
  const data = { now: async () => new Date('2026-11-02T10:10:00Z'), stack: async () => stack } as unknown as DashboardData;
  return { data, identity: { arn: ALICE, account: '123456789012' }, settings: { region: 'us-east-1' } };
};
const input = { service: 'payments', recordId: APPROVAL.recordId, approvalId: 'ap-1', decision: 'approved' as const, kind: 'approval' as const };

beforeEach(() => {
  for (const mock of [dynamo, sfn, cloudtrail]) mock.reset();
  dynamo.on(UpdateCommand).resolves({});
  sfn.on(SendTaskSuccessCommand).resolves({});
});

describe('the dashboard approves as the operator, never their own deployment', () => {
  it('refuses the operator who asked for it with `shipwatch deploy`, without asking CloudTrail, and changes nothing', async () => {
    dynamo.on(GetCommand).resolves({ Item: { ...APPROVAL, requestedBy: ALICE } });

    const result = await decide(deps(), input);

    expect(result).toEqual({
      status: 'refused',
      httpStatus: 403,
      message:
        'You (alice@example.com (role AWSReservedSSO_Deployers_0123abcd)) asked for this deployment with shipwatch deploy, and payments does not allow approving your own deployment. Nothing was changed.',
    });
    expect(cloudtrail.calls()).toHaveLength(0);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('approves a deployment someone else asked for, even when the operator pushed the image: who asked triggered it', async () => {
    dynamo.on(GetCommand).resolves({ Item: { ...APPROVAL, requestedBy: CI } });
    cloudtrail.on(LookupEventsCommand).resolves(putImageBy(ALICE));

    const result = await decide(deps(), input);

    expect(result).toEqual({
      status: 'done',
      httpStatus: 200,
      message: 'Approved by alice@example.com (role AWSReservedSSO_Deployers_0123abcd): the deployment goes on.',
    });
    expect(cloudtrail.calls()).toHaveLength(0);
    expect(sfn.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input)).toEqual([
      { taskToken: 'token-1', output: JSON.stringify({ decision: 'approved', by: ALICE, at: '2026-11-02T10:10:00.000Z' }) },
    ]);
  });

  it('refuses the operator who pushed the image (found in CloudTrail) when nobody asked with `shipwatch deploy`', async () => {
    dynamo.on(GetCommand).resolves({ Item: APPROVAL });
    cloudtrail.on(LookupEventsCommand).resolves(putImageBy(ALICE));

    const result = await decide(deps(), input);

    expect(result).toMatchObject({
      status: 'refused',
      message:
        'You (alice@example.com (role AWSReservedSSO_Deployers_0123abcd)) pushed this image, and payments does not allow approving your own push. Nothing was changed.',
    });
    expect(cloudtrail.commandCalls(LookupEventsCommand)).toHaveLength(1);
    expect(sfn.calls()).toHaveLength(0);
  });
});
