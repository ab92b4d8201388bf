import knexFactory, { Knex } from 'knex';
import { format as formatWithBindings, SqlValue, Timezone } from 'mysql2';
import { DbTarget, redactDbUrl } from './dbUrl';
import { BxsupError } from './errors';

export type Db = Knex;

export interface ConnectOptions {
  /** Pool size; the daemon needs a few connections, a CLI command one or two. */
  poolMax?: number;
  poolMin?: number;
  /** Called with each new raw connection once it is set up (the daemon meters its workers' connections). */
  onConnection?: (conn: RawConnection) => void;
}

/**
 * Opens a knex pool on the site's database.
 *
 * - `dateStrings`: native DATETIMEs are zone-less local wall-clock time (and old rows hold zero dates);
 *   we read them as strings and convert at the boundary with the configured zone (core/time.ts).
 * - `timezone: 'Z'` + session `time_zone='+00:00'`: our own tables store UTC, so a JS Date bound into SQL
 *   is written as UTC and nothing depends on the server's zone.
 * - `charset: utf8mb4`: the connection can carry 4-byte characters; whether a native column can store
 *   them is the column's business (bridge/nativeText.ts).
 * - A fixed strict `sql_mode`: Bitrix sites often run with an empty global one; we want errors, not
 *   silent truncation, for what we write.
 */
export function openDb(target: DbTarget, options: ConnectOptions = {}): Db {
  const db = knexFactory({
    client: 'mysql2',
    connection: {
      host: target.host,
      port: target.port,
      ...(target.socketPath ? { socketPath: target.socketPath } : {}),
      user: target.user,
      password: target.password,
      database: target.database || undefined,
      charset: 'utf8mb4_unicode_ci',
      dateStrings: true,
      timezone: 'Z',
      supportBigNumbers: true,
      bigNumberStrings: false,
      multipleStatements: false,
      connectTimeout: 10000,
      queryFormat: formatQuery,
    },
    pool: {
      min: options.poolMin ?? 0,
      max: options.poolMax ?? 4,
      afterCreate: (conn: RawConnection, done: (err: Error | null, conn: RawConnection) => void) => {
        conn.query(
          "SET SESSION time_zone = '+00:00', SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION'",
          (err: Error | null) => {
            if (!err) options.onConnection?.(conn);
            done(err, conn);
          },
        );
      },
    },
    acquireConnectionTimeout: 20000,
    // knex prints pool and driver errors to the console on its own; ours reach the user as one line.
    log: { warn: quiet, error: quiet, deprecate: quiet, debug: quiet },
    // Never the bound values in an error (they can be a customer's message or a password) ...
    compileSqlOnError: false,
  });
  // ... and not the statement either: knex puts it in front of the driver's message, which then
  // reaches logs, last_error columns and the terminal. It stays on the error as `sql` for BXSUP_DEBUG.
  db.on('query-error', (err: { message?: string; sql?: string }, query: { sql?: string }) => {
    const prefix = query.sql === undefined ? null : `${query.sql} - `;
    if (prefix && typeof err.message === 'string' && err.message.startsWith(prefix)) {
      err.message = err.message.slice(prefix.length);
      err.sql ??= query.sql;
    }
  });
  return db;
}

function quiet(): void {}

/**
 * How mysql2 turns a statement and its bindings into the text it sends. Without bindings, the text as it
 * is: mysql2's own formatter scans the whole statement for `?` placeholders even when there is nothing to
 * fill (knex hands it an empty list for every raw statement), and the batch statements written as SQL
 * literals (core/sqlValues.ts) are tens of kB each; with none, it would return the text unchanged anyway.
 * With bindings, mysql2's formatter as mysql2 calls it (stringifyObjects is off in this configuration).
 */
function formatQuery(
  sql: string,
  values: SqlValue | SqlValue[] | null | undefined,
  timezone?: Timezone,
): string {
  if (values === undefined || values === null || (Array.isArray(values) && values.length === 0)) return sql;
  return formatWithBindings(sql, values, false, timezone);
}

/** The driver's own connection (mysql2), as the pool hands it out; `__knexUid` names it in query events. */
export interface RawConnection {
  __knexUid?: string;
  query(sql: string, cb: (err: Error | null, rows?: unknown) => void): void;
}

/**
 * Connects and runs one query, turning the driver's errors into one-line messages that say what to fix.
 */
export async function connectChecked(target: DbTarget, options: ConnectOptions = {}): Promise<Db> {
  const db = openDb(target, options);
  try {
    await db.raw('SELECT 1');
    return db;
  } catch (err) {
    await db.destroy().catch(() => undefined);
    throw describeConnectError(err, target);
  }
}

export function describeConnectError(err: unknown, target: DbTarget): BxsupError {
  const e = err as { code?: string; errno?: number; message?: string };
  const where = redactDbUrl(target);
  switch (e.code) {
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
      return new BxsupError(
        'DB_AUTH',
        `access denied for user '${target.user}' at ${target.host}:${target.port}: check the user and password in the database URL (${where})`,
        { cause: err },
      );
    case 'ER_BAD_DB_ERROR':
      return new BxsupError(
        'DB_NOT_BITRIX',
        `database '${target.database}' does not exist on ${target.host}:${target.port}: check the database name in the URL (${where})`,
        { cause: err },
      );
    case 'ER_DBACCESS_DENIED_ERROR':
      return new BxsupError(
        'DB_PRIVILEGES',
        `user '${target.user}' may not use database '${target.database}': run GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, LOCK TABLES ON \`${target.database}\`.* TO '${target.user}'@'%';`,
        { cause: err },
      );
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
      return new BxsupError(
        'DB_UNREACHABLE',
        `cannot reach the database server at ${target.host}:${target.port} (${e.code}): check that it is running and the host and port in the URL (${where})`,
        { cause: err },
      );
    default:
      return new BxsupError(
        'DB_UNREACHABLE',
        `cannot connect to ${where}: ${String(e.message ?? err).split('\n')[0]}`,
        { cause: err },
      );
  }
}
