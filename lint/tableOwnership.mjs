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
    const checkWrite = (node, text) => {
      if (!WRITE_STATEMENT.test(text)) return;
      for (const [column] of text.matchAll(OWNED_COLUMN)) {
        const owner = WRITE_OWNER.get(column);
        if (file !== owner) context.report({ node, messageId: 'notWriteOwner', data: { column, owner } });
      }
    };
    return {
      Literal(node) {
        if (typeof node.value === 'string') {
          check(node, node.value);
          checkWrite(node, node.value);
        }
      },
      TemplateElement(node) {
        check(node, node.value.raw);
      },
      // A statement's text split by its placeholders: the chunks together say whether it writes.
      TemplateLiteral(node) {
        checkWrite(node, node.quasis.map((q) => q.value.raw).join(' '));
      },
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || !WRITE_METHODS.has(callee.property.name)) return;
        for (const arg of node.arguments) {
          if (arg.type !== 'ObjectExpression') continue;
          for (const prop of arg.properties) {
            const key = prop.type === 'Property' ? (prop.key.name ?? prop.key.value) : undefined;
            const owner = WRITE_OWNER.get(key);
            if (owner && file !== owner)
              context.report({ node: prop, messageId: 'notWriteOwner', data: { column: key, owner } });
          }
        }
      },
    };
  },
};
