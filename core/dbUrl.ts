import { BxsupError } from './errors';

/** The parts of a `mysql://user:password@host:port/database` URL. */
export interface DbTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** A Unix socket to connect through instead of host:port (?socket=/path, or a socket host in the site's settings). */
  socketPath?: string;
}

export function parseDbUrl(url: string, what = 'database URL'): DbTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new BxsupError(
      'CONFIG_INVALID',
      `the ${what} is not a URL: write it as mysql://user:password@host:3306/database`,
      { cause },
    );
  }
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new BxsupError(
      'CONFIG_INVALID',
      `the ${what} must start with mysql:// (got ${parsed.protocol}//): write it as mysql://user:password@host:3306/database`,
    );
  }
  const decode = (part: string, name: string): string => {
    try {
      return decodeURIComponent(part);
    } catch (cause) {
      // A raw '%' (not followed by two hex digits) cannot be told from an encoded character.
      throw new BxsupError(
        'CONFIG_INVALID',
        `the ${name} in the ${what} holds a '%' that is not URL-encoded: write each % as %25 (e.g. a password p%ss becomes p%25ss)`,
        { cause },
      );
    }
  };
  const socketPath = parsed.searchParams.get('socket');
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decode(parsed.username || 'root', 'user'),
    password: decode(parsed.password, 'password'),
    database: decode(parsed.pathname.replace(/^\//, ''), 'database name'),
    ...(socketPath ? { socketPath } : {}),
  };
}

export function formatDbUrl(target: DbTarget): string {
  const auth = target.password
    ? `${encodeURIComponent(target.user)}:${encodeURIComponent(target.password)}`
    : encodeURIComponent(target.user);
  const socket = target.socketPath ? `?socket=${encodeURIComponent(target.socketPath)}` : '';
  return `mysql://${auth}@${target.host}:${target.port}/${encodeURIComponent(target.database)}${socket}`;
}

/** The URL with the password replaced, for logs and messages: passwords are never printed. */
export function redactDbUrl(target: DbTarget): string {
  const auth = target.password ? `${target.user}:***` : target.user;
  const socket = target.socketPath ? `?socket=${target.socketPath}` : '';
  return `mysql://${auth}@${target.host}:${target.port}/${target.database}${socket}`;
}
