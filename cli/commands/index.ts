import type { RegisterCommand } from '../program.js';
import { abortCommand } from './abort.js';
import { dashboardCommand } from './dashboard.js';
import { deployCommand } from './deploy.js';
import { followCommand } from './follow.js';
import { historyCommand } from './history.js';
import { planCommand } from './plan.js';
import { promoteCommand } from './promote.js';
import { rollbackCommand } from './rollback.js';
import { sandboxCommand } from './sandbox.js';
import { statsCommand } from './stats.js';
import { statusCommand } from './status.js';
import { validateCommand } from './validate.js';

/**
 * Every `shipwatch` command, in the order `shipwatch --help` lists them. A new
 * command is one file in this folder (a RegisterCommand) and one line here.
 */
export const COMMANDS: RegisterCommand[] = [
  validateCommand,
  planCommand,
  statusCommand,
  historyCommand,
  statsCommand,
  deployCommand,
  followCommand,
  rollbackCommand,
  promoteCommand,
  abortCommand,
  dashboardCommand,
  sandboxCommand,
];
