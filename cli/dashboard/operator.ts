import type { AwsSettings } from '../aws-clients.js';
import { askSandbox } from '../sandbox-link.js';

/**
 * "Now" for the dashboard: the clock of the account it reads. A sandbox keeps
 * simulated time (60 simulated seconds to the real one when serving), so it is
 * asked each time (GET /shipwatch/sandbox answers with its clock); AWS is now.
 */
export function accountClock(settings: AwsSettings): () => Promise<Date> {
  if (!settings.endpoint) return async () => new Date();
  const endpoint = settings.endpoint;
  let asked: { at: number; answer: Promise<Date> } | undefined;
  return () => {
    if (asked && performance.now() - asked.at < 100) return asked.answer;
    const answer = askSandbox(endpoint).then(
      (info) => new Date(info.now ?? Date.now()),
      // Another endpoint (not a sandbox): its own time is ours.
      () => new Date(),
    );
    asked = { at: performance.now(), answer };
    return answer;
  };
}
