import { TicketEvent } from '../../store/ticketEvents';

/**
 * What a change of a mirrored ticket means as SLA history: the events the sync appends
 * (sync/store/ticketHistory.ts) when it mirrors a ticket for the first time or sees it change.
 * Pure: the facts before and after are passed in. TicketFacts: the mirrored facts whose changes make
 * history.
 */
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
