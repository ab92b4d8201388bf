import { describeError, isDriverError, shortText } from '../core/dbErrorText';
import { maskUrlPasswords } from '../core/maskSecrets';

/**
 * A mail that can never be delivered as it is (no address, SMTP 5xx, ticket gone): it goes to 'dead'
 * with the reason at once instead of being retried. Everything else is temporary.
 */
export class PermanentMailError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PermanentMailError';
  }
}

/**
 * The recipient has no e-mail address (a customer who never gave one, staff without one). Not a failure
 * of the mail system: the row waits in state 'no_address' until `bxsup mail retry-dead` once the
 * address exists.
 */
export class NoAddressError extends PermanentMailError {
  constructor(message: string) {
    super(message);
    this.name = 'NoAddressError';
  }
}

/** A row that is not meant to be mailed (an internal note, the customer's own message): done, not sent. */
export class SkipMail extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SkipMail';
  }
}

interface SmtpLikeError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/**
 * nodemailer reports the server's reply code in `responseCode`. A 5xx for the message or a recipient is
 * permanent; authentication failures (535, EAUTH) are not: they are a configuration problem, and once
 * it is fixed every waiting mail must still go out.
 */
export function isPermanentSendError(err: unknown): boolean {
  if (err instanceof PermanentMailError) return true;
  const e = (err ?? {}) as SmtpLikeError;
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH') return false;
  return typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600;
}

/**
 * One line for last_error and logs: the SMTP reply when there is one; a database error described (never
 * its SQL); never credentials; short and cut only between characters.
 */
export function describeSendError(err: unknown): string {
  if (isDriverError(err)) return describeError(err);
  const e = (err ?? {}) as SmtpLikeError;
  // The SMTP reply already starts with its code ("550 5.1.1 …"); other errors get theirs in front.
  const line = (e.response ?? `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`)
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .trim();
  // A URL with a password can appear in a connection error: masked as the logger masks it.
  return shortText(maskUrlPasswords(line), 300);
}
