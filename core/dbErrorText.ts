import { BxsupError } from './errors';
import { redact } from './logger';

/**
 * What a person reads when the database refuses something: what failed, on which table, and the fix —
 * never the SQL statement. knex puts the whole statement into `message` ("insert into … - INSERT command
 * denied …"), so only the driver's own `code` and `sqlMessage` are read here.
 */
interface DriverError {
  code?: string;
  errno?: number;
  sqlMessage?: string;
  sqlState?: string;
}

/** The privileges the daemon and the commands that work on a site need (install needs more). */
export const RUNTIME_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const;

export function isDriverError(err: unknown): err is DriverError {
  const e = err as DriverError | null;
  return Boolean(
    e && typeof e === 'object' && typeof e.sqlMessage === 'string' && typeof e.code === 'string',
  );
}

/**
 * One line for a database error; null when `err` is not one. `context.account` is the account a GRANT
 * must name ('user'@'host pattern' from CURRENT_USER()); the server's message only says where the
 * connection came from.
 */
export function describeDbError(
  err: unknown,
  context: { database?: string; account?: string } = {},
): BxsupError | null {
  if (!isDriverError(err)) return null;
  const message = err.sqlMessage ?? '';
  const table = tableName(message);
  switch (err.code) {
    case 'ER_TABLEACCESS_DENIED_ERROR':
    case 'ER_COLUMNACCESS_DENIED_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
    case 'ER_SPECIFIC_ACCESS_DENIED_ERROR': {
      const command = /^(\w+) command denied/i.exec(message)?.[1]?.toUpperCase();
      const user = /user '([^']*)'@'([^']*)'/i.exec(message);
      const database = context.database ?? databaseName(message) ?? '<database>';
      const privileges = [...new Set([...RUNTIME_PRIVILEGES, ...(command ? [command] : [])])];
      const who = context.account ?? (user ? `'${user[1]}'@'${user[2]}'` : "'<user>'@'<host>'");
      return new BxsupError(
        'DB_PRIVILEGES',
        `the database user ${who} may not ${command ?? 'use'} ${table ? `on table ${table}` : `database ${database}`}: run GRANT ${privileges.join(', ')} ON \`${database}\`.* TO ${who};`,
        { cause: err },
      );
    }
    case 'ER_NO_SUCH_TABLE':
      return new BxsupError(
        table?.startsWith('bl_support_') ? 'SCHEMA_NOT_INSTALLED' : 'DB_NOT_BITRIX',
        table?.startsWith('bl_support_')
          ? `table ${table} is missing: bxsup is not (or no longer) installed here: run bxsup install`
          : `table ${table ?? '(unknown)'} is missing: is this the site's database, with the support module installed?`,
        { cause: err },
      );
    case 'ER_BAD_FIELD_ERROR':
      return new BxsupError(
        'DB_NOT_BITRIX',
        `column ${/column '([^']+)'/i.exec(message)?.[1] ?? '(unknown)'} is missing: run bxsup install (for a native table: the site's support module is not the version bxsup reads)`,
        { cause: err },
      );
    case 'ER_BAD_DB_ERROR':
      return new BxsupError(
        'DB_NOT_BITRIX',
        `${shortText(message, 200)}: check the database name in the URL`,
        {
          cause: err,
        },
      );
    case 'ER_NET_PACKET_TOO_LARGE':
      return new BxsupError(
        'WORK_FAILED',
        "a value is larger than the server's max_allowed_packet: raise max_allowed_packet in the MySQL/MariaDB configuration (Bitrix recommends at least 32M)",
        { cause: err },
      );
    case 'ER_LOCK_WAIT_TIMEOUT':
    case 'ER_LOCK_DEADLOCK':
      return new BxsupError(
        'WORK_FAILED',
        `the database was busy (${err.code}): run it again (the daemon retries by itself)`,
        { cause: err },
      );
    case 'ER_PARSE_ERROR':
      // Its message quotes the statement ("near '…'"): none of it goes out.
      return new BxsupError(
        'WORK_FAILED',
        'the database refused a statement as invalid SQL (ER_PARSE_ERROR): this is a bug in bxsup, please report it with BXSUP_DEBUG=1 output',
        { cause: err },
      );
    default:
      return new BxsupError('WORK_FAILED', `database error ${err.code}: ${shortText(message, 200)}`, {
        cause: err,
      });
  }
}

/** One line for any error, for logs and last_error columns: short, whole characters, no SQL, no secrets. */
export function describeError(err: unknown, max = 300): string {
  const db = describeDbError(err);
  const text = db ? db.message : err instanceof Error ? err.message : String(err);
  return shortText(String(redact(text.split('\n')[0])), max);
}

/** At most `max` characters (code points: never half a letter), with an ellipsis when cut. */
export function shortText(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** `db`.`t`, 'db.t' or 't' in a server message: the table's own name. */
function tableName(message: string): string | null {
  const m = /table [`']?(?:[^`'.\s]+[`']?\.[`']?)?([^`'\s]+)[`']?/i.exec(message);
  return m ? m[1] : null;
}

function databaseName(message: string): string | null {
  return /database '([^']+)'/i.exec(message)?.[1] ?? /for table `([^`]+)`\./i.exec(message)?.[1] ?? null;
}
