import { existsSync } from 'node:fs';
import path from 'node:path';
import { DbTarget } from '../core/dbUrl';
import { BxsupError } from '../core/errors';
import {
  dig,
  isUnknown,
  parsePhpFile,
  PhpFile,
  PhpValue,
  returnedValue,
  topLevelAssignments,
  topLevelDefines,
  Unknown,
} from './phpLiterals';

/**
 * What bxsup reads from a site's own PHP config under its document root (`--bitrix-root`, db.bitrixRoot):
 * the database connection and the cache setup. Bitrix takes the connection from bitrix/.settings.php
 * (`'connections' => ['value' => ['default' => [host, database, login, password]]]`) and, on old sites
 * that were never converted, from bitrix/php_interface/dbconn.php ($DBHost, $DBLogin, $DBPassword,
 * $DBName). Only literal values are understood (bridge/phpLiterals.ts); PHP is never executed.
 */
export interface BitrixSiteFiles {
  /** The document root (the folder holding bitrix/). */
  root: string;
  settings: PhpFile | null;
  dbconn: PhpFile | null;
}

export function siteRootOf(bitrixRoot: string): string {
  return path.basename(path.resolve(bitrixRoot)) === 'bitrix'
    ? path.dirname(path.resolve(bitrixRoot))
    : path.resolve(bitrixRoot);
}

export function readSiteFiles(bitrixRoot: string): BitrixSiteFiles {
  const root = siteRootOf(bitrixRoot);
  const settings = path.join(root, 'bitrix', '.settings.php');
  const dbconn = path.join(root, 'bitrix', 'php_interface', 'dbconn.php');
  return {
    root,
    settings: existsSync(settings) ? parsePhpFile(settings) : null,
    dbconn: existsSync(dbconn) ? parsePhpFile(dbconn) : null,
  };
}

export function readBitrixDbTarget(bitrixRoot: string): DbTarget {
  const site = readSiteFiles(bitrixRoot);
  if (site.settings) {
    const conn = dig(returnedValue(site.settings), ['connections', 'value', 'default']);
    if (conn && typeof conn === 'object' && !Array.isArray(conn) && !isUnknown(conn)) {
      return toTarget(
        { host: conn.host, database: conn.database, login: conn.login, password: conn.password },
        site.settings.file,
        (key) => `'${key}'`,
      );
    }
  }
  if (site.dbconn) {
    const vars = topLevelAssignments(site.dbconn);
    return toTarget(
      {
        host: vars.get('DBHost'),
        database: vars.get('DBName'),
        login: vars.get('DBLogin'),
        password: vars.get('DBPassword'),
      },
      site.dbconn.file,
      (key) => `$${{ host: 'DBHost', database: 'DBName', login: 'DBLogin', password: 'DBPassword' }[key]}`,
    );
  }
  throw new BxsupError(
    'BITRIX_SETTINGS',
    `no database settings under ${site.root}: expected bitrix/.settings.php or bitrix/php_interface/dbconn.php; pass the site's document root to --bitrix-root, or use --db`,
  );
}

type ConnectionKey = 'host' | 'database' | 'login' | 'password';

function toTarget(
  raw: Record<ConnectionKey, PhpValue | undefined>,
  file: string,
  nameOf: (key: ConnectionKey) => string,
): DbTarget {
  for (const key of ['host', 'database', 'login', 'password'] as const) {
    const value = raw[key];
    if (isUnknown(value)) throw notLiteral(file, nameOf(key), value);
  }
  for (const key of ['host', 'database', 'login'] as const) {
    if (typeof raw[key] !== 'string' || raw[key] === '') {
      throw new BxsupError(
        'BITRIX_SETTINGS',
        `${file} has no ${nameOf(key)} for the default connection: use --db instead`,
      );
    }
  }
  return {
    ...parseHost(String(raw.host)),
    user: String(raw.login),
    password: raw.password === undefined || raw.password === null ? '' : String(raw.password),
    database: String(raw.database),
  };
}

function notLiteral(file: string, name: string, value: Unknown): BxsupError {
  const where = value.line === null ? file : `${file} line ${value.line}`;
  return new BxsupError(
    'BITRIX_SETTINGS',
    `${where}: ${name} is ${value.what}, not a literal value; bxsup reads literal settings only (it never runs PHP): pass the connection with --db mysql://user:password@host:3306/database`,
  );
}

/**
 * The host forms mysqli accepts in Bitrix settings: "host", "host:3307", "[::1]:3307", a socket as
 * "localhost:/var/lib/mysqld/mysqld.sock" (or ":/path"), each optionally prefixed "p:" (persistent).
 * A plain "localhost" is reached over TCP at 127.0.0.1 (mysqli would use its default socket; name the
 * socket in the settings or pass --db when the server does not listen on TCP).
 */
export function parseHost(text: string): Pick<DbTarget, 'host' | 'port' | 'socketPath'> {
  const host = text.trim().replace(/^p:/i, '');
  const socket = /^([^/]*):(\/.+)$/.exec(host);
  if (socket) return { host: 'localhost', port: 3306, socketPath: socket[2] };
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(host);
  if (bracketed) return { host: bracketed[1], port: bracketed[2] ? Number(bracketed[2]) : 3306 };
  const [name, port] = host.split(':');
  return {
    host: name === 'localhost' || name === '' ? '127.0.0.1' : name,
    port: port && /^\d+$/.test(port) ? Number(port) : 3306,
  };
}

/**
 * Where and how the site caches (for bridge/bitrixCache.ts). The kernel takes the engine from
 * `.settings.php` 'cache' => ['value' => ['type' => …]], and uses files when that key is absent (a
 * BX_CACHE_TYPE constant left in dbconn.php is then ignored: checked on main 20, whose harness site
 * defines it as "none" and caches in files). Only a site with no .settings.php at all still goes by
 * BX_CACHE_TYPE. Files live under BX_PERSONAL_ROOT (/bitrix) of the document root.
 */
export interface BitrixCacheSettings {
  /** 'files', 'memcache', 'redis', 'apc', 'none', or the class name of a custom engine. */
  type: string;
  /** BX_PERSONAL_ROOT: where managed_cache/ lives, relative to the document root. */
  personalRoot: string;
}

export function readBitrixCacheSettings(bitrixRoot: string): BitrixCacheSettings {
  const site = readSiteFiles(bitrixRoot);
  const defines = site.dbconn ? topLevelDefines(site.dbconn) : new Map<string, PhpValue>();
  const personal = defines.get('BX_PERSONAL_ROOT');
  const personalRoot = typeof personal === 'string' && personal.startsWith('/') ? personal : '/bitrix';
  const configured = site.settings
    ? dig(returnedValue(site.settings), ['cache', 'value', 'type'])
    : defines.get('BX_CACHE_TYPE');
  return { type: cacheTypeName(configured), personalRoot };
}

function cacheTypeName(value: PhpValue | undefined): string {
  if (value === undefined || value === null || value === '') return 'files';
  if (isUnknown(value)) return `unknown (${value.what})`;
  if (typeof value === 'object' && !Array.isArray(value)) {
    const extension = value.extension;
    if (typeof extension === 'string' && extension) return extension;
    return typeof value.class_name === 'string' ? value.class_name : 'custom';
  }
  const name = String(value)
    .toLowerCase()
    .replace(/^cphpcache/, '');
  // The old constant knew a few engines by name; anything else meant files.
  return ['memcache', 'redis', 'apc', 'xcache', 'eaccelerator', 'files', 'none'].includes(name)
    ? name
    : 'files';
}
