import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Engine } from 'php-parser';
import { BxsupError } from '../core/errors';

/**
 * A reader for the literal values of a site's PHP config files (bitrix/.settings.php,
 * bitrix/php_interface/dbconn.php), with a real PHP parser and without ever executing PHP.
 *
 * Real files are not all literals: `.settings.php` may hold `'handled_errors_types' => E_ALL & ~E_NOTICE`,
 * `dbconn.php` may compute a password with getenv(). Such an expression is not an error in itself: it
 * becomes an Unknown that remembers its line, and only a value bxsup needs (host, login, password…) that
 * turns out Unknown is reported, naming the file and the line.
 */
export type PhpValue = string | number | boolean | null | Unknown | PhpValue[] | { [key: string]: PhpValue };

export class Unknown {
  constructor(
    /** What the expression is, in words: "a function call (getenv)", "a constant (E_ALL)". */
    readonly what: string,
    readonly line: number | null,
  ) {}
}

export function isUnknown(value: unknown): value is Unknown {
  return value instanceof Unknown;
}

interface PhpNode {
  kind: string;
  loc?: { start: { line: number } };
  [key: string]: unknown;
}

// Short open tags on: Bitrix's own installer writes dbconn.php starting with `<?`.
const parser = new Engine({
  parser: { php8: true, suppressErrors: false },
  ast: { withPositions: true },
  lexer: { short_tags: true },
});

export interface PhpFile {
  file: string;
  statements: PhpNode[];
}

export function parsePhpFile(file: string): PhpFile {
  try {
    const program = parser.parseCode(readFileSync(file, 'utf8'), path.basename(file)) as unknown as PhpNode;
    return { file, statements: program.children as PhpNode[] };
  } catch (cause) {
    throw new BxsupError('BITRIX_SETTINGS', `cannot parse ${file}: ${(cause as Error).message}`, { cause });
  }
}

/** The value of the file's top-level `return` (what .settings.php is), or null when it has none. */
export function returnedValue(php: PhpFile): PhpValue | null {
  const ret = php.statements.find((n) => n.kind === 'return');
  return ret && ret.expr ? evaluate(ret.expr as PhpNode) : null;
}

/** `$Name = …;` at the top level, last assignment wins (dbconn.php's $DBHost, $DBPassword…). */
export function topLevelAssignments(php: PhpFile): Map<string, PhpValue> {
  const vars = new Map<string, PhpValue>();
  for (const expr of topLevelExpressions(php)) {
    if (expr.kind !== 'assign' || expr.operator !== '=') continue;
    const left = expr.left as PhpNode;
    if (left.kind === 'variable' && typeof left.name === 'string')
      vars.set(left.name, evaluate(expr.right as PhpNode));
  }
  return vars;
}

/** `define("NAME", value)` at the top level (dbconn.php's BX_CACHE_TYPE, BX_PERSONAL_ROOT…). */
export function topLevelDefines(php: PhpFile): Map<string, PhpValue> {
  const defines = new Map<string, PhpValue>();
  for (const expr of topLevelExpressions(php)) {
    if (expr.kind !== 'call') continue;
    const what = expr.what as PhpNode;
    const args = expr.arguments as PhpNode[];
    if (what.kind !== 'name' || String(what.name).toLowerCase() !== 'define' || args.length < 2) continue;
    const name = evaluate(args[0]);
    if (typeof name === 'string') defines.set(name, evaluate(args[1]));
  }
  return defines;
}

function topLevelExpressions(php: PhpFile): PhpNode[] {
  return php.statements
    .filter((n) => n.kind === 'expressionstatement')
    .map((n) => n.expression as PhpNode)
    .map((e) => (e.kind === 'silent' ? (e.expr as PhpNode) : e));
}

/** The value at a key path of nested arrays; undefined when a step is missing or not an array. */
export function dig(value: PhpValue | null | undefined, keys: readonly string[]): PhpValue | undefined {
  let current: PhpValue | null | undefined = value;
  for (const key of keys) {
    if (!current || typeof current !== 'object' || Array.isArray(current) || isUnknown(current))
      return undefined;
    current = current[key];
  }
  return current ?? undefined;
}

function lineOf(node: PhpNode): number | null {
  return node.loc?.start.line ?? null;
}

function evaluate(node: PhpNode): PhpValue {
  switch (node.kind) {
    case 'string':
    case 'nowdoc':
      return String(node.value);
    case 'number':
      return Number(node.value);
    case 'boolean':
      return Boolean(node.value);
    case 'nullkeyword':
      return null;
    case 'cast':
      return evaluate(node.expr as PhpNode);
    case 'bin': {
      if (node.type !== '.') break;
      const left = evaluate(node.left as PhpNode);
      const right = evaluate(node.right as PhpNode);
      if (isUnknown(left)) return left;
      if (isUnknown(right)) return right;
      if (typeof left === 'object' || typeof right === 'object') break;
      return `${left ?? ''}${right ?? ''}`;
    }
    case 'array': {
      const out: { [key: string]: PhpValue } = {};
      let index = 0;
      for (const item of node.items as PhpNode[]) {
        const entry = item.kind === 'entry' ? item : { key: null, value: item };
        const key = entry.key ? evaluate(entry.key as PhpNode) : index++;
        out[isUnknown(key) ? `?${index++}` : String(key)] = evaluate(entry.value as PhpNode);
      }
      return out;
    }
    case 'name':
      return new Unknown(`a constant (${String(node.name)})`, lineOf(node));
    case 'call': {
      const what = node.what as PhpNode;
      return new Unknown(`a function call (${String(what.name ?? 'a function')})`, lineOf(node));
    }
    case 'variable':
      return new Unknown(`a variable ($${String(node.name)})`, lineOf(node));
    case 'encapsed':
      return new Unknown('a string with variables in it', lineOf(node));
  }
  return new Unknown(`an expression (${node.kind})`, lineOf(node));
}
