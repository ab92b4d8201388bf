import path from 'node:path';
import { EXEMPT, OWNED_LITERALS, TABLE_OWNERS } from './tableOwners.mjs';

/**
 * ESLint rule `bxsup/table-owner`: a string literal or template chunk that names one of our shared
 * tables (lint/tableOwners.mjs) outside the files allowed to name it is an error. Table names are
 * matched as whole words, so an index name such as `bl_support_outbox_due` is not the outbox.
 */
const TABLE_NAME = /\bbl_support_[a-z_]+\b/g;

/** Owned literal → its owner, and one pattern that finds any of them as a whole word. */
const LITERAL_OWNER = new Map(
  Object.entries(OWNED_LITERALS).flatMap(([owner, literals]) => literals.map((l) => [l, owner])),
);
const OWNED_LITERAL = new RegExp(`\\b(?:${[...LITERAL_OWNER.keys()].join('|')})\\b`, 'g');

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
    return {
      Literal(node) {
        if (typeof node.value === 'string') check(node, node.value);
      },
      TemplateElement(node) {
        check(node, node.value.raw);
      },
    };
  },
};
