/**
 * The sync's events for the mailer, queued (store/outbox/insert.ts insertNewOutboxEntries) in the same
 * transaction as the mirror rows and the cursor advance. event_key names the event (created:<ticket>,
 * reply:<message>, closed:<ticket>:<date>): writing the same event twice — a retried batch, a second
 * daemon, a reconciliation that meets it again — is a no-op, so each event is queued exactly once.
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
