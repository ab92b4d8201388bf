import { Knex } from 'knex';
import { derivedRows, JoinedColumn } from '../core/joinedUpdate';
import { rawRows, rawWrite } from '../core/rawRows';
import { idList } from '../core/sqlIdList';
import { sqlNumber, sqlText, sqlValue } from '../core/sqlValues';
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
  const rows = await rawRows<LockedTicket>(
    trx,
    `SELECT ID, SITE_ID, SOURCE_ID, RESPONSIBLE_USER_ID, CRITICALITY_ID FROM b_ticket
      WHERE ID IN (${idList(ticketIds)}) ORDER BY ID FOR UPDATE`,
  );
  if (rows.length === 0) return new Map();
  const numbers = await rawRows<{ TICKET_ID: number; n: number | null }>(
    trx,
    `SELECT TICKET_ID, MAX(C_NUMBER) AS n FROM b_ticket_message
      WHERE TICKET_ID IN (${idList(rows.map((r) => Number(r.ID)))}) GROUP BY TICKET_ID`,
  );
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
  const derived = derivedRows(
    CHANGED_COLUMNS,
    updates.map((u) => [
      sqlNumber(u.ID),
      sqlNumber(u.responsibleUserId ?? null),
      sqlNumber(u.criticalityId ?? null),
    ]),
  );
  await trx.raw(
    `UPDATE b_ticket t JOIN (${derived}) v ON v.id = t.ID
        SET t.RESPONSIBLE_USER_ID = COALESCE(v.r, t.RESPONSIBLE_USER_ID),
            t.CRITICALITY_ID = COALESCE(v.c, t.CRITICALITY_ID),
            t.TIMESTAMP_X = ${sqlText(local)}, t.MODIFIED_USER_ID = NULL, t.MODIFIED_GUEST_ID = NULL,
            t.MODIFIED_MODULE_NAME = ${sqlText(BRIDGE_MODULE_NAME)}`,
  );
}

/** The derived table's new values: the responsible user and the criticality (NULL: unchanged). */
const CHANGED_COLUMNS: readonly JoinedColumn[] = [
  { name: 'r', cast: 'SIGNED' },
  { name: 'c', cast: 'SIGNED' },
];

/**
 * The log lines in one INSERT, then their IDs found again in one SELECT; returns them in the order of
 * `lines`. Each line is found by its ticket and C_NUMBER among the IDs from the INSERT's
 * LAST_INSERT_ID() up: every row of the statement has an ID at least that high, but the IDs are never
 * assumed consecutive (they need not be: innodb_autoinc_lock_mode = 2, a MyISAM table). b_ticket_message
 * has no unique key on (TICKET_ID, C_NUMBER) and Bitrix numbers a message MAX + 1 without a lock, so a
 * message of the module's own written beside ours can carry the same number: a line not found, or found
 * twice, fails the caller's transaction rather than point an escalation at the customer's message.
 */
export async function insertLogLines(trx: Knex.Transaction, lines: readonly LogLine[]): Promise<number[]> {
  if (lines.length === 0) return [];
  // Written out as literals: a batch's lines are hundreds of rows of twenty-one values.
  const rows = lines.map(logLineRow);
  const columns = Object.keys(rows[0]);
  const values = rows.map((row) => `(${columns.map((c) => sqlValue(row[c])).join(', ')})`);
  const result = await rawWrite(
    trx,
    `INSERT INTO b_ticket_message (${columns.join(', ')}) VALUES ${values.join(', ')}`,
  );
  return logLineIds(trx, lines, result.insertId);
}

/** The IDs of `lines`, in their order, among those from `firstLineId` up (see insertLogLines). */
export async function logLineIds(
  trx: Knex.Transaction,
  lines: readonly LogLine[],
  firstLineId: number,
): Promise<number[]> {
  const found = await rawRows<{ ID: number; TICKET_ID: number; C_NUMBER: number }>(
    trx,
    `SELECT ID, TICKET_ID, C_NUMBER FROM b_ticket_message
      WHERE ID >= ${sqlNumber(firstLineId)} AND TICKET_ID IN (${idList(new Set(lines.map((l) => l.ticket.ID)))})`,
  );
  const key = (ticketId: number, number: number) => `${ticketId}/${number}`;
  const wanted = new Set(lines.map((l) => key(Number(l.ticket.ID), l.number)));
  const ids = new Map<string, number>();
  for (const f of found) {
    const k = key(Number(f.TICKET_ID), Number(f.C_NUMBER));
    if (!wanted.has(k)) continue;
    if (ids.has(k)) throw new Error(`log line ${k} found twice`);
    ids.set(k, Number(f.ID));
  }
  return lines.map((l) => {
    const id = ids.get(key(Number(l.ticket.ID), l.number));
    if (id === undefined) throw new Error(`log line ${key(Number(l.ticket.ID), l.number)} was not written`);
    return id;
  });
}
