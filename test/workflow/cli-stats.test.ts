import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { sfnClient } from '../../shared/aws/sfn.js';
import { recordSk, servicePk } from '../../shared/records/keys.js';
import type { DeploymentRecord } from '../../shared/records/types.js';
import type { Outcome, StepTime } from '../../shared/workflow/result.js';
import { cliHarness } from '../support/cli-context.js';
import { freshRecordsTable, useLocalDynamo } from '../support/records.js';
import { fixturePath } from '../support/fixtures.js';

// `shipwatch stats` over a records table (dynalite, through local/dynamo.ts)
// seeded with known figures: every number below is worked out by hand.

useLocalDynamo();
const CONFIG_FILE = fixturePath('shipwatch.cli.yml');
const NOW = new Date('2026-11-02T12:00:00Z');
const at = (day: string, hms: string) => new Date(`2026-${day}T${hms}Z`).toISOString();

interface Seed {
  service?: string;
  pushed: string;
  outcome?: Outcome;
  steps?: [StepTime['step'], number, number][];
  deployedAfter?: number;
  approvalAfter?: number;
}

/** A record as the workflow writes it; step times in seconds after the push. */
function record(seed: Seed, i: number): DeploymentRecord & { pk: string; sk: string } {
  const service = seed.service ?? 'web';
  const recordId = `${seed.pushed.replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z')}-${String(i).padStart(12, '0')}`;
  const after = (s: number) => new Date(Date.parse(seed.pushed) + s * 1000).toISOString();
  const steps = (seed.steps ?? []).map(([step, from, to]) => ({ step, startedAt: after(from), endedAt: after(to) }));
  const events = seed.deployedAfter !== undefined ? [{ at: after(seed.deployedAfter), what: 'deployed: …' }] : [];
  return {
    pk: servicePk(service),
    sk: recordSk(recordId),
    service,
    recordId,
    repository: service,
    digest: `sha256:${String(i).padStart(64, '0')}`,
    imageUri: `123456789012.dkr.ecr.us-east-1.amazonaws.com/${service}@sha256:${String(i).padStart(64, '0')}`,
    pushedAt: seed.pushed,
    phase: seed.outcome ? 'done' : 'deploying',
    ...(seed.outcome ? { outcome: seed.outcome, reason: 'seeded' } : {}),
    ...(seed.outcome
      ? {
          result: {
            service,
            repository: service,
            digest: `sha256:${String(i).padStart(64, '0')}`,
            imageUri: '',
            outcome: seed.outcome,
            reason: 'seeded',
            steps,
            startedAt: seed.pushed,
            finishedAt: steps.at(-1)?.endedAt ?? seed.pushed,
            ...(seed.approvalAfter !== undefined ? { approval: { decision: 'approved' as const, by: 'U1', at: after(seed.approvalAfter) } } : {}),
          },
        }
      : {}),
    events,
    createdAt: seed.pushed,
    updatedAt: seed.pushed,
  };
}

// Lead times (push to deployed) of the five changes that reached production:
// 840, 750, 900, 1200 and 780 s → median 840 s, p90 900 + 0.6 × 300 = 1080 s.
const SEEDS: Seed[] = [
  {
    pushed: at('10-20', '10:00:00'),
    outcome: 'deployed',
    steps: [
      ['scan', 0, 60],
      ['deploy', 60, 120],
      ['rollout', 120, 240],
      ['bake', 240, 840],
    ],
    deployedAfter: 840,
  },
  {
    pushed: at('10-22', '10:00:00'),
    outcome: 'deployed',
    steps: [
      ['scan', 0, 30],
      ['rollout', 30, 150],
      ['bake', 150, 750],
    ],
    deployedAfter: 750,
  },
  {
    pushed: at('10-25', '10:00:00'),
    outcome: 'deployed',
    steps: [
      ['scan', 0, 20],
      ['rollout', 300, 300 + 180],
      ['bake', 300, 900],
    ],
    deployedAfter: 900,
    approvalAfter: 20 + 300,
  },
  {
    service: 'api',
    pushed: at('10-28', '10:00:00'),
    outcome: 'deployed',
    steps: [
      ['scan', 0, 40],
      ['rollout', 40, 600],
      ['bake', 600, 1200],
    ],
    deployedAfter: 1200,
  },
  // Deployed, then an alarm rolled it back: the record's result is the rollback's (90 s to restore).
  { pushed: at('10-29', '10:00:00'), outcome: 'rolled_back', steps: [['rollback', 3600, 3690]], deployedAfter: 780 },
  // The circuit breaker failed the rollout: 120 s from detection to the last good release running.
  {
    pushed: at('10-30', '10:00:00'),
    outcome: 'rolled_back',
    steps: [
      ['scan', 0, 30],
      ['rollout', 30, 150],
      ['rollback', 150, 270],
    ],
  },
  {
    pushed: at('10-31', '10:00:00'),
    outcome: 'rollback_failed',
    steps: [
      ['scan', 0, 30],
      ['rollout', 30, 150],
      ['rollback', 150, 1050],
    ],
  },
  { pushed: at('11-01', '09:00:00'), outcome: 'blocked', steps: [['scan', 0, 45]] },
  { service: 'api', pushed: at('11-01', '10:00:00'), outcome: 'rejected', steps: [['scan', 0, 30]], approvalAfter: 30 + 600 },
  { service: 'api', pushed: at('11-01', '11:00:00'), outcome: 'expired', steps: [['scan', 0, 30]] },
  { pushed: at('11-02', '08:00:00'), outcome: 'superseded' },
  // A new tag of the release that already ran: deployed, but nothing changed (no rollout), so no deployment and no change.
  { pushed: at('11-02', '09:00:00'), outcome: 'deployed', steps: [], deployedAfter: 1 },
  // In flight, and outside the window: neither counts.
  { pushed: at('11-02', '11:50:00') },
  { pushed: at('09-20', '10:00:00'), outcome: 'deployed', steps: [['scan', 0, 10]], deployedAfter: 10 },
];

async function seeded() {
  const records = await freshRecordsTable();
  for (const [i, seed] of SEEDS.entries()) await records.db.send(new PutCommand({ TableName: records.table, Item: record(seed, i + 1) }));
  return cliHarness({ configFile: CONFIG_FILE, records, sfn: sfnClient(), now: () => NOW });
}

describe('shipwatch stats', () => {
  it('computes the four keys, the steps and the refusals from a seeded records table', async () => {
    const cli = await seeded();

    expect(await cli.run(['stats', '--json'])).toBe(0);

    const stats = JSON.parse(cli.take().out);
    expect(stats.since).toBe('2026-10-03T12:00:00.000Z');
    expect(stats.services).toEqual(['web', 'api']);
    expect(stats.deploymentFrequency.deployments).toBe(5);
    expect(stats.deploymentFrequency.perDay).toBeCloseTo(5 / 30, 10);
    expect(stats.leadTime).toEqual({ count: 5, median: 840, p90: 1080 });
    // (2 rolled back + 1 rollback failed) of (4 deployed that changed something + those 3).
    expect(stats.changeFailureRate).toEqual({ failed: 3, changes: 7, rate: 3 / 7 });
    expect(stats.timeToRestore).toEqual({ count: 2, median: 105, p90: 117, notRestored: 1 });
    expect(stats.steps.scan).toEqual({ count: 9, median: 30, p90: 48 });
    expect(stats.steps.approvalWait).toEqual({ count: 2, median: 450, p90: 570 });
    expect(stats.steps.rollout.count).toBe(6);
    expect(stats.steps.bake).toEqual({ count: 4, median: 600, p90: 600 });
    expect(stats.outcomes).toEqual({ deployed: 5, rolled_back: 2, blocked: 1, rejected: 1, expired: 1, superseded: 1, failed: 0, rollback_failed: 1 });
    expect(stats.inFlight).toBe(1);
  });

  it('as a table, and for one service over a shorter window', async () => {
    const cli = await seeded();

    expect(await cli.run(['stats'])).toBe(0);
    const text = cli.take().out;
    expect(await cli.run(['stats', '--service', 'api', '--since', '7d', '--json'])).toBe(0);
    const api = JSON.parse(cli.take().out);

    expect(text).toMatch(/^Shipwatch stats, last 30d \(2026-10-03T12:00Z to 2026-11-02T12:00Z\), 2 services\n/);
    expect(text).toMatch(/lead time for changes\s+median 14m00s, p90 18m00s \(5\)\s+push to deployed/);
    expect(text).toMatch(/change failure rate\s+42\.9% \(3 of 7\)/);
    expect(text).toMatch(/time to restore\s+median 1m45s, p90 1m57s \(2\); 1 not restored \(rollback_failed\)/);
    expect(text).toContain('not deployed: 1 blocked, 1 rejected, 1 expired');
    expect(api.services).toEqual(['api']);
    expect(api.outcomes).toMatchObject({ deployed: 1, rejected: 1, expired: 1 });
    expect(api.leadTime).toEqual({ count: 1, median: 1200, p90: 1200 });
  });

  it('says what is wrong with --since and --service instead of guessing', async () => {
    const cli = await seeded();

    expect(await cli.run(['stats', '--since', '30'])).toBe(2);
    expect(await cli.run(['stats', '--service', 'nope'])).toBe(3);

    expect(cli.take().err).toMatch(
      /^shipwatch: option '--since <span>' argument '30' is invalid\. expected a span such as 30d, 12h, 2w or 90m \(minutes, hours, days, weeks\), got "30"\n.*\nshipwatch: no service "nope" in .*shipwatch\.cli\.yml or the records \(services: web, api\)$/s,
    );
  });
});
