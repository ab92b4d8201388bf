import { Knex } from 'knex';
import { markSlaStale } from '../../store/slaColumns';
import { EventSource, insertTicketEvents, TicketEvent } from '../../store/ticketEvents';

/**
 * The ticket history the SLA is computed from (store/ticketEvents.ts). The sync appends what it sees
 * change in b_ticket; messages are not repeated here: they are read from bl_support_message. Whoever
 * appends also marks the ticket's SLA stale, in the same transaction, so that a computation that read
 * the history before this write never lands (see store/slaColumns.ts, the sla_version guard).
 */
type Writer = Knex | Knex.Transaction;

export async function appendTicketEvents(
  trx: Writer,
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
 * with them: that store moves sla_version past them itself (StoreExtra.versionBump), so the tickets are
 * not marked stale here.
 */
export async function appendOwnEvents(trx: Writer, events: readonly TicketEvent[], now: Date): Promise<void> {
  await insertTicketEvents(trx, events, now, 'bxsup');
}

/** The mirrored facts whose changes make history. */
export interface TicketFacts {
  priority: number;
  category: string | null;
  status: string;
  isOpen: boolean;
}

/**
 * What changed between two mirrors of a ticket, as history. `prev` null: the ticket is new, and its
 * history starts with `created` (at its creation instant) plus its category. A close or reopen is
 * dated `closedAt` / `changedAt` as Bitrix recorded them (DATE_CLOSE, TIMESTAMP_X).
 */
export function diffTicketEvents(
  ticketId: number,
  prev: TicketFacts | null,
  next: TicketFacts,
  times: { createdAt: Date; changedAt: Date; closedAt: Date | null },
): TicketEvent[] {
  const at = times.changedAt;
  if (prev === null) {
    const events: TicketEvent[] = [
      { ticketId, at: times.createdAt, kind: 'created', value: next.priority },
      { ticketId, at: times.createdAt, kind: 'category', value: next.category },
      { ticketId, at: times.createdAt, kind: 'status', value: next.status },
    ];
    if (!next.isOpen) events.push({ ticketId, at: times.closedAt ?? at, kind: 'closed', value: null });
    return events;
  }
  const events: TicketEvent[] = [];
  if (prev.priority !== next.priority) events.push({ ticketId, at, kind: 'priority', value: next.priority });
  if (prev.category !== next.category) events.push({ ticketId, at, kind: 'category', value: next.category });
  if (prev.status !== next.status) events.push({ ticketId, at, kind: 'status', value: next.status });
  if (prev.isOpen && !next.isOpen)
    events.push({ ticketId, at: times.closedAt ?? at, kind: 'closed', value: null });
  if (!prev.isOpen && next.isOpen) events.push({ ticketId, at, kind: 'reopened', value: null });
  return events;
}
