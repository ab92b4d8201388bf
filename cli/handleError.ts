import { describeDbError } from '../core/dbErrorText';
import { isBxsupError } from '../core/errors';
import { redact } from '../core/logger';

/**
 * The credentials of the example URLs our hints show (`pass --db mysql://user:password@host:3306/database`):
 * placeholders to copy, not a secret, so they are spared the password masker that every other URL in an
 * error line goes through (the hint used to read `mysql://user:***@host`, hiding the very thing to type).
 */
const EXAMPLE_CREDENTIALS = '://user:password@host';
const EXAMPLE_CREDENTIALS_IN_URL = /:\/\/user:password@host(?=[:/\s,)]|$)/;

/** The error line with every password masked except the placeholder one of an example URL. */
export function redactErrorText(text: string): string {
  return text
    .split(EXAMPLE_CREDENTIALS_IN_URL)
    .map((part) => String(redact(part)))
    .join(EXAMPLE_CREDENTIALS);
}

/**
 * The one place errors become what the user sees: one line on stderr and an exit code
 * (2 usage/configuration/environment, 1 failure while working). A database error is described by what
 * failed and how to fix it, never by its SQL. The stack only with BXSUP_DEBUG=1.
 */
export function handleError(err: unknown): number {
  const commanderCode = (err as { code?: string }).code;
  if (typeof commanderCode === 'string' && commanderCode.startsWith('commander.')) {
    // Commander already printed its message (unknown option, missing argument, --help).
    const exitCode = (err as { exitCode?: number }).exitCode ?? 2;
    return exitCode === 0 ? 0 : 2;
  }
  const known = isBxsupError(err) ? err : describeDbError(err);
  if (known) {
    process.stderr.write(`bxsup: ${redactErrorText(known.message)}\n`);
    if (process.env.BXSUP_DEBUG && known.cause)
      process.stderr.write(`${String(redact((known.cause as Error).stack ?? known.cause))}\n`);
    return known.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`bxsup: ${redactErrorText(message.split('\n')[0])} (set BXSUP_DEBUG=1 for details)\n`);
  if (process.env.BXSUP_DEBUG && err instanceof Error)
    process.stderr.write(`${String(redact(err.stack ?? ''))}\n`);
  return 1;
}
