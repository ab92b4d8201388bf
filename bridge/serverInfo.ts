import { Db } from '../core/db';
import { BxsupError } from '../core/errors';
import { rawRows } from '../core/rawRows';

export interface ServerInfo {
  /** As the server reports it, e.g. "10.11.19-MariaDB-0+deb12u1" or "8.0.36". */
  version: string;
  flavor: 'mariadb' | 'mysql';
  major: number;
  minor: number;
  database: string;
  charset: string;
  collation: string;
  /** @@global.time_zone ("SYSTEM" or an offset/name) and @@system_time_zone (e.g. "MSK"). */
  timeZone: string;
  systemTimeZone: string;
  /** FOR UPDATE SKIP LOCKED: MySQL ≥ 8.0, MariaDB ≥ 10.6. */
  supportsSkipLocked: boolean;
  /** Window functions (ROW_NUMBER() OVER): MySQL ≥ 8.0, MariaDB ≥ 10.2 (so MySQL 5.7 alone lacks them). */
  supportsWindowFunctions: boolean;
}

type Version = Pick<ServerInfo, 'flavor' | 'major' | 'minor'>;

/** Whether the server is at least the given release of its flavor. */
function atLeast(v: Version, need: Record<Version['flavor'], [number, number]>): boolean {
  const [major, minor] = need[v.flavor];
  return v.major > major || (v.major === major && v.minor >= minor);
}

/** The features our SQL chooses between, by the server's release. */
export function serverFeatures(
  v: Version,
): Pick<ServerInfo, 'supportsSkipLocked' | 'supportsWindowFunctions'> {
  return {
    supportsSkipLocked: atLeast(v, { mariadb: [10, 6], mysql: [8, 0] }),
    supportsWindowFunctions: atLeast(v, { mariadb: [10, 2], mysql: [8, 0] }),
  };
}

export async function readServerInfo(db: Db): Promise<ServerInfo> {
  const rows = await rawRows<Record<string, string>>(
    db,
    `SELECT VERSION() AS version, DATABASE() AS db, @@character_set_database AS charset,
            @@collation_database AS collation, @@global.time_zone AS tz, @@system_time_zone AS systz`,
  );
  const r = rows[0];
  const flavor = /mariadb/i.test(r.version) ? 'mariadb' : 'mysql';
  const [major, minor] = r.version.split(/[.-]/).map((p) => Number(p));
  return {
    version: r.version,
    flavor,
    major,
    minor,
    database: r.db,
    charset: r.charset,
    collation: r.collation,
    timeZone: r.tz,
    systemTimeZone: r.systz,
    ...serverFeatures({ flavor, major, minor }),
  };
}

/** MySQL ≥ 5.7 or MariaDB ≥ 10.3: what Bitrix itself supports and what our SQL needs. */
export function assertSupportedServer(info: ServerInfo): void {
  if (!atLeast(info, { mariadb: [10, 3], mysql: [5, 7] })) {
    throw new BxsupError(
      'DB_VERSION',
      `${info.flavor === 'mariadb' ? 'MariaDB' : 'MySQL'} ${info.version} is too old: bxsup needs MySQL 5.7+ or MariaDB 10.3+`,
    );
  }
}
