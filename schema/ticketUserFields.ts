import { createHash } from 'node:crypto';
import { UF_SLA_DEADLINE, UF_SLA_STATE, UF_TICKET_NUMBER } from './slaUserFields';
import { UF_ORDER_ID, UserFieldSpec } from './userFields';

/** The user fields the installer registers on tickets, in this order; later capabilities append theirs. */
export const INSTALLED_USER_FIELDS: readonly UserFieldSpec[] = [
  UF_ORDER_ID,
  UF_SLA_DEADLINE,
  UF_TICKET_NUMBER,
  UF_SLA_STATE,
];

/**
 * The fields only the daemon writes, in the order their values are signed (bl_support_ticket.uf_state):
 * what the daemon last wrote is compared with what b_uts_support holds, and restored when they differ.
 */
export const COMPUTED_USER_FIELDS: readonly UserFieldSpec[] = INSTALLED_USER_FIELDS.filter((f) => f.computed);

/**
 * The signature of computed values, as bl_support_ticket.uf_state keeps it (VARCHAR(64)): the values in
 * COMPUTED_USER_FIELDS order, '|'-joined ('' for none); past 64 characters a SHA-1 of that text, so a
 * longer list of fields still compares exactly. The daemon signs what it writes, the sync signs what
 * b_uts_support holds, and a difference is a form's overwrite to undo.
 */
export function computedFieldSignature(values: Readonly<Record<string, string | null | undefined>>): string {
  const text = COMPUTED_USER_FIELDS.filter((f) => f.fieldName in values)
    .map((f) => values[f.fieldName] ?? '')
    .join('|');
  return text.length <= 64 ? text : `sha1:${createHash('sha1').update(text).digest('hex')}`;
}

/**
 * computedFieldSignature as SQL, over the columns `columns` of b_uts_support under `alias`: the same text
 * from the same values, so the reconciliation can let the server find the tickets whose fields differ
 * from what the daemon wrote. Where the two could still differ (a value the driver renders otherwise),
 * the ticket is only read and compared again in Node: the SQL picks candidates, Node decides.
 */
export function computedFieldSignatureSql(alias: string, columns: readonly string[]): string {
  const present = COMPUTED_USER_FIELDS.filter((f) => columns.includes(f.fieldName));
  const text = `CONVERT(CONCAT_WS('|', ${present
    .map((f) => `COALESCE(CAST(${alias}.\`${f.fieldName}\` AS CHAR), '')`)
    .join(', ')}) USING utf8mb4)`;
  return `IF(CHAR_LENGTH(${text}) <= 64, ${text}, CONCAT('sha1:', SHA1(${text})))`;
}
