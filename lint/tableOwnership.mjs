import path from 'node:path';
import { EXEMPT, OWNED_LITERALS, OWNED_WRITES, TABLE_OWNERS } from './tableOwners.mjs';

/**
 * ESLint rule `bxsup/table-owner`: a string literal or template chunk that names one of our shared
 * tables (lint/tableOwners.mjs) outside the files allowed to name it is an error. Table names are
 * matched as whole words, so an index name such as `bl_support_outbox_due` is not the outbox.
 * The same rule keeps the owned strings (OWNED_LITERALS) and the owned column writes (OWNED_WRITES).
 */
const TABLE_NAME = /\bbl_support_[a-z_]+\b/g;

/** Owned literal → its owner, and one pattern that finds any of them as a whole word. */
const LITERAL_OWNER = new Map(
  Object.entries(OWNED_LITERALS).flatMap(([owner, literals]) => literals.map((l) => [l, owner])),
);
const OWNED_LITERAL = new RegExp(`\\b(?:${[...LITERAL_OWNER.keys()].join('|')})\\b`, 'g');

/** Owned column → the one module that may write it; statements that write. */
const WRITE_OWNER = new Map(
  Object.entries(OWNED_WRITES).flatMap(([owner, columns]) => columns.map((c) => [c, owner])),
);
const OWNED_COLUMN = new RegExp(`\\b(?:${[...WRITE_OWNER.keys()].join('|')})\\b`, 'g');
const WRITE_STATEMENT = /\b(?:UPDATE|INSERT)\b/i;
const WRITE_METHODS = new Set(['update', 'insert', 'merge']);

/**
 * What a write statement's placeholders or a write method's arguments bring in from the file's own
 * names: a column list kept in a constant and joined into the statement (`INSERT INTO t
 * (${COLUMNS.join(', ')})`), an object of columns built before the `.update(patch)`. Follows
 * constants, spreads, conditionals, member objects and call arguments to the literals (and object
 * keys) they hold. An imported name is not followed: what it holds is its own module's write. Nor is
 * a function body: what a call returns is not a column list.
 */
function reachable(node, scope, visit, seen = new Set()) {
  if (!node || seen.has(node)) return;
  seen.add(node);
  const next = (n) => reachable(n, scope, visit, seen);
  switch (node.type) {
    case 'Literal':
    case 'TemplateLiteral':
      visit(node);
      if (node.type === 'TemplateLiteral') node.expressions.forEach(next);
      return;
    case 'ObjectExpression':
      visit(node);
      for (const prop of node.properties) next(prop.type === 'Property' ? prop.value : prop.argument);
      return;
    case 'Identifier': {
      const variable = lookUp(scope, node.name);
      for (const def of variable?.defs ?? []) if (def.type === 'Variable') next(def.node.init);
      return;
    }
    case 'ArrayExpression':
      node.elements.forEach(next);
      return;
    case 'SpreadElement':
      next(node.argument);
      return;
    case 'MemberExpression':
      next(node.object);
      return;
    case 'CallExpression':
      next(node.callee);
      node.arguments.forEach(next);
      return;
    case 'ConditionalExpression':
      next(node.consequent);
      next(node.alternate);
      return;
    case 'LogicalExpression':
    case 'BinaryExpression':
      next(node.left);
      next(node.right);
      return;
    case 'TSAsExpression':
    case 'TSSatisfiesExpression':
    case 'TSNonNullExpression':
    case 'ChainExpression':
      next(node.expression);
      return;
    default:
  }
}

function lookUp(scope, name) {
  for (let s = scope; s; s = s.upper) {
    const variable = s.set.get(name);
    if (variable) return variable;
  }
  return undefined;
}

/** The text of a string literal or a template's chunks; null for anything else. */
function textOf(node) {
  if (node.type === 'Literal') return typeof node.value === 'string' ? node.value : null;
  if (node.type === 'TemplateLiteral') return node.quasis.map((q) => q.value.raw).join(' ');
  return null;
}

/** The leaves of a `'…' + x + '…'` chain. */
function concatenated(node) {
  return node.type === 'BinaryExpression' && node.operator === '+'
    ? [...concatenated(node.left), ...concatenated(node.right)]
    : [node];
}

/** A string that is one operand of a `+` chain: the whole chain is checked as one statement. */
function isConcatenated(node) {
  return node.parent?.type === 'BinaryExpression' && node.parent.operator === '+';
}

function allowed(file, entries) {
  return entries.some((e) => (e.endsWith('/') ? file.startsWith(e) : file === e));
}

export const tableOwnership = {
  meta: {
    type: 'problem',
    docs: { description: 'one module owns each shared table of ours' },
    messages: {
      notOwner: '{{table}} belongs to {{owners}}: call that module instead of naming the table here',
      notLiteralOwner: "'{{literal}}' is spelled only in {{owner}}: use its constant instead",
      notWriteOwner: '{{column}} is written only by {{owner}}: call that module to write it',
    },
    schema: [],
  },
  create(context) {
    const file = path.relative(context.cwd, context.filename).split(path.sep).join('/');
    if (allowed(file, EXEMPT)) return {};
    const check = (node, text) => {
      for (const [table] of text.matchAll(TABLE_NAME)) {
        const owners = TABLE_OWNERS[table];
        if (owners && !allowed(file, owners))
          context.report({ node, messageId: 'notOwner', data: { table, owners: owners.join(', ') } });
      }
      for (const [literal] of text.matchAll(OWNED_LITERAL)) {
        const owner = LITERAL_OWNER.get(literal);
        if (file !== owner) context.report({ node, messageId: 'notLiteralOwner', data: { literal, owner } });
      }
    };
    const reportColumn = (node, column) => {
      const owner = WRITE_OWNER.get(column);
      if (owner && file !== owner)
        context.report({ node, messageId: 'notWriteOwner', data: { column, owner } });
    };
    const checkWrite = (node, text) => {
      if (!WRITE_STATEMENT.test(text)) return;
      for (const [column] of text.matchAll(OWNED_COLUMN)) reportColumn(node, column);
    };
    /** A write statement's text whose placeholders (`parts`) are followed to the column lists they hold. */
    const checkStatement = (node, text, parts) => {
      if (!WRITE_STATEMENT.test(text)) return;
      checkWrite(node, text);
      const scope = context.sourceCode.getScope(node);
      const seen = new Set();
      for (const part of parts)
        reachable(part, scope, (held) => {
          const heldText = textOf(held);
          // A literal that is a write statement itself is checked where it stands.
          if (heldText === null || WRITE_STATEMENT.test(heldText)) return;
          for (const [column] of heldText.matchAll(OWNED_COLUMN))
            if (!seen.has(column)) {
              seen.add(column);
              reportColumn(node, column);
            }
        });
    };
    return {
      Literal(node) {
        if (typeof node.value === 'string') {
          check(node, node.value);
          if (!isConcatenated(node)) checkWrite(node, node.value);
        }
      },
      TemplateElement(node) {
        check(node, node.value.raw);
      },
      // A statement's text split by its placeholders: the chunks together say whether it writes.
      TemplateLiteral(node) {
        checkStatement(node, textOf(node), node.expressions);
      },
      // The same statement written as a concatenation: 'INSERT INTO t (' + COLUMNS.join(', ') + ')'.
      BinaryExpression(node) {
        if (node.operator !== '+' || isConcatenated(node)) return;
        const leaves = concatenated(node);
        const texts = leaves.filter((l) => l.type === 'Literal').map(textOf);
        if (texts.every((t) => t === null)) return;
        checkStatement(
          node,
          texts.filter((t) => t !== null).join(' '),
          leaves.filter((l) => l.type !== 'Literal'),
        );
      },
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || !WRITE_METHODS.has(callee.property.name)) return;
        const scope = context.sourceCode.getScope(node);
        for (const arg of node.arguments)
          reachable(arg, scope, (held) => {
            if (held.type !== 'ObjectExpression') return;
            for (const prop of held.properties) {
              const key = prop.type === 'Property' ? (prop.key.name ?? prop.key.value) : undefined;
              if (WRITE_OWNER.has(key)) reportColumn(prop, key);
            }
          });
      },
    };
  },
};
