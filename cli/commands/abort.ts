import { pauseDecisionCommand } from './pause-decision.js';

/** `shipwatch abort <service>`: the paused deployment goes no further; all traffic goes back to the previous revision. */
export const abortCommand = pauseDecisionCommand('abort', {
  description:
    'abort a canary or linear deployment paused after its first traffic step: all traffic goes back to the previous revision and the release is rolled back (as you)',
  examples: [
    ['shipwatch abort search', "abort search's paused deployment: it ends rolled_back, naming you"],
    ['shipwatch abort search --record 20261102T103000Z-a882867ff7a6-1c0f9e2b', 'that record only'],
  ],
  exits: 'Exits 0 once aborted (the rollback follows: shipwatch follow); 3 when nothing is paused,\nit was decided already, or it expired.',
});
