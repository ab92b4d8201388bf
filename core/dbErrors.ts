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

/**
 * Errors no retry will cure while the daemon runs: a privilege the database user lacks, our tables or
 * the database gone, wrong credentials on a reconnect, the connection pool closed under the worker. The
 * daemon stops on these (exit non-zero: systemd restarts it, and the start-up checks then say what to
 * fix) instead of logging the same failure forever.
 */
const FATAL_CODES = new Set([
  'ER_TABLEACCESS_DENIED_ERROR',
  'ER_COLUMNACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_SPECIFIC_ACCESS_DENIED_ERROR',
  'ER_ACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
  'ER_NO_SUCH_TABLE',
  'ER_BAD_FIELD_ERROR',
]);

export function isFatalError(err: unknown): boolean {
  const e = err as { code?: string; message?: string; exitCode?: number; name?: string } | null;
  if (!e || typeof e !== 'object') return false;
  if (e.code && FATAL_CODES.has(e.code)) return true;
  // knex after destroy(): the pool is gone and will not come back.
  if (typeof e.message === 'string' && e.message.startsWith('Unable to acquire a connection')) return true;
  // Our own environment errors (not installed, privileges), but not "unreachable": that one is waited out.
  return e.name === 'BxsupError' && e.exitCode === 2 && e.code !== 'DB_UNREACHABLE';
}

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
