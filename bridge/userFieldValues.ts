import { Knex } from 'knex';
import { rawRows } from '../core/rawRows';
import { sqlNumber, sqlValue } from '../core/sqlValues';

/**
 * Values of ticket user fields in b_uts_support (VALUE_ID = b_ticket.ID). The row exists only once a
 * value was saved, so it is inserted when missing. b_ticket is not touched: its TIMESTAMP_X stays what
 * the last real change made it, and the sync does not see our own write as a change of the ticket.
 */
type Writer = Knex | Knex.Transaction;

export const UTS_SUPPORT = 'b_uts_support';

export async function upsertUserFieldValues(
  db: Writer,
  ticketId: number,
  values: Record<string, string | number | null>,
): Promise<void> {
  await upsertManyUserFieldValues(db, [{ ticketId, values }]);
}

/** Several tickets' values in one statement; every entry names the same fields (the first one's). */
export async function upsertManyUserFieldValues(
  db: Writer,
  entries: ReadonlyArray<{ ticketId: number; values: Record<string, string | number | null> }>,
): Promise<void> {
  if (entries.length === 0) return;
  const columns = Object.keys(entries[0].values);
  if (columns.length === 0) return;
  const list = columns.map((c) => `\`${c}\``).join(', ');
  const updates = columns.map((c) => `\`${c}\` = VALUES(\`${c}\`)`).join(', ');
  // Literals, not bound values: the SLA refresh writes a hundred tickets' fields at once.
  const rows = entries.map(
    (e) => `(${sqlNumber(e.ticketId)}, ${columns.map((c) => sqlValue(e.values[c])).join(', ')})`,
  );
  await db.raw(
    `INSERT INTO ${UTS_SUPPORT} (VALUE_ID, ${list}) VALUES ${rows.join(', ')}
     ON DUPLICATE KEY UPDATE ${updates}`,
  );
}

/** Which of `fields` exist as columns of b_uts_support (none when the table is missing). */
export async function existingUserFieldColumns(db: Writer, fields: readonly string[]): Promise<Set<string>> {
  const rows = await db('information_schema.COLUMNS')
    .where({ TABLE_SCHEMA: db.raw('DATABASE()'), TABLE_NAME: UTS_SUPPORT })
    .whereIn('COLUMN_NAME', fields as string[])
    .select<Array<{ COLUMN_NAME: string }>>('COLUMN_NAME');
  return new Set(rows.map((r) => r.COLUMN_NAME));
}

/** The highest VALUE_ID of b_uts_support (0: no row, or no table). */
export async function lastUserFieldRowId(db: Writer): Promise<number> {
  const row = (await db(UTS_SUPPORT).max({ last: 'VALUE_ID' }).first()) as
    { last: number | null } | undefined;
  return Number(row?.last ?? 0);
}

/**
 * The tickets of one primary-key range of b_uts_support (VALUE_ID after `after`, up to `upTo`) whose
 * enumeration field `field` holds an ID that is not one of its values now (`valid`), or no value while
 * the list has some: what deleting a list's values in the field's settings (and adding them again)
 * leaves behind. A bounded read that takes no locks.
 */
export async function ticketsWithUnknownEnumValue(
  db: Writer,
  field: string,
  valid: readonly number[],
  after: number,
  upTo: number,
): Promise<number[]> {
  const unknown = valid.length
    ? `(\`${field}\` IS NULL OR \`${field}\` NOT IN (${valid.map((id) => sqlNumber(id)).join(', ')}))`
    : `\`${field}\` IS NOT NULL`;
  const rows = await rawRows<{ id: number }>(
    db,
    `SELECT VALUE_ID AS id FROM ${UTS_SUPPORT} WHERE VALUE_ID > ? AND VALUE_ID <= ? AND ${unknown}`,
    [after, upTo],
  );
  return rows.map((r) => Number(r.id));
}
