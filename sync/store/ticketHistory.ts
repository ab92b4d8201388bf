import { Knex } from 'knex';
import { IdSpan, idsSql } from './idSpan';
import { appendTicketEvents, insertOpeningHistory, TicketEvent } from '../../store/ticketEvents';
import { diffTicketEvents, TicketFacts } from '../mapping/historyEvents';

/**
 * The sync's side of the SLA history, in its batch transactions: tickets mirrored for the first time
 * start their history; a remap diffs the mirror before and after. New messages are history already (in
 * bl_support_message): the sync only marks their tickets' SLA stale (sync/store/tickets.ts
 * applyMessageFacts). Whatever writes history leaves the SLA stale, so the refresh at the end of the
 * pass (or the next escalation pass) recomputes it.
 */
export interface MirroredTicket {
  id: number;
  priority: number;
  category: string | null;
  status: string;
  isOpen: boolean;
  createdAt: Date;
  /** b_ticket.TIMESTAMP_X: when Bitrix made the change. */
  updatedAt: Date;
  /** b_ticket.DATE_CLOSE. */
  resolvedAt: Date | null;
}

/**
 * Tickets mirrored for the first time start their history: what diffTicketEvents(id, null, …) gives
 * (created, category and status at the creation instant; closed at DATE_CLOSE for a ticket already
 * closed), in the same order, written by the server from the mirror rows the batch has just inserted.
 * A backfill writes ~3.5 events per ticket: building and sending them from Node cost more than the
 * tickets themselves. The rows were inserted stale at version 1 (what markSlaStale leaves: see
 * sync/store/ticketUpsert.ts insertNewTickets), so there is nothing to mark here. `tickets`: their IDs,
 * or the span they fill (see IdSpan).
 */
export async function recordNewTickets(
  trx: Knex.Transaction,
  tickets: readonly number[] | IdSpan,
  now: Date,
): Promise<void> {
  if (Array.isArray(tickets) && tickets.length === 0) return;
  await insertOpeningHistory(trx, (column) => idsSql(column, tickets), now);
}

/** The mirror's facts before a remap (read in the remap's transaction, before its upsert). */
export async function readTicketFacts(
  trx: Knex.Transaction,
  ids: readonly number[],
): Promise<Map<number, TicketFacts>> {
  if (ids.length === 0) return new Map();
  const rows = (await trx('bl_support_ticket')
    .whereIn('id', ids)
    .select('id', 'priority', 'category', 'status', 'is_open')) as Array<{
    id: number;
    priority: number;
    category: string | null;
    status: string;
    is_open: number;
  }>;
  return new Map(
    rows.map((r) => [
      Number(r.id),
      {
        priority: Number(r.priority),
        category: r.category,
        status: r.status,
        isOpen: Number(r.is_open) === 1,
      },
    ]),
  );
}

export async function recordTicketChanges(
  trx: Knex.Transaction,
  before: ReadonlyMap<number, TicketFacts>,
  tickets: readonly MirroredTicket[],
  now: Date,
): Promise<void> {
  const events: TicketEvent[] = [];
  for (const t of tickets) {
    const prev = before.get(t.id);
    // A ticket with no mirror before has no "before": its history starts here.
    events.push(...diffTicketEvents(t.id, prev ?? null, facts(t), times(t)));
  }
  await appendTicketEvents(trx, events, now);
}

function facts(t: MirroredTicket): TicketFacts {
  return { priority: t.priority, category: t.category, status: t.status, isOpen: t.isOpen };
}

function times(t: MirroredTicket) {
  return { createdAt: t.createdAt, changedAt: t.updatedAt, closedAt: t.resolvedAt };
}
