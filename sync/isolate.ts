import { Logger } from '../core/logger';

/**
 * When a batch fails, is it one row's fault? Errors of a row's data (a value the column refuses, a key
 * taken, a SIGNAL of a trigger, our mapping tripping over an odd value) are: the batch is then run again
 * one ticket at a time and the ticket that fails alone is set aside (store/setAside.ts). Errors of the
 * connection, of privileges or of the schema are not: they would fail every ticket, so they propagate and
 * the pass fails as before (the daemon retries with backoff).
 */
const ENVIRONMENT_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ER_SERVER_SHUTDOWN',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_TABLEACCESS_DENIED_ERROR',
  'ER_COLUMNACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_ACCESS_DENIED_ERROR',
  'ER_NO_SUCH_TABLE',
  'ER_BAD_FIELD_ERROR',
  'ER_PARSE_ERROR',
  'ER_OPTION_PREVENTS_STATEMENT',
  'ER_READ_ONLY_MODE',
]);

export function isRowError(err: unknown): boolean {
  const e = err as { code?: string; errno?: number; sqlState?: string; name?: string; message?: string };
  if (e.code && ENVIRONMENT_CODES.has(e.code)) return false;
  if (e.errno !== undefined) {
    if (e.errno === 2006 || e.errno === 2013) return false; // server gone away, lost during query
    const state = e.sqlState ?? '';
    return state.startsWith('22') || state.startsWith('23') || state === '45000' || state === 'HY000';
  }
  // No driver error: our own mapping tripped over a value it did not expect. Anything else (a plain
  // Error, a knex pool timeout, a BxsupError) is not a row's fault.
  return e.name === 'TypeError' || e.name === 'RangeError';
}

/** One line that says what went wrong, for the log and bl_support_set_aside (no SQL statement). */
export function rowErrorReason(err: unknown): string {
  const e = err as { code?: string; sqlMessage?: string; message?: string };
  const text = e.sqlMessage ? `${e.code ?? 'error'}: ${e.sqlMessage}` : String(e.message ?? err);
  return text.split('\n')[0].slice(0, 255);
}

/**
 * Runs `run` for each item in order; an item whose run fails with a row error is handed to `setAside`
 * (which records it, and moves a cursor past it when there is one) and the others go on. Any other
 * error propagates at once. Returns the items set aside.
 */
export async function isolateFailures<T>(
  items: readonly T[],
  run: (item: T) => Promise<void>,
  setAside: (item: T, reason: string) => Promise<void>,
  logger: Logger,
  describe: (item: T) => string,
): Promise<T[]> {
  const failed: T[] = [];
  const reasons = new Set<string>();
  for (const item of items) {
    try {
      await run(item);
    } catch (err) {
      if (!isRowError(err)) throw err;
      const reason = rowErrorReason(err);
      logger.error(`${describe(item)} cannot be processed and is set aside: ${reason}`, { reason });
      await setAside(item, reason);
      failed.push(item);
      reasons.add(reason);
    }
  }
  if (items.length > 1 && failed.length === items.length && reasons.size === 1) {
    logger.error(
      `all ${items.length} tickets of a batch failed alike (${[...reasons][0]}): more likely a fault of bxsup or of the database than of the tickets; they are set aside and retried by the reconciliation`,
    );
  }
  return failed;
}
