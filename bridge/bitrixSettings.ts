import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Engine } from 'php-parser';
import { DbTarget } from '../core/dbUrl';
import { BxsupError } from '../core/errors';

/**
 * Reads the site's database connection from its own PHP config with a real PHP parser:
 * `bitrix/.settings.php` (`'connections' => ['value' => ['default' => [host, database, login, password]]]`)
 * or, on old sites, `bitrix/php_interface/dbconn.php` (`$DBHost`, `$DBLogin`, `$DBPassword`, `$DBName`).
 * Only literal values (and concatenations of literals) are understood; PHP is never executed.
 */
type PhpValue = string | number | boolean | null | PhpValue[] | { [key: string]: PhpValue };

interface PhpNode {
  kind: string;
  [key: string]: unknown;
}

const parser = new Engine({ parser: { php8: true, suppressErrors: false }, ast: { withPositions: false } });

export function readBitrixDbTarget(bitrixRoot: string): DbTarget {
  const root = path.basename(bitrixRoot) === 'bitrix' ? path.dirname(bitrixRoot) : bitrixRoot;
  const settings = path.join(root, 'bitrix', '.settings.php');
  const dbconn = path.join(root, 'bitrix', 'php_interface', 'dbconn.php');
  if (existsSync(settings)) {
    const fromSettings = targetFromSettings(settings);
    if (fromSettings) return fromSettings;
  }
  if (existsSync(dbconn)) return targetFromDbconn(dbconn);
  throw new BxsupError(
    'BITRIX_SETTINGS',
    `no database settings under ${root}: expected bitrix/.settings.php or bitrix/php_interface/dbconn.php; pass the site's document root to --bitrix-root, or use --db`,
  );
}

function parse(file: string): PhpNode {
  try {
    return parser.parseCode(readFileSync(file, 'utf8'), path.basename(file)) as unknown as PhpNode;
  } catch (cause) {
    throw new BxsupError('BITRIX_SETTINGS', `cannot parse ${file}: ${(cause as Error).message}`, { cause });
  }
}

function targetFromSettings(file: string): DbTarget | null {
  const program = parse(file);
  const ret = (program.children as PhpNode[]).find((n) => n.kind === 'return');
  if (!ret)
    throw new BxsupError(
      'BITRIX_SETTINGS',
      `${file} does not return an array: is it a Bitrix .settings.php?`,
    );
  const settings = evaluate(ret.expr as PhpNode, file);
  const conn = dig(settings, ['connections', 'value', 'default']);
  if (!conn || typeof conn !== 'object' || Array.isArray(conn)) return null;
  return toTarget(
    { host: conn.host, database: conn.database, login: conn.login, password: conn.password },
    file,
  );
}

function targetFromDbconn(file: string): DbTarget {
  const program = parse(file);
  const vars: Record<string, PhpValue> = {};
  for (const node of program.children as PhpNode[]) {
    const expr = node.kind === 'expressionstatement' ? (node.expression as PhpNode) : null;
    if (expr?.kind !== 'assign') continue;
    const left = expr.left as PhpNode;
    if (left.kind === 'variable' && typeof left.name === 'string') {
      try {
        vars[left.name] = evaluate(expr.right as PhpNode, file);
      } catch {
        // Other assignments in dbconn.php (constants, ini_set results) are not our business.
      }
    }
  }
  return toTarget(
    { host: vars.DBHost, database: vars.DBName, login: vars.DBLogin, password: vars.DBPassword },
    file,
  );
}

function toTarget(raw: Record<string, PhpValue | undefined>, file: string): DbTarget {
  for (const key of ['host', 'database', 'login'] as const) {
    if (typeof raw[key] !== 'string' || raw[key] === '') {
      throw new BxsupError(
        'BITRIX_SETTINGS',
        `${file} has no ${key} for the default connection: use --db instead`,
      );
    }
  }
  // "localhost:3307" is a port; "localhost:/path/mysql.sock" a socket, which we cannot use over TCP.
  const [host, portPart] = String(raw.host).split(':');
  const port = portPart && /^\d+$/.test(portPart) ? Number(portPart) : 3306;
  return {
    host: host === 'localhost' ? '127.0.0.1' : host,
    port,
    user: String(raw.login),
    password: raw.password === undefined || raw.password === null ? '' : String(raw.password),
    database: String(raw.database),
  };
}

function dig(value: PhpValue, keys: string[]): { [key: string]: PhpValue } | null {
  let current: PhpValue = value;
  for (const key of keys) {
    if (!current || typeof current !== 'object' || Array.isArray(current)) return null;
    current = current[key];
  }
  return current && typeof current === 'object' && !Array.isArray(current) ? current : null;
}

function evaluate(node: PhpNode, file: string): PhpValue {
  switch (node.kind) {
    case 'string':
      return String(node.value);
    case 'number':
      return Number(node.value);
    case 'boolean':
      return Boolean(node.value);
    case 'nullkeyword':
      return null;
    case 'bin':
      if (node.type === '.')
        return `${evaluate(node.left as PhpNode, file)}${evaluate(node.right as PhpNode, file)}`;
      break;
    case 'array': {
      const out: { [key: string]: PhpValue } = {};
      let index = 0;
      for (const item of node.items as PhpNode[]) {
        const entry = item.kind === 'entry' ? item : { key: null, value: item };
        const key = entry.key ? String(evaluate(entry.key as PhpNode, file)) : String(index++);
        out[key] = evaluate(entry.value as PhpNode, file);
      }
      return out;
    }
  }
  throw new BxsupError(
    'BITRIX_SETTINGS',
    `${file}: a ${node.kind} expression is not a plain value; bxsup reads literal settings only: use --db instead`,
  );
}
