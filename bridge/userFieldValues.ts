import { Knex } from 'knex';
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
