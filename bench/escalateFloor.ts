import { performance } from 'node:perf_hooks';
import { LockedTicket, logLineRow } from '../bridge/ticketWrites';
import { Db } from '../core/db';
import { instantToNative, instantToUtc } from '../core/time';

/**
 * The batched-writes floor of an escalation pass: for the same due tickets, only the rows the pass
 * must leave (two escalation rows a ticket: the superseded warning and the breach; the criticality
 * raised in b_ticket; one log line; one outbox notice), as four multi-row statements in one
 * transaction, with nothing computed and nothing read but the tickets' native rows. Written to a copy
 * of those tables (`copyTables`), so the pass measured in the same run starts from the same rows.
 */
export const FLOOR_TABLES = ['b_ticket', 'b_ticket_message', 'bl_support_escalation', 'bl_support_outbox'];

export async function copyTables(fromName: string, to: Db): Promise<void> {
  for (const table of FLOOR_TABLES) {
    await to.raw(`CREATE TABLE \`${table}\` LIKE \`${fromName}\`.\`${table}\``);
    await to.raw(`INSERT INTO \`${table}\` SELECT * FROM \`${fromName}\`.\`${table}\``);
  }
  await to.raw(`ANALYZE TABLE ${FLOOR_TABLES.join(', ')}`);
}

/** Milliseconds for the floor's transaction on `db` (a copy), for `ticketIds`. */
export async function batchedWritesFloorMs(
  db: Db,
  ticketIds: readonly number[],
  now: Date,
  zone: string,
  raiseTo: number,
): Promise<number> {
  const utc = instantToUtc(now);
  const local = instantToNative(now, zone);
  const started = performance.now();
  await db.transaction(async (trx) => {
    const native = (await trx('b_ticket')
      .whereIn('ID', ticketIds as number[])
      .orderBy('ID')
      .forUpdate()
      .select('ID', 'SITE_ID', 'SOURCE_ID', 'RESPONSIBLE_USER_ID', 'CRITICALITY_ID')) as LockedTicket[];
    await trx('bl_support_escalation').insert(
      floorEscalationRows(ticketIds, utc, (level) => (level === 'breach' ? 'applied' : 'superseded')),
    );
    const derived = ticketIds.map(() => 'SELECT ? AS ID').join(' UNION ALL ');
    await trx.raw(
      `UPDATE b_ticket t JOIN (${derived}) v ON v.ID = t.ID SET t.CRITICALITY_ID = ?, t.TIMESTAMP_X = ?, t.MODIFIED_MODULE_NAME = 'bxsup'`,
      [...ticketIds, raiseTo, local],
    );
    await trx('b_ticket_message').insert(
      native.map((ticket) =>
        logLineRow({ ticket, text: '<li>критичность: Высокая<li>причина: SLA', local, number: 2 }),
      ),
    );
    await trx('bl_support_outbox').insert(
      ticketIds.map((id) => ({
        event_key: `floor:${id}`,
        event_type: 'SUPPORT_SLA_BREACH',
        ticket_id: id,
        payload: '{"recipients":[5]}',
        state: 'pending',
        attempts: 0,
        available_at: utc,
        created_at: utc,
      })),
    );
  });
  return performance.now() - started;
}

/** A first-reply warning and breach per ticket, as the floors write them (the minimal escalation rows). */
export function floorEscalationRows(
  ticketIds: readonly number[],
  utc: string,
  outcome: (level: 'warning' | 'breach') => string,
): Array<Record<string, string | number>> {
  return ticketIds.flatMap((id) =>
    (['warning', 'breach'] as const).map((level) => ({
      ticket_id: id,
      target: 'first_reply',
      level,
      cycle: 0,
      due_at: utc,
      deadline_at: utc,
      fired_at: utc,
      outcome: outcome(level),
      actions: '{}',
    })),
  );
}
