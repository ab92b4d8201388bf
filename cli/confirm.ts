import { createInterface } from 'node:readline/promises';
import { BxsupError } from '../core/errors';

/** Asks a yes/no question on the terminal; without a terminal the user must pass --yes. */
export async function confirm(question: string, flagHint = '--yes'): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new BxsupError(
      'USAGE',
      `${question.replace(/\?$/, '')}: no terminal to ask on; pass ${flagHint} to confirm`,
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
