import type { Case } from './case.js';
import { ALARM_ROLLBACK_CASES } from './cases/alarm-rollback.js';
import { CLOSE_RECORD_CASES } from './cases/close-record.js';
import { COLD_START_CASES } from './cases/cold-start.js';
import { CONFIG_CASES } from './cases/config.js';
import { SLACK_INTERACTION_CASES } from './cases/slack-interaction.js';
import { START_DEPLOYMENTS_CASES } from './cases/start-deployments.js';
import { TASK_HANDLER_CASES } from './cases/task-handlers.js';

// The bad-input tables of the reliability suite: every Lambda entry point fed
// malformed, truncated, foreign and oversized events, config typos, malformed
// workflow state and forged, replayed, stale and unauthorized Slack requests.
// Each case names what must be refused and the text that says why; the test
// (bad-input.test.ts) runs it against the real handler and checks that nothing
// was written anywhere. A case with `bug` documents a refusal the code does not
// make yet (or makes unclearly, or after a write): it runs as `it.fails`.
//
// One table a file in cases/, named for the entry point it feeds; what a case
// is, in case.ts; the world they start from, in test/support/reliability/.

// ---------------------------------------------------------------------------
// Known bugs: where, and what the entry point does instead. A case carrying
// one runs as `it.fails`, so the suite stays green and the bug stays visible;
// once fixed, the case passes, `it.fails` fails, and the `bug` line goes.
// ---------------------------------------------------------------------------

export const BUGS = {} as const;

export const CASES: readonly Case[] = [
  ...START_DEPLOYMENTS_CASES,
  ...ALARM_ROLLBACK_CASES,
  ...CLOSE_RECORD_CASES,
  ...TASK_HANDLER_CASES,
  ...SLACK_INTERACTION_CASES,
  ...CONFIG_CASES,
  ...COLD_START_CASES,
];
