import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { profile, type ImageProfile } from '../../local/cloud/profiles.js';
import { approvalIdIn, signedClick } from '../../local/slack/click.js';
import { lambdaContext } from '../../local/task-handlers.js';
import { parseConfigText } from '../../shared/config/load.js';
import { virtualWorkflows } from './concurrent.js';
import { freshRecordsTable } from './records.js';
import { searchServiceYaml, searchWorld } from './search-world.js';
import { SIGNING_SECRET, useSlackApprovals } from './slack-approvals.js';

// A canary that pauses, for the workflow tests: `search` (search-world.ts)
// with `pause: true`, whose approvers are asked to promote or abort in
// Slack (the stand-in, with the real interaction handler behind signed
// clicks), the real state machine running in virtual time. Needs
// useLocalDynamo() and useKubeApiServer() in the file, before it.

const PAUSED = '{ type: canary, percent: 10, bakeMinutes: 5, pause: true }';
/** Pushes need no approval before the deploy (required: false); the pause asks these approvers. */
const approval = (timeoutMinutes: number) => `    approval:
      required: false
      channel: C0DEPLOYS
      approvers: [U0ALICE, S0RELEASE]
      timeoutMinutes: ${timeoutMinutes}
`;

export function usePausedCanary() {
  const s = useSlackApprovals();
  let restore: (() => void) | undefined;

  afterEach(() => {
    restore?.();
    restore = undefined;
  });

  /** A fresh records table and world; the config is also written to a file, for the CLI. */
  async function given(timeoutMinutes = 30) {
    const records = await freshRecordsTable();
    const env = searchWorld();
    const text = `services:\n${searchServiceYaml(PAUSED)}${approval(timeoutMinutes)}`;
    const dir = mkdtempSync(join(tmpdir(), 'shipwatch-pause-'));
    const configFile = join(dir, 'shipwatch.yml');
    writeFileSync(configFile, text);
    const w = virtualWorkflows(env, parseConfigText(text, 'test config'));
    s.world = env.world;
    restore = () => {
      w.restore();
      rmSync(dir, { recursive: true, force: true });
    };
    /** Pushes search:`tag` and delivers the push; answers the pushed image. */
    const push = (tag: string, behaviour: Partial<ImageProfile> = {}) => {
      const event = env.world.ecr.push('search', tag, profile(behaviour));
      return w.deliver(event).then(() => `${env.world.ecr.registry}/search@${event.detail['image-digest']}`);
    };
    const canary = () => env.kubernetes.deployment('shop', 'search-canary');
    const image = () => env.kubernetes.deployment('shop', 'search')!.spec.template.spec.containers.find((c) => c.name === 'web')?.image;
    return { ...env, ...w, records, configFile, push, canary, image };
  }
  type Env = Awaited<ReturnType<typeof given>>;

  /** The promotion request as Slack received it: the message that carries the Promote button, and the id behind it. */
  function promotionRequest() {
    const asked = [...s.slack.callsTo('chat.update'), ...s.slack.callsTo('chat.postMessage')].find((c) =>
      JSON.stringify(c.body.blocks ?? '').includes('"Promote"'),
    );
    if (!asked) throw new Error('no promotion request reached Slack');
    return {
      approvalId: approvalIdIn(asked.body.blocks)!,
      channel: String(asked.body.channel),
      ts: String(asked.body.ts ?? ''),
      text: String(asked.body.text ?? ''),
    };
  }

  /** When the workflow pauses, `user` clicks Promote (Slack's Approve action) or Abort (Reject) `minutes` later; notes what the canary looked like then. */
  function clickWhenPaused(env: Env, minutes: number, decision: 'approve' | 'reject', user: string) {
    const seen: { pausedAt?: number; clickedAt?: number; canaryPods?: number | undefined; answer?: APIGatewayProxyStructuredResultV2 } = {};
    env.on((e) => {
      if (seen.pausedAt !== undefined || e.state !== 'RequestPromotion' || e.type !== 'entered') return;
      seen.pausedAt = env.clock.now();
      void (async () => {
        await env.time.sleep(minutes * 60_000);
        seen.canaryPods = env.canary()?.spec.replicas;
        seen.clickedAt = env.clock.now();
        const { approvalId, channel, ts } = promotionRequest();
        const event = signedClick({ approvalId, decision, user, channel, messageTs: ts }, SIGNING_SECRET, new Date(env.clock.now()));
        seen.answer = await env.time.track(s.interaction(event, lambdaContext('slackInteraction')));
      })();
    });
    return seen;
  }

  return { given, promotionRequest, clickWhenPaused, slack: () => s.slack };
}
