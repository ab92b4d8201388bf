import { Db } from '../../core/db';
import { recordNativeChange } from '../../store/nativeChanges';
import { inTransaction, SqlRunner } from '../../core/sqlRunner';

/**
 * `bxsup install --take-over-customer-mail`: the native module's own mails to the customer about the
 * same events (new ticket, support's answer) are switched off, so customers do not get two mails.
 * Only active templates are touched; each one's previous ACTIVE value is journaled first
 * (kind native_template_off), and uninstall puts exactly that value back.
 */
export const OVERLAPPING_NATIVE_EVENTS = [
  'TICKET_NEW_FOR_AUTHOR',
  'TICKET_CHANGE_BY_SUPPORT_FOR_AUTHOR',
] as const;

export async function takeOverCustomerMail(db: Db, runner: SqlRunner, now: Date): Promise<string[]> {
  const rows = (await db('b_event_message')
    .whereIn('EVENT_NAME', OVERLAPPING_NATIVE_EVENTS as unknown as string[])
    .where('ACTIVE', 'Y')
    .orderBy('ID')
    .select('ID', 'EVENT_NAME', 'LID', 'ACTIVE')) as Array<{
    ID: number;
    EVENT_NAME: string;
    LID: string | null;
    ACTIVE: string;
  }>;
  const switched: string[] = [];
  for (const row of rows) {
    await inTransaction(db, runner, async (tx) => {
      await recordNativeChange(
        tx,
        'native_template_off',
        `b_event_message:${row.ID}`,
        { id: Number(row.ID), eventName: row.EVENT_NAME, siteId: row.LID, previousActive: row.ACTIVE },
        now,
      );
      // TIMESTAMP_X = TIMESTAMP_X keeps the ON UPDATE stamp as it was: uninstall leaves the row unchanged.
      await tx.run(
        `UPDATE b_event_message SET ACTIVE = 'N', TIMESTAMP_X = TIMESTAMP_X WHERE ID = ? AND ACTIVE = ?`,
        [row.ID, row.ACTIVE],
      );
    });
    switched.push(`${row.EVENT_NAME} (site ${row.LID ?? '?'}, ID ${row.ID})`);
  }
  return switched;
}

/** Undo of one native_template_off entry: ACTIVE back to what it was, if the template still exists. */
export async function restoreNativeTemplate(
  db: Db,
  runner: SqlRunner,
  detail: { id: number; eventName: string; previousActive: string },
): Promise<boolean> {
  const exists = await db('b_event_message').where('ID', detail.id).first('ID');
  if (!exists) return false;
  await runner.run('UPDATE b_event_message SET ACTIVE = ?, TIMESTAMP_X = TIMESTAMP_X WHERE ID = ?', [
    detail.previousActive,
    detail.id,
  ]);
  return true;
}
