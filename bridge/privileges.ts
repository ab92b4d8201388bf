import { Db } from '../core/db';
import { BxsupError } from '../core/errors';
import { rawRows } from '../core/rawRows';

/**
 * What the installer needs on the site's database: it creates and alters tables (ours, b_uts_support),
 * inserts the UF definition and dictionary entries, and the daemon updates native rows.
 */
export const INSTALL_PRIVILEGES = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'ALTER',
  'INDEX',
  'DROP',
] as const;

/**
 * Reads the current user's privileges on the current database from information_schema (global and
 * database-level grants; the database pattern of a grant may contain LIKE wildcards, so we match with
 * LIKE). Privileges that come only through a role are not visible there and count as missing.
 */
export async function currentPrivileges(db: Db): Promise<Set<string>> {
  const grantee = db.raw(
    `CONCAT("'", SUBSTRING_INDEX(CURRENT_USER(), '@', 1), "'@'", SUBSTRING_INDEX(CURRENT_USER(), '@', -1), "'")`,
  );
  const globalRows = await rawRows<{ p: string }>(
    db,
    `SELECT PRIVILEGE_TYPE AS p FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ${grantee.toString()}`,
  );
  const schemaRows = await rawRows<{ p: string }>(
    db,
    `SELECT PRIVILEGE_TYPE AS p FROM information_schema.SCHEMA_PRIVILEGES
      WHERE GRANTEE = ${grantee.toString()} AND DATABASE() LIKE TABLE_SCHEMA`,
  );
  return new Set([...globalRows, ...schemaRows].map((r) => r.p.toUpperCase()));
}

/** The account the server matched us to ('user'@'host pattern', what a GRANT names) and the database. */
export async function currentAccount(db: Db): Promise<{ account: string; user: string; database: string }> {
  const rows = await rawRows<{ db: string; u: string }>(db, `SELECT DATABASE() AS db, CURRENT_USER() AS u`);
  const at = rows[0].u.lastIndexOf('@');
  const user = rows[0].u.slice(0, at);
  return { account: `'${user}'@'${rows[0].u.slice(at + 1)}'`, user, database: rows[0].db };
}

export async function assertPrivileges(
  db: Db,
  needed: readonly string[] = INSTALL_PRIVILEGES,
): Promise<void> {
  const have = await currentPrivileges(db);
  const missing = needed.filter((p) => !have.has(p));
  if (missing.length === 0) return;
  const { account, user, database } = await currentAccount(db);
  throw new BxsupError(
    'DB_PRIVILEGES',
    `user '${user}' lacks ${missing.join(', ')} on database '${database}': run GRANT ${needed.join(', ')} ON \`${database}\`.* TO ${account};`,
  );
}
