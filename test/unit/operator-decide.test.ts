import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { decideAsOperator, type OperatorDecisionInput } from '../../cli/decide/decide.js';
import { lookupEventsAs } from '../../cli/operator.js';
import type { Approval } from '../../shared/slack/interaction.js';

// A pause's promote and abort as the operator (the dashboard's buttons and
// `shipwatch promote` / `shipwatch abort` both decide here): the words say
// Promoted and Aborted, the task token gets SendTaskSuccess or
// SendTaskFailure(Rejected) with who and when, and a Promote never approves
// a push waiting for approval (nor an Approve a pause).

const dynamo = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const cloudtrail = mockClient(CloudTrailClient);

const BOB = 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Deployers_0123abcd/bob@example.com';
const DIGEST = 'sha256:9d1e5c3a7b2f48e6a0c4d8b1f3e5a7c9d2b4f6e8a0c2e4f6a8b0d2f4e6a8c0e2';
const RECORD = '20261102T103000Z-9d1e5c3a7b2f-1c0f9e2b';
const view = { service: 'search', repository: 'search', tag: 'v2', digest: DIGEST, imageUri: `123456789012.dkr.ecr.us-east-1.amazonaws.com/search@${DIGEST}` };
const PAUSE: Approval = {
  approvalId: 'pause-1',
  taskToken: 'token-pause',
  service: 'search',
  recordId: RECORD,
  channel: 'C0DEPLOYS',
  approvers: ['U0ALICE'],
  allowSelfApproval: true,
  expiresAt: '2026-11-02T11:10:00.000Z',
  pushedAt: '2026-11-02T10:30:00.000Z',
  view: { ...view, phase: 'awaiting_promotion', promotion: true },
};
const NOW = new Date('2026-11-02T10:45:00Z');

const deps = () => ({
  now: NOW,
  records: { db: DynamoDBDocumentClient.from(new DynamoDBClient({})), table: 'records' },
  sfn: new SFNClient({}),
  identity: { arn: BOB, account: '123456789012' },
  lookupEvents: lookupEventsAs({ region: 'us-east-1' }),
});
const input = (over: Partial<OperatorDecisionInput> = {}): OperatorDecisionInput => ({
  service: 'search',
  recordId: RECORD,
  approvalId: 'pause-1',
  decision: 'approved',
  kind: 'promotion',
  ...over,
});

beforeEach(() => {
  for (const mock of [dynamo, sfn, cloudtrail]) mock.reset();
  dynamo.on(UpdateCommand).resolves({});
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(SendTaskFailureCommand).resolves({});
});

describe('promote and abort at a pause, as the operator', () => {
  it('promotes: SendTaskSuccess with who and when, answered "Promoted … shifting the rest of the traffic"', async () => {
    dynamo.on(GetCommand).resolves({ Item: PAUSE });

    const result = await decideAsOperator(deps(), input());

    expect(result).toEqual({
      status: 'done',
      message: 'Promoted by bob@example.com (role AWSReservedSSO_Deployers_0123abcd): shifting the rest of the traffic to the new release.',
      decision: { decision: 'approved', by: BOB, at: NOW.toISOString() },
    });
    expect(dynamo.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      Key: { sk: 'APPROVAL' },
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(decision)',
    });
    expect(sfn.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input)).toEqual([
      { taskToken: 'token-pause', output: JSON.stringify({ decision: 'approved', by: BOB, at: NOW.toISOString() }) },
    ]);
    expect(cloudtrail.calls()).toHaveLength(0);
  });

  it('aborts: SendTaskFailure(Rejected) whose cause says who, answered "all traffic goes back to the previous revision"', async () => {
    dynamo.on(GetCommand).resolves({ Item: PAUSE });

    const result = await decideAsOperator(deps(), input({ decision: 'rejected' }));

    expect(result.message).toBe(
      'Aborted by bob@example.com (role AWSReservedSSO_Deployers_0123abcd): all traffic goes back to the previous revision, and the release is rolled back.',
    );
    expect(sfn.commandCalls(SendTaskFailureCommand).map((c) => c.args[0].input)).toEqual([
      { taskToken: 'token-pause', error: 'Rejected', cause: JSON.stringify({ decision: 'rejected', by: BOB, at: NOW.toISOString() }) },
    ]);
  });

  it('says a pause already decided was promoted or aborted, never approved or rejected, and changes nothing', async () => {
    dynamo.on(GetCommand).resolves({ Item: { ...PAUSE, decision: { decision: 'rejected', by: 'U0ALICE', at: '2026-11-02T10:41:05.000Z' } } });

    const result = await decideAsOperator(deps(), input());

    expect(result).toEqual({ status: 'gone', message: 'Already aborted by Slack user U0ALICE at 10:41:05Z: nothing was changed.' });
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('says an expired pause aborts by itself', async () => {
    dynamo.on(GetCommand).resolves({ Item: { ...PAUSE, expiresAt: '2026-11-02T10:44:00.000Z' } });

    const result = await decideAsOperator(deps(), input());

    expect(result).toEqual({ status: 'gone', message: 'This pause expired at 10:44:00Z; nobody decided in time, so it aborts: nothing was changed.' });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('refuses to promote a push waiting for approval, and to approve a pause: what follows must be what the button said', async () => {
    dynamo.on(GetCommand).resolves({ Item: { ...PAUSE, view: { ...view, phase: 'awaiting_approval' } } });
    const promote = await decideAsOperator(deps(), input());
    dynamo.on(GetCommand).resolves({ Item: PAUSE });
    const approve = await decideAsOperator(deps(), input({ kind: 'approval' }));

    expect(promote).toEqual({
      status: 'refused',
      message: `search record ${RECORD} waits for approval (approve or reject), not for promotion (promote or abort): nothing was changed.`,
    });
    expect(approve).toEqual({
      status: 'refused',
      message: `search record ${RECORD} waits for promotion (promote or abort), not for approval (approve or reject): nothing was changed.`,
    });
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('refuses the operator who pushed the image when the service does not allow self-approval, in the words of a pause', async () => {
    dynamo.on(GetCommand).resolves({ Item: { ...PAUSE, allowSelfApproval: false } });
    cloudtrail.on(LookupEventsCommand).resolves({
      Events: [
        {
          CloudTrailEvent: JSON.stringify({
            userIdentity: { type: 'AssumedRole', arn: BOB },
            requestParameters: { repositoryName: 'search' },
            responseElements: { image: { imageId: { imageDigest: DIGEST } } },
          }),
        },
      ],
    });

    const result = await decideAsOperator(deps(), input({ decision: 'rejected' }));

    expect(result).toEqual({
      status: 'refused',
      message:
        'You (bob@example.com (role AWSReservedSSO_Deployers_0123abcd)) pushed this image, and search does not allow promoting or aborting your own push. Nothing was changed.',
    });
    expect(sfn.calls()).toHaveLength(0);
  });
});
