/**
 * Errors that mean "the database went away" (restart, network, failover) rather than a bug or bad data:
 * the daemon waits and reconnects on these, and logs every other error as a failure of the pass.
 */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_CONNECTION_KILLED',
  'ER_QUERY_INTERRUPTED',
]);

export function isConnectionError(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; current && depth < 4; depth++) {
    const e = current as { code?: string; fatal?: boolean; name?: string; message?: string; cause?: unknown };
    if (e.code && CONNECTION_CODES.has(e.code)) return true;
    if (e.fatal === true) return true;
    if (e.name === 'KnexTimeoutError') return true;
    if (
      typeof e.message === 'string' &&
      /Connection lost|closed state|Can't add new command when connection/.test(e.message)
    )
      return true;
    current = e.cause;
  }
  return false;
}
