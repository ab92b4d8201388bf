import path from 'node:path';
import { EXEMPT, TABLE_OWNERS } from './tableOwners.mjs';

/**
 * ESLint rule `bxsup/table-owner`: a string literal or template chunk that names one of our shared
 * tables (lint/tableOwners.mjs) outside the files allowed to name it is an error. Table names are
 * matched as whole words, so an index name such as `bl_support_outbox_due` is not the outbox.
 */
const TABLE_NAME = /\bbl_support_[a-z_]+\b/g;

function allowed(file, entries) {
  return entries.some((e) => (e.endsWith('/') ? file.startsWith(e) : file === e));
}

export const tableOwnership = {
  meta: {
    type: 'problem',
    docs: { description: 'one module owns each shared table of ours' },
    messages: {
      notOwner: '{{table}} belongs to {{owners}}: call that module instead of naming the table here',
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
