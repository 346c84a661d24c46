import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runSandbox } from '../../sandbox/sandbox.js';
import { terminalPrompt } from '../../sandbox/terminal.js';

// The person at the sandbox's terminal: only an explicit answer decides, and Ctrl-C stops.

/** A terminal (as readline sees one) that a test types into. */
function fakeTerminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  const shown: string[] = [];
  output.on('data', (chunk: Buffer) => shown.push(chunk.toString('utf8')));
  return { input, output, shown, type: (keys: string) => input.write(keys) };
}

describe('the sandbox approval prompt', () => {
  it('approves only on an explicit answer: Enter, "no" and "yes" ask again, then "r" rejects', async () => {
    // Prepare
    const answers = ['', 'no', 'yes', 'r'];
    const questions: string[] = [];
    const ask = async (question: string) => {
      questions.push(question);
      return answers.shift();
    };

    // Act
    const { rows } = await runSandbox({ scenario: 'approval-granted', speed: Infinity, seed: 1, print: () => {}, ask });

    // Assess
    expect(questions).toHaveLength(4);
    expect(questions[0]).toMatch(/Approve payments:release-4\.0\? \[a\]pprove \/ \[r\]eject/);
    expect(questions.slice(1)).toEqual(Array(3).fill(expect.stringMatching(/type a \(approve\) or r \(reject\)/)));
    // The record follows the answer: rejected, and the row expects just that.
    expect(rows.map((r) => [r.outcome, r.expected])).toEqual([['rejected', 'rejected']]);
  }, 900_000);

  it('takes "a", "approve" and "Reject" in any case and with spaces around them', async () => {
    const answered: string[] = [];
    for (const answer of [' A ', 'approve', 'Reject']) {
      const { rows } = await runSandbox({ scenario: 'approval-granted', speed: Infinity, seed: 1, print: () => {}, ask: async () => answer });
      answered.push(rows[0]!.outcome);
    }

    expect(answered).toEqual(['deployed', 'deployed', 'rejected']);
  }, 900_000);

  it('asks a person at a pause whether to promote; "abort" (the whole word) aborts, and the row expects the rollback', async () => {
    const questions: string[] = [];
    const answers = ['a bort', 'abort'];

    const { rows } = await runSandbox({
      scenario: 'eks-canary-paused-promoted',
      speed: Infinity,
      seed: 1,
      print: () => {},
      ask: async (q) => {
        questions.push(q);
        return answers.shift();
      },
    });

    expect(questions[0]).toBe('  Promote reviews:v2? [a]pprove promotes / [r]eject aborts: ');
    expect(questions).toHaveLength(2);
    expect(rows.map((r) => [r.outcome, r.expected])).toEqual([['rolled_back', 'rolled_back']]);
    expect(rows[0]!.reason).toMatch(/^Aborted: U0SANDBOXYOU aborted the canary deployment at the pause/);
  }, 900_000);

  it('ends the run at the first Ctrl-C, even while a question waits for its answer', async () => {
    // Prepare
    const t = fakeTerminal();
    let interrupted = 0;
    const prompt = terminalPrompt({ input: t.input, output: t.output, terminal: true, onInterrupt: () => (interrupted += 1) });
    const answer = prompt.ask('  Approve payments:release-4.0? [a]pprove / [r]eject: ');

    // Act
    t.type('\x03');

    // Assess
    await expect(answer).resolves.toBeUndefined();
    expect(interrupted).toBe(1);
    await expect(prompt.ask('again? ')).resolves.toBeUndefined();
  });

  it('ends the run at the first Ctrl-C between questions too', async () => {
    const t = fakeTerminal();
    let interrupted = 0;
    terminalPrompt({ input: t.input, output: t.output, terminal: true, onInterrupt: () => (interrupted += 1) });

    t.type('\x03');
    await new Promise((resolve) => setImmediate(resolve));

    expect(interrupted).toBe(1);
  });
});
