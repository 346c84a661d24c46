// Slack's own names and limits, and Shipwatch's defaults for talking to Slack,
// in one place. Limits are from the Block Kit reference; exceeding one makes
// Slack refuse the whole message (`invalid_blocks`), so builders truncate.

/** The two buttons of an approval message; Slack sends these back as `actions[].action_id`. */
export const APPROVE_ACTION_ID = 'shipwatch_approve';
export const REJECT_ACTION_ID = 'shipwatch_reject';

export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 3000,
  buttonText: 75,
  buttonValue: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** chat.postMessage accepts 40,000 but Slack advises < 4,000 for the notification fallback. */
  messageText: 3000,
} as const;

/** Slack: refuse a request whose timestamp is more than five minutes from now (replay protection). */
export const SIGNATURE_MAX_AGE_SECONDS = 5 * 60;

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

/**
 * Bounded: a Slack outage costs a deployment step at most three attempts and
 * a few seconds of backoff, never the Web API client's default of ten retries
 * over thirty minutes.
 */
export const DEFAULT_RETRY_CONFIG = { retries: 2 } as const;
/** Per attempt, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 5_000;

/** Findings listed by name in a message; the rest are counted. */
export const MAX_FINDINGS_LISTED = 20;
