import { Knex } from 'knex';
import { instantToUtc } from '../core/time';
import { rawRows } from '../core/rawRows';
import { idList } from '../core/sqlIdList';
import { sqlNumber, sqlText, sqlTime } from '../core/sqlValues';
import { markSlaStale } from './slaColumns';

/**
 * bl_support_ticket_event: the ticket history the SLA is computed from. The sync appends what it sees
 * change in b_ticket (sync/store/ticketHistory.ts), the agent its own native writes; messages are not
 * repeated here (they are read from bl_support_message). The escalator reads it
 * (escalator/history/readHistory.ts).
 */
type Conn = Knex | Knex.Transaction;

const EVENT_TABLE = 'bl_support_ticket_event';

export type TicketEventKind = 'created' | 'priority' | 'category' | 'status' | 'closed' | 'reopened';

export interface TicketEvent {
  ticketId: number;
  at: Date;
  kind: TicketEventKind;
  /** created and priority: 1..4; category: our label or null; status: our status. */
  value: string | number | null;
}

/** Where a change came from: the mirror, or the agent's own native write (not operator activity). */
export type EventSource = 'sync' | 'bxsup';

/**
 * Appends history and marks the tickets' SLA stale in the same transaction, so that a computation that
 * read the history before this write never lands (see store/slaColumns.ts, the sla_version guard).
 */
export async function appendTicketEvents(
  trx: Conn,
  events: readonly TicketEvent[],
  now: Date,
  source: EventSource = 'sync',
): Promise<void> {
  if (events.length === 0) return;
  await insertTicketEvents(trx, events, now, source);
  await markSlaStale(trx, [...new Set(events.map((e) => e.ticketId))]);
}

/**
 * The agent's own changes (source 'bxsup'), appended in the transaction that stores the SLA computed
 * with them: that store moves sla_version past them itself (AgentColumns.versionBump in store/slaColumns.ts), so the tickets are
 * not marked stale here.
 */
export async function appendOwnEvents(trx: Conn, events: readonly TicketEvent[], now: Date): Promise<void> {
  await insertTicketEvents(trx, events, now, 'bxsup');
}

/** One INSERT for all the events (the caller decides whether the tickets' SLA becomes stale). */
async function insertTicketEvents(
  trx: Conn,
  events: readonly TicketEvent[],
  now: Date,
  source: EventSource,
): Promise<void> {
  if (events.length === 0) return;
  // Literals, not bound values: a backfill's history is thousands of rows.
  const tail = `${sqlText(source)}, ${sqlTime(now)})`;
  const values = events.map(
    (e) =>
      `(${sqlNumber(e.ticketId)}, ${sqlTime(e.at)}, ${sqlText(e.kind)}, ` +
      `${sqlText(e.value === null ? null : String(e.value).slice(0, 64))}, ${tail}`,
  );
  await trx.raw(
    `INSERT INTO ${EVENT_TABLE} (ticket_id, at, kind, value, source, created_at) VALUES ${values.join(', ')}`,
  );
}

/**
 * The opening history of tickets just mirrored (created, category and status at the creation instant;
 * closed at DATE_CLOSE, else TIMESTAMP_X, for a ticket already closed), written by the server from
 * their mirror rows. `ticketsWhere(column)` is the SQL condition that selects the tickets by `column`
 * (sync/store/idSpan.ts idsSql: an ID list or a span, as literals).
 */
export async function insertOpeningHistory(
  trx: Knex.Transaction,
  ticketsWhere: (column: string) => string,
  now: Date,
): Promise<void> {
  // ORDER BY hands out the AUTO_INCREMENT ids ticket by ticket, kind by kind, as the row-by-row insert
  // did (readHistory orders a ticket's events by at, then id); it also makes the statement safe for
  // statement-based replication.
  await trx.raw(
    `INSERT INTO ${EVENT_TABLE} (ticket_id, at, kind, value, source, created_at)
     SELECT t.id, CASE WHEN k.n = 4 THEN COALESCE(t.resolved_at, t.updated_at) ELSE t.created_at END, k.kind,
            CASE k.n WHEN 1 THEN CAST(t.priority AS CHAR) WHEN 2 THEN t.category WHEN 3 THEN t.status END,
            'sync', ?
       FROM bl_support_ticket t
       JOIN (SELECT 1 AS n, 'created' AS kind UNION ALL SELECT 2, 'category'
             UNION ALL SELECT 3, 'status' UNION ALL SELECT 4, 'closed') k ON k.n < 4 OR t.is_open = 0
      WHERE ${ticketsWhere('t.id')}
      ORDER BY t.id, k.n`,
    [instantToUtc(now)],
  );
}

export interface StoredTicketEvent {
  ticket_id: number;
  at: string;
  kind: string;
  value: string | null;
  source: string;
}

/** The tickets' events in the order they happened (by at, then as appended); through ticket_id's index. */
export async function readTicketEvents(db: Conn, ticketIds: readonly number[]): Promise<StoredTicketEvent[]> {
  return rawRows<StoredTicketEvent>(
    db,
    `SELECT ticket_id, at, kind, value, source FROM ${EVENT_TABLE}
      WHERE ticket_id IN (${idList(ticketIds)}) ORDER BY ticket_id, at, id`,
  );
}
