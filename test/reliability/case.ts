import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { SlackStandIn } from '../../local/slack/slack-server.js';

// What a bad-input case is: the entry point it feeds, the category it counts
// in (README's reliability table), and how it must be refused.

export const CATEGORIES = [
  'malformed',
  'truncated',
  'foreign',
  'oversized',
  'config-typo',
  'slack-forged',
  'slack-replayed',
  'slack-stale',
  'slack-unauthorized',
  'slack-malformed',
  'state-malformed',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const HANDLER_ENTRIES = [
  'start-deployments',
  'alarm-rollback',
  'close-record',
  'admit-release',
  'scan-image',
  'acquire-lease',
  'deploy-release',
  'watch-rollout',
  'check-health',
  'roll-back',
  'finish-deployment',
  'request-approval',
] as const;
export type HandlerEntry = (typeof HANDLER_ENTRIES)[number];
export type Entry = HandlerEntry | 'slack-interaction' | 'config';

/** Refused by throwing: the error's name (the contract with Step Functions) and a message naming what is wrong. */
export interface Throws {
  throws: string;
  message: RegExp;
}
/** Refused by doing nothing: the result or a log line says why. */
export interface Ignores {
  ignores: RegExp;
}
/** Refused by the interactivity endpoint with an HTTP answer. */
export interface Answers {
  status: number;
  body: RegExp;
}

export interface CaseContext {
  slack: SlackStandIn;
}

export interface CaseBase {
  category: Category;
  name: string;
  /** A known bug: what the entry point does instead (the test runs as `it.fails`). */
  bug?: string;
  /** Per-case setup; the returned function undoes it. */
  prepare?: (ctx: CaseContext) => (() => void) | undefined;
}

export type Case =
  | (CaseBase & { kind: 'event'; entry: HandlerEntry; event: unknown; expect: Throws | Ignores })
  | (CaseBase & { kind: 'slack'; entry: 'slack-interaction'; request: APIGatewayProxyEventV2; expect: Answers | Throws })
  | (CaseBase & { kind: 'config'; entry: 'config'; text: string; expect: Throws })
  /** The handler module's cold start (config and environment are read at import). */
  | (CaseBase & { kind: 'cold-start'; entry: 'start-deployments' | 'alarm-rollback'; env: Record<string, string | undefined>; expect: Throws });
