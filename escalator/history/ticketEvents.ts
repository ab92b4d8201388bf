import { Knex } from 'knex';
import { instantToUtc } from '../../core/time';

/**
 * The ticket history the SLA is computed from (bl_support_ticket_event). The sync appends what it sees
 * change in b_ticket; messages are not repeated here: they are read from bl_support_message. Whoever
 * appends also marks the ticket's SLA stale, in the same transaction, so that a computation that read
 * the history before this write never lands (the sla_version guard of escalator/state/storeState.ts).
 */
type Writer = Knex | Knex.Transaction;

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

export async function appendTicketEvents(
  trx: Writer,
  events: readonly TicketEvent[],
  now: Date,
  source: EventSource = 'sync',
): Promise<void> {
  if (events.length === 0) return;
  await trx('bl_support_ticket_event').insert(
    events.map((e) => ({
      ticket_id: e.ticketId,
      at: instantToUtc(e.at),
      kind: e.kind,
      value: e.value === null ? null : String(e.value).slice(0, 64),
      source,
      created_at: instantToUtc(now),
    })),
  );
  await markSlaStale(trx, [...new Set(events.map((e) => e.ticketId))]);
}

/**
 * The agent's own changes (source 'bxsup'), appended in the transaction that stores the SLA computed
 * with them: that store moves sla_version past them itself (StoreExtra.versionBump), so the tickets are
 * not marked stale here.
 */
export async function appendOwnEvents(trx: Writer, events: readonly TicketEvent[], now: Date): Promise<void> {
  if (events.length === 0) return;
  await trx('bl_support_ticket_event').insert(
    events.map((e) => ({
      ticket_id: e.ticketId,
      at: instantToUtc(e.at),
      kind: e.kind,
      value: e.value === null ? null : String(e.value).slice(0, 64),
      source: 'bxsup',
      created_at: instantToUtc(now),
    })),
  );
}

/** A ticket's SLA must be computed again: new history, a new message, a changed policy. */
export async function markSlaStale(trx: Writer, ticketIds: readonly number[]): Promise<void> {
  if (ticketIds.length === 0) return;
  await trx('bl_support_ticket')
    .whereIn('id', ticketIds)
    .update({ sla_stale: 1, sla_version: trx.raw('sla_version + 1') });
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
