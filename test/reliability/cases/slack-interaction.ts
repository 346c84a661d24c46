import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { REPLIES } from '../../../local/slack/slack-server.js';
import { slackSignature } from '../../../shared/slack/verify-signature.js';
import type { Answers, Case, CaseBase, Category, Throws } from '../case.js';
import { fixture } from '../../support/fixtures.js';
import { clickBody, clickBodyWith, SIGNATURE_MISMATCH, slackRequest } from '../../support/reliability/slack-requests.js';
import { APPROVER, minutes, NOW, NOW_S, OUTSIDER, PUSHER, seconds, SIGNING_SECRET } from '../../support/reliability/world.js';

// slack-interaction: the Lambda function URL behind Slack's interactivity,
// sent forged, replayed, stale, unauthorized and malformed requests.

const slack = (category: Category, name: string, request: APIGatewayProxyEventV2, expect: Answers | Throws, extra: Partial<CaseBase> = {}): Case => ({
  kind: 'slack',
  entry: 'slack-interaction',
  category,
  name,
  request,
  expect,
  ...extra,
});
const refused401 = (body: RegExp): Answers => ({ status: 401, body });
const malformed400 = (body = /^malformed payload: expected a form field `payload` holding a Slack interaction JSON$/): Answers => ({ status: 400, body });
const told = (body: RegExp): Answers => ({ status: 200, body });
const flipHex = (signature: string) => signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0');
const genuine = slackRequest();
const githubWebhook: APIGatewayProxyEventV2 = {
  ...slackRequest(),
  headers: {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/044aadd',
    'x-github-event': 'push',
    'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
  },
  body: JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'acme/web' } }),
  isBase64Encoded: false,
};
const derived = fixture<{ body: string; headers: Record<string, string> }>('slack-block-actions-form-encoded-request-DERIVED');

export const SLACK_INTERACTION_CASES: Case[] = [
  // Forged: not signed with our secret over exactly this body and timestamp.
  slack('slack-forged', 'signed with another secret', slackRequest({ secret: 'attacker-secret' }), refused401(SIGNATURE_MISMATCH)),
  slack(
    'slack-forged',
    'a signature with its last hex digit changed',
    slackRequest({ signature: flipHex(String(genuine.headers['x-slack-signature'])) }),
    refused401(SIGNATURE_MISMATCH),
  ),
  slack(
    'slack-forged',
    'a signature in another scheme (v1=)',
    slackRequest({ signature: String(genuine.headers['x-slack-signature']).replace(/^v0=/, 'v1=') }),
    refused401(SIGNATURE_MISMATCH),
  ),
  slack(
    'slack-forged',
    "another request's valid signature",
    slackRequest({ signature: slackSignature(SIGNING_SECRET, NOW_S, clickBody({ approvalId: 'apr-expired' })) }),
    refused401(SIGNATURE_MISMATCH),
  ),
  slack(
    'slack-forged',
    'the approval id swapped after signing',
    slackRequest({ body: clickBody({ approvalId: 'apr-expired' }), signedBody: clickBody() }),
    refused401(SIGNATURE_MISMATCH),
  ),
  slack(
    'slack-forged',
    'an outsider swapped in for the approver after signing',
    slackRequest({ body: clickBody({ user: APPROVER }), signedBody: clickBody({ user: OUTSIDER }) }),
    refused401(SIGNATURE_MISMATCH),
  ),
  slack('slack-forged', 'a fresh timestamp on an old signature', slackRequest({ signedTimestamp: seconds(minutes(-10)) }), refused401(SIGNATURE_MISMATCH)),
  slack(
    'slack-forged',
    'reject turned into approve after signing',
    slackRequest({ signedBody: clickBody({ decision: 'reject' }) }),
    refused401(SIGNATURE_MISMATCH),
  ),
  slack(
    'truncated',
    'a signature cut short',
    slackRequest({ signature: String(genuine.headers['x-slack-signature']).slice(0, 40) }),
    refused401(/^signature mismatch: x-slack-signature is not a v0 HMAC-SHA256 signature \(wrong length\)$/),
  ),
  slack('truncated', 'a body cut after signing', slackRequest({ body: clickBody().slice(0, 200), signedBody: clickBody() }), refused401(SIGNATURE_MISMATCH)),
  slack(
    'oversized',
    'a 1 MiB body under a forged signature',
    slackRequest({ body: `payload=${'x'.repeat(1024 * 1024)}`, secret: 'attacker-secret' }),
    refused401(SIGNATURE_MISMATCH),
  ),

  // Stale: outside Slack's five minutes, either way.
  slack(
    'slack-stale',
    'a timestamp ten minutes old',
    slackRequest({ timestamp: seconds(minutes(-10)) }),
    refused401(/^stale timestamp: request is 600 s old, more than the 300 s allowed$/),
  ),
  slack(
    'slack-stale',
    'a timestamp 301 s old',
    slackRequest({ timestamp: String(Number(NOW_S) - 301) }),
    refused401(/^stale timestamp: request is 301 s old, more than the 300 s allowed$/),
  ),
  slack(
    'slack-stale',
    'a timestamp ten minutes in the future',
    slackRequest({ timestamp: seconds(minutes(10)) }),
    refused401(/^stale timestamp: request is 600 s in the future, more than the 300 s allowed$/),
  ),
  slack(
    'slack-stale',
    'a timestamp in milliseconds',
    slackRequest({ timestamp: String(NOW.getTime()) }),
    refused401(/^stale timestamp: request is \d+ s in the future/),
  ),
  slack('slack-stale', 'the epoch', slackRequest({ timestamp: '0' }), refused401(/^stale timestamp: request is \d+ s old/)),

  // Replayed: a genuine request sent again.
  slack(
    'slack-replayed',
    'a genuine click captured and replayed six minutes later',
    slackRequest({ body: clickBody({ at: minutes(-6) }), timestamp: seconds(minutes(-6)) }),
    refused401(/^stale timestamp: request is 360 s old, more than the 300 s allowed$/),
  ),
  slack(
    'slack-replayed',
    "Slack's signed sample request (DERIVED fixture) replayed",
    { ...slackRequest(), headers: derived.headers, body: derived.body, isBase64Encoded: false },
    refused401(/^stale timestamp: request is \d+ s old, more than the 300 s allowed$/),
  ),
  slack(
    'slack-replayed',
    'an approve click replayed on an approval already decided',
    slackRequest({ body: clickBody({ approvalId: 'apr-decided' }) }),
    told(/This deployment was already approved by <@U0ALICE> .*: nothing was changed\./),
  ),
  slack(
    'slack-replayed',
    'a reject replayed on an approval already decided',
    slackRequest({ body: clickBody({ approvalId: 'apr-decided', decision: 'reject' }) }),
    told(/This deployment was already approved by <@U0ALICE> .*: nothing was changed\./),
  ),

  // Unauthorized: well signed, but this person may not decide, or not any more.
  slack(
    'slack-unauthorized',
    'an outsider clicks Approve',
    slackRequest({ body: clickBody({ user: OUTSIDER }) }),
    told(/<@U0MALLORY> is not an approver for this service\. Approvers: <@U0ALICE>, <!subteam\^S0RELEASE>\. Nothing was changed\./),
  ),
  slack(
    'slack-unauthorized',
    'an outsider clicks Reject',
    slackRequest({ body: clickBody({ user: OUTSIDER, decision: 'reject' }) }),
    told(/<@U0MALLORY> is not an approver for this service/),
  ),
  slack(
    'slack-unauthorized',
    'the pusher approves their own release',
    slackRequest({ body: clickBody({ user: PUSHER }) }),
    told(/<@U0PUSHER> triggered this deployment, and self-approval is not allowed for this service\. Nothing was changed\./),
  ),
  slack(
    'slack-unauthorized',
    'an approval id Shipwatch never issued',
    slackRequest({ body: clickBody({ approvalId: 'apr-made-up' }) }),
    told(/This approval is unknown to Shipwatch: nothing was changed\./),
  ),
  slack(
    'slack-unauthorized',
    'an approval that expired',
    slackRequest({ body: clickBody({ approvalId: 'apr-expired' }) }),
    told(/This approval expired <!date\^\d+\^.*>: nothing was changed\./),
  ),
  slack(
    'slack-unauthorized',
    "an outsider while the approvers' user group cannot be read",
    slackRequest({ body: clickBody({ user: OUTSIDER }) }),
    told(/could not read the approvers' user groups from Slack just now.*Nothing was changed/),
    {
      prepare: ({ slack: server }) => {
        server.replyNext('usergroups.users.list', REPLIES.serverError);
      },
    },
  ),

  // Malformed: missing or broken parts, with or without a valid signature.
  slack('slack-malformed', 'no x-slack-signature header', slackRequest({ omit: ['x-slack-signature'] }), refused401(/^missing header x-slack-signature$/)),
  slack(
    'slack-malformed',
    'no x-slack-request-timestamp header',
    slackRequest({ omit: ['x-slack-request-timestamp'] }),
    refused401(/^missing header x-slack-request-timestamp$/),
  ),
  slack(
    'slack-malformed',
    'no headers at all',
    { ...slackRequest(), headers: undefined as unknown as Record<string, string> },
    refused401(/^missing header x-slack-request-timestamp$/),
  ),
  slack(
    'slack-malformed',
    'a timestamp that is a word',
    slackRequest({ timestamp: 'now' }),
    refused401(/^malformed timestamp: x-slack-request-timestamp is not a whole number of Unix seconds$/),
  ),
  slack('slack-malformed', 'a timestamp as an ISO date', slackRequest({ timestamp: NOW.toISOString() }), refused401(/^malformed timestamp/)),
  slack('slack-malformed', 'a signed payload that is not JSON', slackRequest({ body: 'payload=%7Bnot-json' }), malformed400()),
  slack('slack-malformed', 'a signed body without a payload field', slackRequest({ body: 'token=abc&user_id=U0ALICE' }), malformed400()),
  slack('slack-malformed', 'a signed empty body', slackRequest({ body: '' }), malformed400()),
  slack(
    'slack-malformed',
    'a signed payload of the wrong shape',
    slackRequest({ body: `payload=${encodeURIComponent(JSON.stringify({ type: 42 }))}` }),
    malformed400(),
  ),
  slack(
    'slack-malformed',
    'a signed JSON body instead of a form',
    slackRequest({ body: JSON.stringify({ type: 'block_actions' }), headers: { 'content-type': 'application/json' } }),
    malformed400(),
  ),
  slack(
    'slack-malformed',
    'a Shipwatch click without an approval id',
    slackRequest({ body: clickBodyWith((p) => delete p.actions[0]!.value) }),
    malformed400(/^malformed payload: a Shipwatch button click without a user or an approval id$/),
  ),
  slack(
    'slack-malformed',
    'a Shipwatch click without a user',
    slackRequest({ body: clickBodyWith((p) => delete p.user) }),
    malformed400(/^malformed payload: a Shipwatch button click without a user or an approval id$/),
  ),
  slack(
    'slack-malformed',
    'a base64 body mangled in transit',
    slackRequest({ deliveredBody: Buffer.from(clickBody(), 'utf8').toString('base64').replace(/[A-M]/g, 'Z') }),
    refused401(SIGNATURE_MISMATCH),
  ),
  slack('slack-malformed', 'a base64 body flagged as plain text', { ...genuine, isBase64Encoded: false }, refused401(SIGNATURE_MISMATCH)),
  slack('foreign', 'a GitHub webhook sent to the Slack endpoint', githubWebhook, refused401(/^missing header x-slack-request-timestamp$/)),

  // Config: the signing secret's parameter name mistyped in the function's environment.
  slack(
    'config-typo',
    'SLACK_SIGNING_SECRET_PARAMETER names a parameter that does not exist',
    slackRequest(),
    { throws: 'ConfigError', message: /\/shipwatch\/slack-signing-secrt/ },
    {
      prepare: () => {
        const saved = process.env.SLACK_SIGNING_SECRET_PARAMETER;
        process.env.SLACK_SIGNING_SECRET_PARAMETER = '/shipwatch/slack-signing-secrt';
        return () => {
          if (saved === undefined) delete process.env.SLACK_SIGNING_SECRET_PARAMETER;
          else process.env.SLACK_SIGNING_SECRET_PARAMETER = saved;
        };
      },
    },
  ),
];
