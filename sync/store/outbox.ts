import { Knex } from 'knex';
import { utcText } from '../nativeTime';

/**
 * Events for the mailer, written in the same transaction as the mirror rows and the cursor advance.
 * event_key is unique and names the event (created:<ticket>, reply:<message>, closed:<ticket>:<date>):
 * writing the same event twice — a retried batch, a second daemon, a reconciliation that meets it again —
 * is a no-op, so each event is queued exactly once.
 */
export type OutboxEventType = 'SUPPORT_TICKET_CREATED' | 'SUPPORT_TICKET_REPLY' | 'SUPPORT_TICKET_CLOSED';

export interface OutboxEvent {
  eventKey: string;
  eventType: OutboxEventType;
  ticketId: number;
  messageId: number | null;
  payload: Record<string, unknown>;
}

export function createdEvent(ticketId: number, number: string): OutboxEvent {
  return {
    eventKey: `created:${ticketId}`,
    eventType: 'SUPPORT_TICKET_CREATED',
    ticketId,
    messageId: null,
    payload: { ticketId, number },
  };
}

export function replyEvent(ticketId: number, messageId: number): OutboxEvent {
  return {
    eventKey: `reply:${messageId}`,
    eventType: 'SUPPORT_TICKET_REPLY',
    ticketId,
    messageId,
    payload: { ticketId, messageId },
  };
}

/** Keyed by DATE_CLOSE exactly as Bitrix wrote it: a ticket closed again after a reopen is a new event. */
export function closedEvent(ticketId: number, dateCloseNative: string, autoClosed: boolean): OutboxEvent {
  return {
    eventKey: `closed:${ticketId}:${dateCloseNative}`,
    eventType: 'SUPPORT_TICKET_CLOSED',
    ticketId,
    messageId: null,
    payload: { ticketId, dateClose: dateCloseNative, autoClosed },
  };
}

/** Returns the events that were new (the others were queued before). */
export async function insertOutbox(
  trx: Knex.Transaction,
  events: OutboxEvent[],
  now: Date,
): Promise<OutboxEvent[]> {
  if (events.length === 0) return [];
  const keys = events.map((e) => e.eventKey);
  const known = new Set(
    (
      await trx('bl_support_outbox').whereIn('event_key', keys).select<{ event_key: string }[]>('event_key')
    ).map((r) => r.event_key),
  );
  const fresh = events.filter((e, i) => !known.has(e.eventKey) && keys.indexOf(e.eventKey) === i);
  if (fresh.length === 0) return [];
  const stamp = utcText(now);
  // ON DUPLICATE KEY (not INSERT IGNORE, which would also swallow truncation and other errors): a
  // concurrent writer that got there first between our read and this insert makes it a no-op.
  await trx.raw(
    `INSERT INTO bl_support_outbox (event_key, event_type, ticket_id, message_id, payload, state, attempts, available_at, created_at)
     VALUES ${fresh.map(() => "(?, ?, ?, ?, ?, 'pending', 0, ?, ?)").join(', ')}
     ON DUPLICATE KEY UPDATE event_key = event_key`,
    fresh.flatMap((e) => [
      e.eventKey,
      e.eventType,
      e.ticketId,
      e.messageId,
      JSON.stringify(e.payload),
      stamp,
      stamp,
    ]),
  );
  return fresh;
}
