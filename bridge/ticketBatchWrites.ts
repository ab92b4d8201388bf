import { Knex } from 'knex';
import { BRIDGE_MODULE_NAME, LockedTicket, LogLine, logLineRow } from './ticketWrites';

/**
 * ticketWrites.ts for many tickets at once, in a few statements whatever their number: the escalation
 * agent's batches (escalator/agent/escalateBatch.ts). The same rows as the one-ticket writes (the log
 * line's shape is logLineRow's), the same locking (b_ticket rows FOR UPDATE, in ID order, which also
 * serialises C_NUMBER = MAX + 1 against another bxsup writer of these tickets).
 *
 * Nothing here relies on transactions or on consecutive AUTO_INCREMENT values: on a MyISAM b_ticket or
 * b_ticket_message (old installs) each statement is atomic on its own, and the log lines' IDs are found
 * again (from LAST_INSERT_ID() up, by TICKET_ID and C_NUMBER) rather than assumed consecutive.
 */
export interface LockedForBatch extends LockedTicket {
  /** The ticket's highest C_NUMBER (0 for none): the batch numbers its log lines from there. */
  lastLogNumber: number;
}

/**
 * The tickets' rows locked, then their last C_NUMBER read in a statement of its own: a consistent read
 * made only once every lock is held, so it sees a line another writer committed while we waited (in
 * the locking statement itself, a subquery's snapshot could be taken before the last lock is granted).
 */
export async function lockTickets(
  trx: Knex.Transaction,
  ticketIds: readonly number[],
): Promise<Map<number, LockedForBatch>> {
  if (ticketIds.length === 0) return new Map();
  const rows = (await trx('b_ticket')
    .whereIn('ID', ticketIds as number[])
    .orderBy('ID')
    .forUpdate()
    .select('ID', 'SITE_ID', 'SOURCE_ID', 'RESPONSIBLE_USER_ID', 'CRITICALITY_ID')) as LockedTicket[];
  if (rows.length === 0) return new Map();
  const numbers = (await trx('b_ticket_message')
    .whereIn(
      'TICKET_ID',
      rows.map((r) => r.ID),
    )
    .groupBy('TICKET_ID')
    .select('TICKET_ID', trx.raw('MAX(C_NUMBER) AS n'))) as Array<{ TICKET_ID: number; n: number | null }>;
  const last = new Map(numbers.map((r) => [Number(r.TICKET_ID), Number(r.n ?? 0)]));
  return new Map(rows.map((r) => [Number(r.ID), { ...r, lastLogNumber: last.get(Number(r.ID)) ?? 0 }]));
}

export interface TicketUpdate {
  ID: number;
  responsibleUserId?: number;
  criticalityId?: number;
}

/**
 * The b_ticket changes of many tickets in one UPDATE joined to a derived table of their new values
 * (a column a ticket does not change is NULL there and keeps its value), stamped as applyTicketChange
 * stamps one: TIMESTAMP_X (site-local `local`), no modifying user, MODIFIED_MODULE_NAME='bxsup'.
 */
export async function updateTickets(
  trx: Knex.Transaction,
  updates: readonly TicketUpdate[],
  local: string,
): Promise<void> {
  if (updates.length === 0) return;
  const first = 'SELECT CAST(? AS SIGNED) AS ID, CAST(? AS SIGNED) AS r, CAST(? AS SIGNED) AS c';
  const derived = [first, ...updates.slice(1).map(() => 'SELECT ?, ?, ?')].join(' UNION ALL ');
  await trx.raw(
    `UPDATE b_ticket t JOIN (${derived}) v ON v.ID = t.ID
        SET t.RESPONSIBLE_USER_ID = COALESCE(v.r, t.RESPONSIBLE_USER_ID),
            t.CRITICALITY_ID = COALESCE(v.c, t.CRITICALITY_ID),
            t.TIMESTAMP_X = ?, t.MODIFIED_USER_ID = NULL, t.MODIFIED_GUEST_ID = NULL,
            t.MODIFIED_MODULE_NAME = ?`,
    [
      ...updates.flatMap((u) => [u.ID, u.responsibleUserId ?? null, u.criticalityId ?? null]),
      local,
      BRIDGE_MODULE_NAME,
    ],
  );
}

/**
 * The log lines in one INSERT; returns the statement's first new ID (LAST_INSERT_ID()), or null for no
 * lines. Every row of the statement has an ID at least that high, whatever innodb_autoinc_lock_mode or
 * a MyISAM table does with the rest, so (TICKET_ID, C_NUMBER) with ID >= it finds each line again
 * (store/escalations.ts setLogLineIds reads them so, in one SELECT).
 */
export async function insertLogLines(
  trx: Knex.Transaction,
  lines: readonly LogLine[],
): Promise<number | null> {
  if (lines.length === 0) return null;
  const [first] = await trx('b_ticket_message').insert(lines.map(logLineRow));
  return Number(first);
}
