import { pauseDecisionCommand } from './pause-decision.js';

/** `shipwatch promote <service>`: the paused deployment goes on, shifting the rest of the traffic to the new release. */
export const promoteCommand = pauseDecisionCommand('promote', {
  description:
    "promote a canary or linear deployment paused after its first traffic step: the rest of the traffic shifts to the new release (as you, like the dashboard's and Slack's Promote)",
  examples: [
    ['shipwatch promote search', "promote search's paused deployment"],
    ['shipwatch promote search --record 20261102T103000Z-a882867ff7a6-1c0f9e2b', 'that record only'],
    ['shipwatch promote search --json', 'who decided and when, as JSON'],
  ],
  exits: 'Exits 0 once promoted; 3 when nothing is paused, it was decided already, or it expired.',
});
