import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';

export type Decision = 'approve' | 'reject';

export interface TerminalPrompt {
  /** The person's answer, or undefined once nobody can answer any more (input closed, or Ctrl-C). */
  ask(question: string): Promise<string | undefined>;
  close(): void;
}

export const ASK_AGAIN = '  Please type a (approve) or r (reject): ';

/**
 * `a`/`approve` or `r`/`reject`, in any case, and at a pause the words
 * `promote` and `abort` (whole words only: `a` is approve, never abort);
 * anything else (Enter, `no`, `yes`) decides nothing.
 */
export function parseDecision(answer: string): Decision | undefined {
  const word = answer.trim().toLowerCase();
  if (word === 'a' || word === 'approve' || word === 'promote') return 'approve';
  if (word === 'r' || word === 'reject' || word === 'abort') return 'reject';
  return undefined;
}

/**
 * Asks until the person decides: a deployment is approved only when they
 * said so. Undefined when nobody can answer any more.
 */
export async function askDecision(ask: TerminalPrompt['ask'], question: string): Promise<Decision | undefined> {
  for (let prompt = question; ; prompt = ASK_AGAIN) {
    const answer = await ask(prompt);
    if (answer === undefined) return undefined;
    const decision = parseDecision(answer);
    if (decision) return decision;
  }
}

/**
 * The sandbox's terminal: a person answers the approval requests, and the
 * first Ctrl-C ends the run (`onInterrupt`). readline keeps the terminal in
 * raw mode, so Ctrl-C reaches it as a key, not as a signal to the process;
 * without a listener readline only closes itself, and the run would go on
 * with the planned answers until a second Ctrl-C.
 */
export function terminalPrompt(options: { input: Readable; output: Writable; terminal?: boolean; onInterrupt: () => void }): TerminalPrompt {
  const rl = createInterface({ input: options.input, output: options.output, ...(options.terminal !== undefined ? { terminal: options.terminal } : {}) });
  // If the terminal goes away (input closed), the scenarios' planned answers take over.
  let closed = false;
  rl.on('close', () => {
    closed = true;
  });
  rl.on('SIGINT', () => {
    rl.close();
    options.onInterrupt();
  });
  return {
    ask: (question) =>
      closed
        ? Promise.resolve(undefined)
        : Promise.race([rl.question(question), new Promise<undefined>((resolve) => rl.once('close', () => resolve(undefined)))]),
    close: () => rl.close(),
  };
}
